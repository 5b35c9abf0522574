package dev.offstage.video.store;

import static dev.offstage.video.store.VideoItems.n;
import static dev.offstage.video.store.VideoItems.s;

import dev.offstage.video.media.MediaInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The videos table: one item per video (key {@code id} = {@link Upload#videoId()}), its status
 * moving PROCESSING → READY or FAILED once, with conditional writes only (no transactions:
 * dynalite has none). Thread-safe. Every method throws the SDK's exception on a store failure
 * (retryable: the caller lets the platform retry).
 *
 * <p>Each transition is one conditional single-item write whose condition names the state it
 * leaves, so two invocations racing (a duplicate S3 event, two segment workers, a redelivered
 * assembly message) never both win. Items are kept: videos do not expire.
 *
 * <p>A write that landed but whose answer was lost (a 500 or a dropped connection after DynamoDB
 * applied it) is retried by the SDK, and the retry finds the state already left. So each
 * transition also writes a token of its own, and its condition accepts that token: the SDK's
 * retry of the same request succeeds again, and the caller learns that its write won — never
 * that someone else's did.
 *
 * <p>Needs {@code dynamodb:GetItem}, {@code PutItem} (only {@link #claim}) and {@code UpdateItem}
 * on the table. The item's attributes are listed in {@link VideoItems}.
 */
public final class VideoStore {

    /** The table's name variable. */
    public static final String TABLE_VARIABLE = "VIDEOS_TABLE";

    private static final AttributeValue PROCESSING = s(VideoStatus.PROCESSING.name());
    private static final AttributeValue READY = s(VideoStatus.READY.name());
    private static final AttributeValue FAILED = s(VideoStatus.FAILED.name());

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Clock clock;

    public VideoStore(DynamoDbClient dynamoDb, String table, Clock clock) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the table as {@code template.yaml} declares VideosTable (key {@code id}, on-demand)
     * and waits until it is active. For tests and local use; fails with the SDK's
     * {@code ResourceInUseException} when the table exists.
     */
    public static void createTable(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.createTable(create -> create
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(VideoItems.ID)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(VideoItems.ID).keyType(KeyType.HASH).build()));
        try (var waiter = dynamoDb.waiter()) {
            waiter.waitUntilTableExists(describe -> describe.tableName(tableName));
        }
    }

    /**
     * Claims the upload for this invocation. The first event creates the item (PROCESSING,
     * attempts 1, the request id). An event with the same request id while PROCESSING is Lambda's
     * retry: attempts + 1, {@link Claim.Started}. Anything else (another request id, or the video
     * READY/FAILED) is a {@link Claim.Duplicate} and changes nothing.
     *
     * @param correlationId what the logs of every hop carry for this video, or null for the video id
     */
    public Claim claim(Upload upload, String requestId, String correlationId) {
        Objects.requireNonNull(requestId, "requestId");
        var id = upload.videoId();
        var now = clock.instant().getEpochSecond();
        var item = new HashMap<String, AttributeValue>();
        item.put(VideoItems.ID, s(id));
        item.put(VideoItems.STATUS, PROCESSING);
        item.put(VideoItems.UPLOAD, VideoItems.upload(upload));
        item.put(VideoItems.EVENT_KEY, s(upload.eventKey()));
        item.put(VideoItems.REQUEST_ID, s(requestId));
        item.put(VideoItems.ATTEMPTS, n(1));
        item.put(VideoItems.SEGMENT_COUNT, n(0));
        item.put(VideoItems.NOTIFIED, AttributeValue.fromBool(false));
        item.put(VideoItems.CREATED, n(now));
        item.put(VideoItems.UPDATED, n(now));
        if (correlationId != null) {
            item.put(VideoItems.CORRELATION_ID, s(correlationId));
        }
        // The SDK's retry of a put that landed writes the same item again, rather than count a second attempt.
        var token = s(UUID.randomUUID().toString());
        item.put(VideoItems.CLAIM_TOKEN, token);
        try {
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#id) OR " + VideoItems.CLAIM_TOKEN + " = :token")
                    .expressionAttributeNames(Map.of("#id", VideoItems.ID))
                    .expressionAttributeValues(Map.of(":token", token)));
            return new Claim.Started(VideoItems.record(item));
        } catch (ConditionalCheckFailedException first) {
            // The video exists: Lambda's retry of this invocation's event, or a duplicate event.
        }
        try {
            var retried = dynamoDb.updateItem(update -> update.tableName(table).key(key(id))
                    .updateExpression("SET attempts = attempts + :one, updated = :now")
                    .conditionExpression("#status = :processing AND requestId = :requestId")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(":one", n(1), ":now", n(now), ":processing", PROCESSING,
                            ":requestId", s(requestId)))
                    .returnValues(ReturnValue.ALL_NEW));
            return new Claim.Started(VideoItems.record(retried.attributes()));
        } catch (ConditionalCheckFailedException duplicate) {
            // Nothing to read when the item vanished in between: nothing deletes videos.
            return new Claim.Duplicate(get(id).orElseThrow(() -> new IllegalStateException("video " + id + " disappeared")));
        }
    }

    /**
     * Records ffprobe's metadata on a PROCESSING video (replacing what a previous attempt
     * recorded). Does nothing when the video is not PROCESSING: it ended meanwhile.
     */
    public void recordMetadata(String videoId, MediaInfo metadata) {
        var value = VideoItems.mediaInfo(metadata);
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression("SET metadata = :metadata, updated = :now")
                    .conditionExpression("#status = :processing")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(":metadata", value, ":now", now(), ":processing", PROCESSING)));
        } catch (ConditionalCheckFailedException e) {
            // Not PROCESSING (or unknown): its metadata no longer matters.
        }
    }

    /**
     * Records that the video was split into this many segments (idempotent: same count again is
     * fine). Does nothing when the video is not PROCESSING.
     *
     * @throws IllegalArgumentException when {@code segmentCount} is not positive
     * @throws IllegalStateException when the video was already planned with another count: its
     *     segment messages would not add up
     */
    public void planSegments(String videoId, int segmentCount) {
        if (segmentCount <= 0) {
            throw new IllegalArgumentException("segment count must be positive, was " + segmentCount);
        }
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression("SET segmentCount = :count, updated = :now")
                    .conditionExpression("#status = :processing AND segmentCount IN (:zero, :count)")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(":count", n(segmentCount), ":zero", n(0), ":now", now(),
                            ":processing", PROCESSING)));
        } catch (ConditionalCheckFailedException e) {
            var record = get(videoId);
            if (record.isPresent() && record.get().status() == VideoStatus.PROCESSING) {
                throw new IllegalStateException("video " + videoId + " was split into " + record.get().segmentCount()
                        + " segments before, not " + segmentCount);
            }
        }
    }

    /**
     * Adds a finished segment to the fan-in, atomically: exactly one call sees the set become
     * complete with {@code newlyDone} true. A repeated index changes nothing ({@code newlyDone}
     * false) and reports the current progress. So does a segment of a video that is no longer
     * PROCESSING (its {@link SegmentProgress#status()} says why).
     *
     * <p>The indexes are a number set grown with {@code ADD}, on condition that the index is not
     * in it yet: DynamoDB applies the writes to one item one at a time, so each index is added
     * once and exactly one successful add makes the set complete.
     *
     * @throws IllegalArgumentException when the video is unknown, has no segments planned, or
     *     {@code index} is outside them: a message that can never succeed
     */
    public SegmentProgress segmentDone(String videoId, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("segment index must not be negative, was " + index);
        }
        try {
            // Adding to a set again changes nothing: the retry of a landed write may repeat it (see the class comment).
            var token = s(UUID.randomUUID().toString());
            var updated = dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression("ADD segmentsDone :index SET updated = :now, " + VideoItems.SEGMENT_WRITE + " = :token")
                    .conditionExpression("(#status = :processing AND segmentCount > :position"
                            + " AND NOT contains(segmentsDone, :position)) OR " + VideoItems.SEGMENT_WRITE + " = :token")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(":index", AttributeValue.fromNs(List.of(Integer.toString(index))),
                            ":position", n(index), ":now", now(), ":processing", PROCESSING, ":token", token))
                    .returnValues(ReturnValue.ALL_NEW));
            return progress(VideoItems.record(updated.attributes()), true);
        } catch (ConditionalCheckFailedException e) {
            var record = get(videoId).orElseThrow(() -> new IllegalArgumentException("no video " + videoId));
            if (record.status() == VideoStatus.PROCESSING && index >= record.segmentCount()) {
                throw new IllegalArgumentException("video " + videoId + " has " + record.segmentCount()
                        + " segments planned; there is no segment " + index);
            }
            return progress(record, false);
        }
    }

    private static SegmentProgress progress(VideoRecord record, boolean newlyDone) {
        return new SegmentProgress(newlyDone, record.segmentsDone().size(), record.segmentCount(), record.status());
    }

    /**
     * Takes the assembly lease: true when the video is PROCESSING, all segments are done and no
     * other request holds an unexpired lease (the same request id may take it again). The lease
     * runs {@code lease} from now on this store's clock; expiry is checked in the condition, so
     * a lease left by a crashed assembler is taken over once it has run out.
     */
    public boolean claimAssembly(String videoId, String requestId, Duration lease) {
        Objects.requireNonNull(requestId, "requestId");
        var now = clock.instant();
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression("SET assemblyOwner = :owner, assemblyExpires = :expires, updated = :now")
                    .conditionExpression("#status = :processing AND segmentCount > :zero"
                            + " AND size(segmentsDone) = segmentCount"
                            + " AND (attribute_not_exists(assemblyOwner) OR assemblyOwner = :owner OR assemblyExpires <= :nowMillis)")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(
                            ":owner", s(requestId),
                            ":expires", n(now.plus(lease).toEpochMilli()),
                            ":nowMillis", n(now.toEpochMilli()),
                            ":now", n(now.getEpochSecond()),
                            ":zero", n(0),
                            ":processing", PROCESSING)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * PROCESSING → READY with the renditions and poster; false (nothing written) when not
     * PROCESSING. True for exactly one call per video, even when the SDK retried it.
     */
    public boolean finishReady(String videoId, List<StoredRendition> renditions, String posterKey) {
        Objects.requireNonNull(posterKey, "posterKey");
        return finish(videoId, "REMOVE reason SET #status = :ready, renditions = :renditions, posterKey = :poster, updated = :now",
                Map.of(":ready", READY, ":renditions", VideoItems.renditions(renditions), ":poster", s(posterKey)));
    }

    /**
     * PROCESSING → FAILED with a reason for people; false (nothing written) when not PROCESSING.
     * True for exactly one call per video, even when the SDK retried it.
     *
     * @throws IllegalArgumentException when the reason is blank
     */
    public boolean finishFailed(String videoId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a failed video needs a reason");
        }
        return finish(videoId, "SET #status = :failed, reason = :reason, updated = :now",
                Map.of(":failed", FAILED, ":reason", s(reason)));
    }

    private boolean finish(String videoId, String updateExpression, Map<String, AttributeValue> values) {
        var all = new HashMap<>(values);
        all.put(":processing", PROCESSING);
        all.put(":now", now());
        all.put(":token", s(UUID.randomUUID().toString()));
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression(updateExpression + ", " + VideoItems.ENDED_BY + " = :token")
                    .conditionExpression("#status = :processing OR " + VideoItems.ENDED_BY + " = :token")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(all));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Marks the READY/FAILED notice sent (again is fine).
     *
     * @throws IllegalStateException when the video is unknown or still PROCESSING: there is no notice to send yet
     */
    public void markNotified(String videoId) {
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(key(videoId))
                    .updateExpression("SET notified = :true, updated = :now")
                    .conditionExpression("#status IN (:ready, :failed)")
                    .expressionAttributeNames(Map.of("#status", VideoItems.STATUS))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":now", now(),
                            ":ready", READY, ":failed", FAILED)));
        } catch (ConditionalCheckFailedException e) {
            throw new IllegalStateException("video " + videoId + " is unknown or still PROCESSING: no notice to mark sent");
        }
    }

    /** The video, read consistently. */
    public Optional<VideoRecord> get(String videoId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).key(key(videoId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(VideoItems.record(item));
    }

    private AttributeValue now() {
        return n(clock.instant().getEpochSecond());
    }

    private static Map<String, AttributeValue> key(String videoId) {
        return Map.of(VideoItems.ID, s(videoId));
    }
}
