package dev.offstage.shared.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one place configuration is read from: an immutable view of environment variables.
 *
 * <p>In Lambda this is the process environment ({@link #system()}); tests and the local runtime
 * pass a map ({@link #of(Map)}) so several functions can run in one JVM with different settings.
 * Capabilities read their settings from it once, at init, into an immutable config record.
 *
 * <p>Every accessor that can fail throws {@link ConfigurationException} naming the variable, so a
 * misconfigured function stops at init with a message that says what to set.
 */
public final class Environment {

    private static final Environment SYSTEM = new Environment(System.getenv());

    private final Map<String, String> variables;

    private Environment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The process environment, as Lambda sets it. */
    public static Environment system() {
        return SYSTEM;
    }

    /** An environment made of the given variables only (tests, the local runtime). */
    public static Environment of(Map<String, String> variables) {
        return new Environment(variables);
    }

    /** This environment with some variables added or replaced. */
    public Environment with(Map<String, String> overrides) {
        var merged = new TreeMap<>(variables);
        merged.putAll(overrides);
        return new Environment(merged);
    }

    /** The variable's value, or empty when it is unset or blank. */
    public Optional<String> optional(String name) {
        var value = variables.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    /** The variable's value, or {@code fallback} when it is unset or blank. */
    public String get(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    /**
     * The variable's value.
     *
     * @throws ConfigurationException naming the variable when it is unset or blank
     */
    public String require(String name) {
        return optional(name).orElseThrow(() -> new ConfigurationException(
                "Missing required environment variable " + name));
    }

    /** An integer variable, or {@code fallback} when unset. */
    public int intValue(String name, int fallback) {
        return optional(name).map(value -> parseInt(name, value)).orElse(fallback);
    }

    /** A long integer variable (a byte count, say), or {@code fallback} when unset. */
    public long longValue(String name, long fallback) {
        return optional(name).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new ConfigurationException(
                        "Environment variable " + name + " must be an integer, was '" + value + "'");
            }
        }).orElse(fallback);
    }

    /** A boolean variable ({@code true}/{@code false}, any case), or {@code fallback} when unset. */
    public boolean booleanValue(String name, boolean fallback) {
        return optional(name).map(value -> switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigurationException(
                    "Environment variable " + name + " must be true or false, was '" + value + "'");
        }).orElse(fallback);
    }

    /** A duration given in whole seconds, or {@code fallback} when unset. */
    public Duration seconds(String name, Duration fallback) {
        return optional(name).map(value -> Duration.ofSeconds(parseInt(name, value))).orElse(fallback);
    }

    /** All variables, for handing an environment on (the local runtime, child processes). */
    public Map<String, String> asMap() {
        return variables;
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(
                    "Environment variable " + name + " must be an integer, was '" + value + "'");
        }
    }
}
