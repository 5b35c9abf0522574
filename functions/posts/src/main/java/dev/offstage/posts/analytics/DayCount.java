package dev.offstage.posts.analytics;

import java.time.LocalDate;

/**
 * A count for one UTC day.
 *
 * @param day the day
 * @param count how many
 */
public record DayCount(LocalDate day, long count) {}
