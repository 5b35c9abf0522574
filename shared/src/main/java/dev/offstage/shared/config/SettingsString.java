package dev.offstage.shared.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Settings written as one string of {@code key=value} pairs separated by {@code ;}, as
 * {@code OFFSTAGE_FAULTS} and the local runtime's {@code --chaos} take them:
 * {@code seed=42;throttle=0.05;services=dynamodb,sqs}. Blank entries are skipped; keys and values
 * are trimmed.
 *
 * <p>Every problem is a {@link ConfigurationException} made by the caller's {@code invalid}
 * function from a description of the problem, so each format names itself and its example.
 */
public final class SettingsString {

    private static final Pattern RATE = Pattern.compile("\\d*\\.?\\d+");

    private final Map<String, String> values;
    private final Function<String, ConfigurationException> invalid;

    private SettingsString(Map<String, String> values, Function<String, ConfigurationException> invalid) {
        this.values = values;
        this.invalid = invalid;
    }

    /**
     * Splits {@code text} into its settings, in order.
     *
     * @param known the keys the format has
     * @param invalid makes the exception for a problem ("'x' is not key=value", ...)
     * @throws ConfigurationException for an entry without {@code =}, an unknown key, or a key given twice
     */
    public static SettingsString parse(String text, Set<String> known, Function<String, ConfigurationException> invalid) {
        var values = new LinkedHashMap<String, String>();
        for (var entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            var equals = entry.indexOf('=');
            if (equals < 0) {
                throw invalid.apply("'" + entry.strip() + "' is not key=value");
            }
            var key = entry.substring(0, equals).strip();
            if (!known.contains(key)) {
                throw invalid.apply("unknown setting '" + key + "' (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
            if (values.putIfAbsent(key, entry.substring(equals + 1).strip()) != null) {
                throw invalid.apply("'" + key + "' is set twice");
            }
        }
        return new SettingsString(values, invalid);
    }

    /** The settings given, in order, by key. */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * The required {@code seed}.
     *
     * @throws ConfigurationException when it is missing or not a long
     */
    public long seed() {
        var value = values.get("seed");
        if (value == null) {
            throw invalid.apply("'seed' is required, so that a run can be repeated");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid.apply("seed must be an integer, was '" + value + "'");
        }
    }

    /**
     * A rate from 0 to 1 written as a plain decimal ({@code 0.05}, {@code .5}, {@code 1}); 0 when not given.
     *
     * @throws ConfigurationException for anything else ({@code 5%}, {@code NaN}, {@code 2})
     */
    public double rate(String key) {
        var value = values.get(key);
        if (value == null) {
            return 0;
        }
        var rate = RATE.matcher(value).matches() ? Double.parseDouble(value) : -1;
        if (rate < 0 || rate > 1) {
            throw invalid.apply(key + " must be a rate from 0 to 1 such as 0.05, was '" + value + "'");
        }
        return rate;
    }
}
