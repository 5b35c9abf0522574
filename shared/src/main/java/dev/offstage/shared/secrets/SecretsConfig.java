package dev.offstage.shared.secrets;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Objects;

/**
 * How long {@link Secrets} serves a value before it asks Secrets Manager again. Read once, at init.
 *
 * @param maxAge how long a fetched value is served from memory; zero asks the service every time.
 *     Rotation reaches a warm execution environment within this time.
 */
public record SecretsConfig(Duration maxAge) {

    /** Powertools' default for its Parameters utility, and AWS's for the Secrets Manager agent: 5 minutes. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    public static final String MAX_AGE_VARIABLE = "OFFSTAGE_SECRETS_MAX_AGE_SECONDS";

    /** @throws IllegalArgumentException when {@code maxAge} is negative */
    public SecretsConfig {
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
        }
    }

    /** The default: values are served for {@link #DEFAULT_MAX_AGE}. */
    public static SecretsConfig defaults() {
        return new SecretsConfig(DEFAULT_MAX_AGE);
    }

    /**
     * Max age from {@value #MAX_AGE_VARIABLE} (whole seconds, default 300).
     *
     * @throws ConfigurationException naming the variable when it is not a whole number of seconds, or negative
     */
    public static SecretsConfig from(Environment environment) {
        var maxAge = environment.seconds(MAX_AGE_VARIABLE, DEFAULT_MAX_AGE);
        if (maxAge.isNegative()) {
            throw new ConfigurationException("Environment variable " + MAX_AGE_VARIABLE + " must not be negative, was '"
                    + environment.optional(MAX_AGE_VARIABLE).orElse("") + "'");
        }
        return new SecretsConfig(maxAge);
    }
}
