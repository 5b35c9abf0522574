package dev.offstage.posts.analytics;

import java.time.Instant;

/**
 * A count for one UTC hour.
 *
 * @param hour the hour's start
 * @param count how many
 */
public record HourCount(Instant hour, long count) {}
