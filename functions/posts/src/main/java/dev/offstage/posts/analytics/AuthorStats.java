package dev.offstage.posts.analytics;

import java.util.List;

/**
 * An author's posts: per day for recent days, and in total.
 *
 * @param authorId the author
 * @param days one entry per day, oldest first, ending today (UTC); zero for days without posts
 * @param total the author's posts of all time
 */
public record AuthorStats(String authorId, List<DayCount> days, long total) {

    public AuthorStats {
        days = List.copyOf(days);
    }
}
