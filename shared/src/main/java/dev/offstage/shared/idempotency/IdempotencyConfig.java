package dev.offstage.shared.idempotency;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link Idempotency} stores its records. Immutable; read once at init with
 * {@link #from(Environment)}, or built in code with {@link #of(String)} and the {@code with…}
 * methods.
 *
 * @param tableName          the DynamoDB table (schema: {@link IdempotencyTable})
 * @param expiry             how long a completed result is returned to duplicates; also the TTL
 *                           AWS uses to delete the item eventually
 * @param inProgressTimeout  how long a call without a Lambda context holds its key before another
 *                           call may take it over (with a context, the Lambda deadline is used)
 * @param keyPrefix          namespace put before every key ({@code prefix#key}), e.g. the function
 *                           name, so that functions sharing a table never share keys; empty for none
 * @param payloadValidation  whether a call's payload hash is stored and compared
 *                           ({@link IdempotencyPayloadMismatchException})
 * @param cacheSize          how many completed results to keep in memory (least recently used
 *                           evicted first); 0 turns the cache off
 */
public record IdempotencyConfig(
        String tableName,
        Duration expiry,
        Duration inProgressTimeout,
        String keyPrefix,
        boolean payloadValidation,
        int cacheSize) {

    /** Required: the table name. */
    public static final String TABLE_VARIABLE = "OFFSTAGE_IDEMPOTENCY_TABLE";
    /** Expiry in whole seconds. */
    public static final String TTL_VARIABLE = "OFFSTAGE_IDEMPOTENCY_TTL_SECONDS";
    /** In-progress timeout (calls without a Lambda context) in whole seconds. */
    public static final String IN_PROGRESS_TIMEOUT_VARIABLE = "OFFSTAGE_IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS";
    /** Key namespace; defaults to {@code AWS_LAMBDA_FUNCTION_NAME}. */
    public static final String KEY_PREFIX_VARIABLE = "OFFSTAGE_IDEMPOTENCY_KEY_PREFIX";
    /** {@code true} or {@code false}. */
    public static final String PAYLOAD_VALIDATION_VARIABLE = "OFFSTAGE_IDEMPOTENCY_PAYLOAD_VALIDATION";
    /** In-memory cache entries; 0 turns the cache off. */
    public static final String CACHE_SIZE_VARIABLE = "OFFSTAGE_IDEMPOTENCY_CACHE_SIZE";

    /** One hour, as Powertools' default: long enough for SQS and webhook redeliveries. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(1);
    /** Lambda's maximum timeout: a call without a context can never outlive it inside Lambda. */
    public static final Duration DEFAULT_IN_PROGRESS_TIMEOUT = Duration.ofMinutes(15);

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException when a value is out of range (the message says which)
     */
    public IdempotencyConfig {
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(expiry, "expiry");
        Objects.requireNonNull(inProgressTimeout, "inProgressTimeout");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (tableName.isBlank()) {
            throw new IllegalArgumentException("tableName must not be blank");
        }
        // Expiry is stored in whole epoch seconds (the format AWS TTL requires).
        if (expiry.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("expiry must be at least 1 s, was " + expiry);
        }
        if (inProgressTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("inProgressTimeout must be at least 1 s, was " + inProgressTimeout);
        }
        // '#' separates prefix and key; allowing it in the prefix would let two namespaces collide.
        if (keyPrefix.indexOf('#') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain '#', was '" + keyPrefix + "'");
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cacheSize must be 0 (off) or more, was " + cacheSize);
        }
    }

    /** Defaults for {@code tableName}: 1 h expiry, 15 min in-progress timeout, no prefix, payload validation on, no cache. */
    public static IdempotencyConfig of(String tableName) {
        return new IdempotencyConfig(tableName, DEFAULT_EXPIRY, DEFAULT_IN_PROGRESS_TIMEOUT, "", true, 0);
    }

    /**
     * Reads the configuration:
     * <ul>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_TABLE}: required;</li>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_TTL_SECONDS}: expiry, default 3600;</li>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_IN_PROGRESS_TIMEOUT_SECONDS}: default 900;</li>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_KEY_PREFIX}: default {@code AWS_LAMBDA_FUNCTION_NAME}
     *       (set by Lambda), else none — renaming the function therefore starts a fresh namespace;</li>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_PAYLOAD_VALIDATION}: {@code true}/{@code false}, default true;</li>
     *   <li>{@code OFFSTAGE_IDEMPOTENCY_CACHE_SIZE}: entries, default 0 (off).</li>
     * </ul>
     *
     * @throws ConfigurationException naming the variable that is missing or malformed
     */
    public static IdempotencyConfig from(Environment environment) {
        var tableName = environment.require(TABLE_VARIABLE);
        var expiry = environment.seconds(TTL_VARIABLE, DEFAULT_EXPIRY);
        var inProgressTimeout = environment.seconds(IN_PROGRESS_TIMEOUT_VARIABLE, DEFAULT_IN_PROGRESS_TIMEOUT);
        var keyPrefix = environment.optional(KEY_PREFIX_VARIABLE)
                .or(() -> environment.optional("AWS_LAMBDA_FUNCTION_NAME"))
                .orElse("");
        var payloadValidation = environment.booleanValue(PAYLOAD_VALIDATION_VARIABLE, true);
        var cacheSize = environment.intValue(CACHE_SIZE_VARIABLE, 0);
        requireAtLeast(TTL_VARIABLE, expiry.toSeconds(), 1);
        requireAtLeast(IN_PROGRESS_TIMEOUT_VARIABLE, inProgressTimeout.toSeconds(), 1);
        requireAtLeast(CACHE_SIZE_VARIABLE, cacheSize, 0);
        if (keyPrefix.indexOf('#') >= 0) {
            throw new ConfigurationException("Environment variable " + KEY_PREFIX_VARIABLE
                    + " (or AWS_LAMBDA_FUNCTION_NAME) must not contain '#', was '" + keyPrefix + "'");
        }
        return new IdempotencyConfig(tableName, expiry, inProgressTimeout, keyPrefix, payloadValidation, cacheSize);
    }

    /** This configuration with another expiry (at least 1 s). */
    public IdempotencyConfig withExpiry(Duration newExpiry) {
        return new IdempotencyConfig(tableName, newExpiry, inProgressTimeout, keyPrefix, payloadValidation, cacheSize);
    }

    /** This configuration with another in-progress timeout for calls without a context (at least 1 s). */
    public IdempotencyConfig withInProgressTimeout(Duration timeout) {
        return new IdempotencyConfig(tableName, expiry, timeout, keyPrefix, payloadValidation, cacheSize);
    }

    /** This configuration with another key namespace (no {@code #}; empty for none). */
    public IdempotencyConfig withKeyPrefix(String prefix) {
        return new IdempotencyConfig(tableName, expiry, inProgressTimeout, prefix, payloadValidation, cacheSize);
    }

    /** This configuration with payload hashes stored and compared, or ignored. */
    public IdempotencyConfig withPayloadValidation(boolean enabled) {
        return new IdempotencyConfig(tableName, expiry, inProgressTimeout, keyPrefix, enabled, cacheSize);
    }

    /** This configuration with an in-memory cache of up to {@code entries} completed results (0: off). */
    public IdempotencyConfig withCache(int entries) {
        return new IdempotencyConfig(tableName, expiry, inProgressTimeout, keyPrefix, payloadValidation, entries);
    }

    /** The key as stored: {@code prefix#key}, or {@code key} without a prefix. */
    String storedKey(String key) {
        return keyPrefix.isEmpty() ? key : keyPrefix + "#" + key;
    }

    private static void requireAtLeast(String variable, long value, long minimum) {
        if (value < minimum) {
            throw new ConfigurationException(
                    "Environment variable " + variable + " must be at least " + minimum + ", was " + value);
        }
    }
}
