package dev.offstage.shared.idempotency;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * One idempotent call: its key, optionally the payload it stands for, and optionally the Lambda
 * invocation it runs in. Immutable and thread-safe; each method returns a new call.
 *
 * <pre>{@code
 * var call = IdempotentCall.of("build:" + deliveryId).payload(rawBody).until(context);
 * }</pre>
 *
 * <p>The key names the <em>effect</em> ({@code "index:" + postId + ":" + version}), not the
 * message that carried it: SQS redelivers the same effect under a new message id. Keys are
 * stored and logged as given, so build them from identifiers, never from secrets or content.
 */
public final class IdempotentCall {

    /** DynamoDB's limit for a partition key value, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 2048;

    private final String key;
    private final String payloadHash;
    private final Context context;

    private IdempotentCall(String key, String payloadHash, Context context) {
        this.key = key;
        this.payloadHash = payloadHash;
        this.context = context;
    }

    /** A call identified by {@code key}. @throws IllegalArgumentException when the key is blank */
    public static IdempotentCall of(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("An idempotency key must not be blank");
        }
        return new IdempotentCall(key, null, null);
    }

    /**
     * This call standing for these exact bytes (e.g. a raw request body): with payload validation
     * on, a later call with the same key but other bytes fails with
     * {@link IdempotencyPayloadMismatchException}. Only the SHA-256 hash is kept and stored.
     */
    public IdempotentCall payload(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new IdempotentCall(key, sha256(bytes), context);
    }

    /**
     * This call standing for {@code value}, compared by its JSON form (the shared {@link Json}
     * mapper, map entries sorted by key so that equal maps hash equally).
     *
     * @throws IllegalArgumentException when the value cannot be written as JSON
     */
    public IdempotentCall payload(Object value) {
        Objects.requireNonNull(value, "value");
        try {
            var json = Json.mapper().writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(value);
            return new IdempotentCall(key, sha256(json), context);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot write the payload " + value.getClass().getName() + " as JSON", e);
        }
    }

    /**
     * This call running in the Lambda invocation {@code context}: it holds its key until the
     * invocation's deadline (now plus {@link Context#getRemainingTimeInMillis()}), after which a
     * retry may take it over — Lambda has stopped the invocation by then. Without a context the
     * call holds its key for {@link IdempotencyConfig#inProgressTimeout()}.
     */
    public IdempotentCall until(Context context) {
        return new IdempotentCall(key, payloadHash, Objects.requireNonNull(context, "context"));
    }

    /** The key as given (without the configured prefix). */
    public String key() {
        return key;
    }

    /** The payload's SHA-256 hash in lower-case hex, when a payload was given. */
    public Optional<String> payloadHash() {
        return Optional.ofNullable(payloadHash);
    }

    /** Epoch millis until which this call holds its key, starting now on {@code clock}. */
    long heldUntilMillis(Clock clock, IdempotencyConfig config) {
        var now = clock.millis();
        return context != null
                ? now + context.getRemainingTimeInMillis()
                : now + config.inProgressTimeout().toMillis();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        // Never the payload: only whether there is one.
        return "IdempotentCall[key=" + key + (payloadHash != null ? ", with payload" : "") + "]";
    }

    static String requireStorable(String storedKey) {
        var bytes = storedKey.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("An idempotency key (with its prefix) must be at most "
                    + MAX_KEY_BYTES + " UTF-8 bytes, DynamoDB's partition key limit; was " + bytes);
        }
        return storedKey;
    }
}
