package dev.offstage.shared.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.offstage.shared.idempotency.IdempotencyRecord.Status;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Runs work at most once per key (per expiry window) and returns its stored result to duplicates,
 * with the records in a DynamoDB table ({@link IdempotencyTable}).
 *
 * <pre>{@code
 * var idempotency = new Idempotency(aws.dynamoDb(), IdempotencyConfig.from(environment), Clock.systemUTC());
 * BuildId id = idempotency.run("build:" + deliveryId, BuildId.class, () -> queueBuild(push));
 * BuildId id = idempotency.run(IdempotentCall.of(key).payload(body).until(context), BuildId.class, () -> queueBuild(push));
 * }</pre>
 *
 * <p>What a call does:
 * <ol>
 *   <li>claims the key with one conditional write (an IN_PROGRESS record holding the call's
 *       deadline), which succeeds when no record exists, the record expired, or an IN_PROGRESS
 *       record outlived its holder's deadline — expiry is decided in that condition, never left to
 *       DynamoDB's TTL deletion (which lags by up to days, and which emulators do not do);</li>
 *   <li>if the key is taken: returns the stored result of a COMPLETED record without running the
 *       work, or throws {@link IdempotencyInProgressException} (retryable) for an IN_PROGRESS one;
 *       either way a different payload hash throws {@link IdempotencyPayloadMismatchException};</li>
 *   <li>runs the work; on success stores the result (COMPLETED), on failure deletes the record so
 *       that a retry runs the work, and rethrows the work's exception unchanged.</li>
 * </ol>
 * Storing the result and deleting the record are conditioned on the record still being this
 * call's, so a call that was taken over never overwrites or deletes its successor's record.
 *
 * <p>Thread-safe: one instance per execution environment serves concurrent calls. Needs
 * {@code dynamodb:PutItem}, {@code GetItem} and {@code DeleteItem} on the table.
 */
public final class Idempotency {

