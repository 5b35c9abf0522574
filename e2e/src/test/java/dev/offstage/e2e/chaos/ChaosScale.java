package dev.offstage.e2e.chaos;

import java.util.Locale;

/**
 * How big a chaos scenario runs: {@link #FAST}, the slice every {@code ./mvnw verify} runs, or
 * {@link #FULL}, what {@code scripts/chaos} runs ({@code -Doffstage.chaos.scale=full}).
 */
public enum ChaosScale {
    FAST,
    FULL;

    /** The system property naming the scale. */
    public static final String PROPERTY = "offstage.chaos.scale";
    /** The system property overriding a scenario's seed. */
    public static final String SEED_PROPERTY = "offstage.chaos.seed";

    /** The scale {@value #PROPERTY} names; {@link #FAST} when unset. */
    public static ChaosScale current() {
        var value = System.getProperty(PROPERTY, "fast").strip().toUpperCase(Locale.ROOT);
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be fast or full, was '" + value.toLowerCase(Locale.ROOT) + "'");
        }
    }

    /** The seed {@value #SEED_PROPERTY} gives, else {@code defaultSeed}: runs repeat unless asked otherwise. */
    public static long seed(long defaultSeed) {
        var value = System.getProperty(SEED_PROPERTY);
        if (value == null || value.isBlank()) {
            return defaultSeed;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + " must be an integer, was '" + value + "'");
        }
    }

    /** {@code fast} or {@code full} when {@code this} is, as the report says it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
