package dev.offstage.posts.analytics;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The partition keys and time buckets of the analytics table (see the package documentation). */
final class AnalyticsKeys {

    // Sortable as text, so a range of hours or days is a BETWEEN on the sort key.
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH").withZone(ZoneOffset.UTC);

    static final String STATE_SORT_KEY = "state";

    private AnalyticsKeys() {}

    static String hour(Instant hour) {
        return HOUR.format(hour);
    }

    static String day(LocalDate day) {
        return day.toString();
    }

    static String postState(String postId) {
        return "post#" + postId;
    }

    static String postsOfDay(LocalDate day) {
        return "posts#" + day(day);
    }

    static String author(String authorId) {
        return "author#" + authorId;
    }

    static String hashtagsOfHour(Instant hour) {
        return "hashtags#" + hour(hour);
    }

    static String mentions(String user) {
        return "mentions#" + user;
    }
}
