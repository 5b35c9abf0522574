package dev.offstage.posts.analytics;

import java.util.ArrayList;
import java.util.List;

/**
 * One thing a post adds one to: a counter partition and the post's sort key prefix in it. The
 * item itself is {@code (partition, sortPrefix + "#" + postId)}, so one post contributes at most
 * once to each counter whatever the delivery order.
 */
record Contribution(String partition, String sortPrefix) {

    // Sort prefixes are hours, days, hashtags and user names: never a space, never a '#'.
    private static final char SEPARATOR = ' ';

    /** All the contributions of a live post version with these facts. */
    static List<Contribution> of(String authorId, PostFacts facts) {
        var hour = AnalyticsKeys.hour(facts.hour());
        var contributions = new ArrayList<Contribution>();
        contributions.add(new Contribution(AnalyticsKeys.postsOfDay(facts.day()), hour));
        contributions.add(new Contribution(AnalyticsKeys.author(authorId), AnalyticsKeys.day(facts.day())));
        for (var hashtag : facts.hashtags()) {
            contributions.add(new Contribution(AnalyticsKeys.hashtagsOfHour(facts.hour()), hashtag));
        }
        for (var user : facts.mentions()) {
            contributions.add(new Contribution(AnalyticsKeys.mentions(user), hour));
        }
        return contributions;
    }

    /** The sort prefix first: it has no separator, the partition (with an author id) may. */
    String encode() {
        return sortPrefix + SEPARATOR + partition;
    }

    static Contribution decode(String encoded) {
        var at = encoded.indexOf(SEPARATOR);
        return new Contribution(encoded.substring(at + 1), encoded.substring(0, at));
    }

    String sortKey(String postId) {
        return sortPrefix + "#" + postId;
    }
}