    /**
     * Claims retried when the blocking record vanished or expired before it could be read: each
     * retry needs another call to have deleted or replaced the record in between, so a few suffice.
     */
    private static final int MAX_CLAIM_ATTEMPTS = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Idempotency.class);

    private static final String CLAIM_CONDITION = "attribute_not_exists(#id) OR #expiration < :now"
            + " OR (#status = :inProgress AND #inProgressExpiration < :nowMillis)";
    private static final String OWNED_CONDITION = "#owner = :owner";

    private final DynamoDbClient dynamoDb;
    private final IdempotencyConfig config;
    private final Clock clock;
    private final ResultCache cache;

    /**
     * The work an idempotent call runs: returns the result to store (may be {@code null}) and may
     * throw a checked exception {@code E}, which {@code run} rethrows unchanged.
     */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        /** Does the work once; called at most once per {@code run}. */
        T run() throws E;
    }

    /**
     * An idempotency store on {@code config.tableName()}. Build one per execution environment.
     *
     * @param dynamoDb the client for the table ({@code AwsClients.dynamoDb()}); shared, not closed here
     * @param config   table, expiry, prefix, validation and cache settings
     * @param clock    the time expiry and deadlines are measured on ({@code Clock.systemUTC()};
     *                 tests move a clock of their own)
     */
    public Idempotency(DynamoDbClient dynamoDb, IdempotencyConfig config, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new ResultCache(config.cacheSize());
    }

    /**
     * Runs {@code work} unless a call with this key already completed (then returns its stored
     * result) or is in progress (then throws). Same as {@code run(IdempotentCall.of(key), type, work)}.
     *
     * @param type the result's type, to read a stored result back ({@code Void.class} for none)
     * @throws E                                   the work's own exception, unchanged (the record
     *                                             is deleted, so a retry runs the work)
     * @throws IdempotencyInProgressException      another call holds the key; retryable
     * @throws IdempotencyStoreException           DynamoDB failed; retryable
     * @throws IdempotencyResultTooLargeException  the result exceeds DynamoDB's item limit
     * @throws InvalidJsonException                a stored result cannot be read as {@code type}
     *                                             (the type changed incompatibly within the expiry)
     */
    public <T, E extends Exception> T run(String key, Class<T> type, Work<? extends T, E> work) throws E {
        return run(IdempotentCall.of(key), type, work);
    }

    /**
     * Runs {@code work} for {@code call}: with its payload checked against an earlier call's
     * ({@link IdempotencyPayloadMismatchException}, not retryable) and its key held until the
     * Lambda deadline given by {@link IdempotentCall#until}. Otherwise as {@link #run(String, Class, Work)}.
     */
    public <T, E extends Exception> T run(IdempotentCall call, Class<T> type, Work<? extends T, E> work) throws E {
        return execute(call, Json.mapper().constructType(type), work);
    }

    /** As {@link #run(IdempotentCall, Class, Work)}, for generic results such as {@code List<BuildId>}. */
    public <T, E extends Exception> T run(IdempotentCall call, TypeReference<T> type, Work<? extends T, E> work) throws E {
        return execute(call, Json.mapper().constructType(type), work);
    }

    private <T, E extends Exception> T execute(IdempotentCall call, JavaType type, Work<? extends T, E> work) throws E {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(work, "work");
        var id = IdempotentCall.requireStorable(config.storedKey(call.key()));
        var validation = config.payloadValidation() ? call.payloadHash().orElse(null) : null;

        var cached = cache.get(id, clock.instant().getEpochSecond());
        if (cached != null) {
            requireSamePayload(id, cached.validation(), validation);
            LOG.debug("Idempotency key {} completed before; returning the cached result", id);
            return deserialize(cached.data(), type);
        }

        var owner = UUID.randomUUID().toString();
        var heldUntil = call.heldUntilMillis(clock, config);
        var completed = claim(id, owner, heldUntil, validation);
        if (completed.isPresent()) {
            var record = completed.get();
            cache.put(id, new ResultCache.CachedResult(record.data(), record.validation(), record.expiration()));
            LOG.info("Idempotency key {} completed before; returning the stored result without running the work", id);
            return deserialize(record.data(), type);
        }

        T result;
        try {
            result = work.run();
        } catch (Throwable failure) {
            LOG.debug("Idempotency key {}: the work failed; deleting the in-progress record", id);
            release(id, owner, failure);
            throw failure;
        }
        complete(id, owner, validation, heldUntil, result);
        return result;
    }

    /**
     * Writes this call's IN_PROGRESS record. Returns empty when the key is now this call's, or the
     * COMPLETED record whose result answers the call.
     */
    private Optional<IdempotencyRecord> claim(String id, String owner, long heldUntil, String validation) {
        IdempotencyRecord blocking = null;
        for (int attempt = 1; attempt <= MAX_CLAIM_ATTEMPTS; attempt++) {
            var now = clock.instant();
            // The TTL attribute of an IN_PROGRESS record must not come before the holder's
            // deadline, or a short expiry would let a second call in while the first still runs.
            var expiration = Math.max(now.plus(config.expiry()).getEpochSecond(), Math.ceilDiv(heldUntil, 1000L));
            ConditionalCheckFailedException conflict;
            try {
                dynamoDb.putItem(put -> put
                        .tableName(config.tableName())
                        .item(IdempotencyRecord.inProgressItem(id, owner, expiration, heldUntil, validation))
                        .conditionExpression(CLAIM_CONDITION)
                        .expressionAttributeNames(names("#id", "#expiration", "#status", "#inProgressExpiration"))
                        .expressionAttributeValues(Map.of(
                                ":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())),
                                ":nowMillis", AttributeValue.fromN(Long.toString(now.toEpochMilli())),
                                ":inProgress", AttributeValue.fromS(Status.INPROGRESS.name())))
                        // AWS returns the blocking item with the failure, saving a read (and its
                        // race); dynalite ignores the parameter, so readRecord() covers it there.
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                LOG.debug("Idempotency key {} claimed until {}", id, Instant.ofEpochMilli(heldUntil));
                return Optional.empty();
            } catch (ConditionalCheckFailedException e) {
                conflict = e;
            } catch (SdkException e) {
                throw new IdempotencyStoreException(id, "Could not claim idempotency key '" + id + "'", e);
            }

            var existing = conflict.hasItem() && !conflict.item().isEmpty()
                    ? Optional.of(IdempotencyRecord.from(conflict.item()))
                    : readRecord(id);
            if (existing.isEmpty()) {
                // Deleted between our write and our read (its holder failed): claim again.
                LOG.debug("Idempotency key {}: the blocking record vanished; claiming again", id);
                continue;
            }
            blocking = existing.get();
            if (blocking.replaceableAt(now)) {
                // Replaced between our write and our read by a record that is already stale: claim again.
                continue;
            }
            requireSamePayload(id, blocking.validation(), validation);
            if (blocking.completed()) {
                return Optional.of(blocking);
            }
            LOG.info("Idempotency key {} is in progress in another call until {}", id,
                    Instant.ofEpochMilli(blocking.inProgressExpiration()));
            throw new IdempotencyInProgressException(id, Instant.ofEpochMilli(blocking.inProgressExpiration()),
                    "Idempotency key '" + id + "' is in progress in another call (held until "
                            + Instant.ofEpochMilli(blocking.inProgressExpiration()) + "); retry later");
        }
        // The record kept changing under us: other calls are claiming and releasing the key.
        throw new IdempotencyInProgressException(id,
                blocking == null ? null : Instant.ofEpochMilli(blocking.inProgressExpiration()),
                "Idempotency key '" + id + "' changed hands " + MAX_CLAIM_ATTEMPTS
                        + " times while being claimed; retry later");
    }

    /** A strongly consistent read: an eventually consistent one could miss the record that just blocked us. */
    private Optional<IdempotencyRecord> readRecord(String id) {
        try {
            var item = dynamoDb.getItem(get -> get
                    .tableName(config.tableName())
                    .key(Map.of(IdempotencyRecord.ID, AttributeValue.fromS(id)))
                    .consistentRead(true));
            return item.hasItem() && !item.item().isEmpty()
                    ? Optional.of(IdempotencyRecord.from(item.item()))
                    : Optional.empty();
        } catch (SdkException e) {
            throw new IdempotencyStoreException(id, "Could not read the record of idempotency key '" + id + "'", e);
        }
    }

    private void complete(String id, String owner, String validation, long heldUntil, Object result) {
        String data;
        try {
            data = Json.write(result);
        } catch (RuntimeException e) {
            release(id, owner, e);
            throw e;
        }
        var expiration = clock.instant().plus(config.expiry()).getEpochSecond();
        var item = IdempotencyRecord.completedItem(id, expiration, data, validation);
        var itemBytes = IdempotencyRecord.itemBytes(item);
        if (itemBytes > IdempotencyRecord.MAX_ITEM_BYTES) {
            throw tooLarge(id, owner, itemBytes, null);
        }
        try {
            dynamoDb.putItem(put -> put
                    .tableName(config.tableName())
                    .item(item)
                    .conditionExpression(OWNED_CONDITION)
                    .expressionAttributeNames(names("#owner"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
        } catch (ConditionalCheckFailedException e) {
            // Only possible when this call outlived its deadline (no context, or a clock far off)
            // and another call took the key over: its record wins, this result still goes back.
            LOG.warn("Idempotency key {} was taken over by another call while this one ran; this result is not stored", id);
            return;
        } catch (DynamoDbException e) {
            if (isItemTooLarge(e)) {
                throw tooLarge(id, owner, itemBytes, e);
            }
            throw storeFailure(id, heldUntil, e);
        } catch (SdkException e) {
            throw storeFailure(id, heldUntil, e);
        }
        cache.put(id, new ResultCache.CachedResult(data, validation, expiration));
        LOG.debug("Idempotency key {} completed", id);
    }

    /**
     * Deletes this call's IN_PROGRESS record so that a retry runs the work. A failure to delete is
     * attached to {@code failure} (the exception the caller sees), never thrown instead of it.
     */
    private void release(String id, String owner, Throwable failure) {
        try {
            dynamoDb.deleteItem(delete -> delete
                    .tableName(config.tableName())
                    .key(Map.of(IdempotencyRecord.ID, AttributeValue.fromS(id)))
                    .conditionExpression(OWNED_CONDITION)
                    .expressionAttributeNames(names("#owner"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
        } catch (ConditionalCheckFailedException e) {
            LOG.debug("Idempotency key {} is no longer held by this call; nothing to delete", id);
        } catch (SdkException e) {
            LOG.warn("Could not delete the in-progress record of idempotency key {}; it blocks retries until its deadline", id);
            failure.addSuppressed(e);
        }
    }

    private IdempotencyResultTooLargeException tooLarge(String id, String owner, long itemBytes, Throwable cause) {
        var exception = new IdempotencyResultTooLargeException(id, itemBytes, cause);
        release(id, owner, exception);
        return exception;
    }

    private static IdempotencyStoreException storeFailure(String id, long heldUntil, SdkException e) {
        return new IdempotencyStoreException(id, "The work for idempotency key '" + id + "' ran, but its result"
                + " could not be stored; the key stays in progress until " + Instant.ofEpochMilli(heldUntil), e);
    }

    private static boolean isItemTooLarge(DynamoDbException e) {
        // AWS and dynalite both answer ValidationException "Item size has exceeded the maximum allowed size".
        var details = e.awsErrorDetails();
        return details != null && "ValidationException".equals(details.errorCode())
                && details.errorMessage() != null && details.errorMessage().contains("Item size");
    }

    private static void requireSamePayload(String id, String stored, String given) {
        // A record stored without a hash (validation off, or no payload) matches any payload.
        if (stored != null && given != null && !stored.equals(given)) {
            LOG.warn("Idempotency key {} was reused with a different payload", id);
            throw new IdempotencyPayloadMismatchException(id);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T deserialize(String data, JavaType type) {
        try {
            return (T) Json.mapper().readValue(data, type);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e);
        }
    }

    private static Map<String, String> names(String... placeholders) {
        var names = new HashMap<String, String>();
        for (var placeholder : placeholders) {
            names.put(placeholder, IdempotencyRecord.NAMES.get(placeholder));
        }
        return names;
    }
}
