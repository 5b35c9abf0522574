package dev.offstage.shared.logging;

/**
 * Formats epoch milliseconds as ISO-8601 UTC with milliseconds, {@code 2026-03-01T09:30:00.042Z},
 * always with three fraction digits (unlike {@code Instant.toString()}), for years 0–9999.
 *
 * <p>Arithmetic rather than {@code java.time} formatters: the formatter machinery is the largest
 * part of what a first log line would otherwise load.
 */
final class IsoTimestamp {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private IsoTimestamp() {}

    static String format(long epochMillis) {
        var out = new StringBuilder(24);
        append(out, epochMillis);
        return out.toString();
    }

    static void append(StringBuilder out, long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        int millisOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);

        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
        long shifted = days + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthIndex = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * monthIndex + 2) / 5 + 1);
        int month = (int) (monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        int hour = millisOfDay / 3_600_000;
        int minute = millisOfDay / 60_000 % 60;
        int second = millisOfDay / 1000 % 60;
        int millis = millisOfDay % 1000;

        pad(out, (int) year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, hour, 2).append(':');
        pad(out, minute, 2).append(':');
        pad(out, second, 2).append('.');
        pad(out, millis, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder out, int value, int width) {
        for (int limit = 10, digits = 1; digits < width; digits++, limit *= 10) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
