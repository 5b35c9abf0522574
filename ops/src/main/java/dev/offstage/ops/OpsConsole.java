package dev.offstage.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What a deployment is doing, read with plain SQS and DynamoDB calls. Thread-safe; every method
 * reads current state and none changes anything but {@link #redrive} (and the receive count of
 * the dead letters {@link #deadLetters} peeks at).
 */
public final class OpsConsole {

    /** How long a peeked dead letter stays hidden if this process dies before making it visible again. */
    static final int PEEK_VISIBILITY_SECONDS = 20;
    /** Long polling per receive while peeking: the last, empty receive waits this long. */
    static final int PEEK_WAIT_SECONDS = 1;
    /** Bodies are shown cut to this many characters. */
    static final int BODY_CHARACTERS = 500;
    /** Scan pages read for "recent" listings (each up to 1 MB): the tables have no index by time. */
    static final int SCAN_PAGES = 10;

    private static final List<QueueAttributeName> QUEUE_ATTRIBUTES = List.of(
            QueueAttributeName.QUEUE_ARN, QueueAttributeName.REDRIVE_POLICY,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);

    private final Deployment deployment;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final QueueAges ages;
    private final ErrorLog errors;

    public OpsConsole(Deployment deployment, SqsClient sqs, DynamoDbClient dynamoDb, QueueAges ages, ErrorLog errors) {
        this.deployment = Objects.requireNonNull(deployment, "deployment");
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.ages = Objects.requireNonNull(ages, "ages");
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    public Deployment deployment() {
        return deployment;
    }

    /**
     * Every queue of the deployment, sorted by logical id, dead-letter queues linked to their
     * sources, the oldest age where {@link QueueAges} knows it. Reads attributes only: no message
     * is received (a receive counts toward a message's maxReceiveCount and hides it from every
     * other reader for a while, and this runs on every refresh of the console).
     */
    public List<QueueStatus> queues() {
        var attributes = queueAttributes();
        var known = ages.oldestAgeSeconds(deployment.queues());
        var statuses = new ArrayList<QueueStatus>();
        for (var entry : attributes.entrySet()) {
            var id = entry.getKey();
            var queue = entry.getValue();
            var sources = sourcesOf(id, attributes);
            Long age = known.get(id);
            statuses.add(new QueueStatus(id, queue.url(), queue.visible(), queue.inFlight(), queue.delayed(), age,
                    queue.deadLetterQueue(attributes), sources));
        }
        return statuses;
    }

    /**
     * Up to {@code max} messages of a dead-letter queue, oldest first, read without consuming them:
     * they are received with a short visibility timeout and made visible again at once. Their
     * receive count is SQS's minus this read. The failure reason comes from the body for Lambda's
     * on-failure destination records, else from the logs ({@link ErrorLog#reasonFor}).
     *
     * @throws IllegalArgumentException if the queue is unknown, no dead-letter queue, or a
     *                                  dead-letter queue with a redrive policy of its own (reading
     *                                  counts as receives toward that policy's maxReceiveCount)
     */
    public List<DeadLetter> deadLetters(String queueLogicalId, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        var attributes = queueAttributes();
        requireDeadLetterQueue(queueLogicalId, attributes);
        var onward = attributes.get(queueLogicalId).deadLetterQueue(attributes);
        if (onward != null) {
            throw new IllegalArgumentException(queueLogicalId + " redrives to " + onward + " itself: reading its messages "
                    + "would count as receives and could move them there before their consumer has them; read " + onward
                    + " instead");
        }
        var peeked = peek(queueLogicalId, max);
        var fromBodies = new HashMap<String, String>();
        for (var letter : peeked) {
            var reason = invocationRecordReason(bodyOf(letter.message()));
            if (reason != null) {
                fromBodies.put(letter.message().messageId(), reason);
            }
        }
        var fromLogs = logReasons(peeked.stream().map(letter -> letter.message().messageId())
                .filter(id -> !fromBodies.containsKey(id)).toList());
        var letters = new ArrayList<DeadLetter>();
        for (var letter : peeked) {
            var message = letter.message();
            var body = bodyOf(message);
            var reason = fromBodies.getOrDefault(message.messageId(), fromLogs.get(message.messageId()));
            letters.add(new DeadLetter(message.messageId(), letter.sentAt(), Math.max(0, letter.receiveCount() - 1),
                    body.length() > BODY_CHARACTERS ? body.substring(0, BODY_CHARACTERS) + "…" : body, reason));
        }
        return letters;
    }

    /**
     * Starts moving a dead-letter queue's messages back to its source queue (an SQS message move
     * task). Not idempotent: SQS refuses a second task while one runs on the same queue.
     *
     * @throws IllegalArgumentException if the queue is unknown, no dead-letter queue, or has more
     *                                  than one source (then the messages' origin is ambiguous)
     */
    public RedriveTask redrive(String deadLetterQueueLogicalId) {
        var attributes = queueAttributes();
        var sources = requireDeadLetterQueue(deadLetterQueueLogicalId, attributes);
        if (sources.size() > 1) {
            throw new IllegalArgumentException(deadLetterQueueLogicalId + " is the dead-letter queue of " + sources.size()
                    + " queues (" + String.join(", ", sources) + "): its messages' origin is ambiguous, redrive them by hand");
        }
        var queue = attributes.get(deadLetterQueueLogicalId);
        var destination = attributes.get(sources.getFirst());
        var started = sqs.startMessageMoveTask(task -> task.sourceArn(queue.arn()).destinationArn(destination.arn()));
        return new RedriveTask(deadLetterQueueLogicalId, sources.getFirst(), started.taskHandle(), queue.visible());
    }

    /**
     * The message move tasks of a dead-letter queue, the most recent first (SQS keeps them for 14
     * days and lists at most 10).
     *
     * @throws IllegalArgumentException if the queue is unknown or no dead-letter queue
     */
    public List<RedriveProgress> redriveTasks(String deadLetterQueueLogicalId) {
        var attributes = queueAttributes();
        requireDeadLetterQueue(deadLetterQueueLogicalId, attributes);
        var arn = attributes.get(deadLetterQueueLogicalId).arn();
        return sqs.listMessageMoveTasks(list -> list.sourceArn(arn).maxResults(10)).results().stream()
                .map(task -> new RedriveProgress(task.taskHandle(), task.status(),
                        task.approximateNumberOfMessagesMoved() == null ? 0 : task.approximateNumberOfMessagesMoved(),
                        task.approximateNumberOfMessagesToMove(), task.failureReason(),
                        task.startedTimestamp() == null ? null : Instant.ofEpochMilli(task.startedTimestamp())))
                .toList();
    }

    /**
     * The most recent builds, newest first. The builds table has no index by time across
     * repositories, so this scans at most {@value #SCAN_PAGES} pages and sorts what it read: on a
     * large table the newest builds may be missed. Empty when the deployment has no builds table.
     */
    public List<BuildSummary> recentBuilds(int max) {
        return recent(Deployment.BUILDS_TABLE, max, item -> {
            // Head items (one per branch, naming its newest build) have no repo: not builds.
            if (!item.containsKey("repo") || !item.containsKey("created")) {
                return null;
            }
            var finished = instantMillis(item.get("finishedAt"));
            return new BuildSummary(text(item.get("id")), text(item.get("repo")), text(item.get("ref")), text(item.get("sha")),
                    text(item.get("status")), instantMillis(item.get("created")),
                    finished != null ? finished : instantMillis(item.get("startedAt")));
        }, Comparator.comparing(BuildSummary::created).reversed());
    }

    /**
     * The most recent videos, newest first. Like {@link #recentBuilds}, a bounded scan sorted by
     * creation time. Empty when the deployment has no videos table.
     */
    public List<VideoSummary> recentVideos(int max) {
        return recent(Deployment.VIDEOS_TABLE, max, item -> {
            if (!item.containsKey("status") || !item.containsKey("created")) {
                return null;
            }
            var upload = item.get("upload");
            var renditions = item.containsKey("renditions")
                    ? item.get("renditions").l().stream().map(value -> text(value.m().get("name"))).filter(Objects::nonNull).toList()
                    : List.<String>of();
            return new VideoSummary(text(item.get("id")), upload == null || !upload.hasM() ? null : text(upload.m().get("key")),
                    text(item.get("status")), instantSeconds(item.get("created")), instantSeconds(item.get("updated")),
                    renditions, text(item.get("reason")));
        }, Comparator.comparing(VideoSummary::created).reversed());
    }

    /**
     * The last ERROR lines of the functions' logs, newest first.
     *
     * @throws LogsUnavailableException when the logs cannot be read
     */
    public List<ErrorLine> recentErrors(int max) {
        return errors.recent(max);
    }

    // ---- queues --------------------------------------------------------------------------------

    /** One queue's attributes as GetQueueAttributes reported them. */
    private record QueueAttributes(String url, String arn, long visible, long inFlight, long delayed, String deadLetterArn) {

        String deadLetterQueue(Map<String, QueueAttributes> all) {
            if (deadLetterArn == null) {
                return null;
            }
            return all.entrySet().stream().filter(entry -> deadLetterArn.equals(entry.getValue().arn()))
                    .map(Map.Entry::getKey).findFirst()
                    // A dead-letter queue outside the deployment: show its name.
                    .orElse(deadLetterArn.substring(deadLetterArn.lastIndexOf(':') + 1));
        }
    }

    private Map<String, QueueAttributes> queueAttributes() {
        var result = new TreeMap<String, QueueAttributes>();
        new TreeMap<>(deployment.queues()).forEach((id, url) -> {
            var attributes = sqs.getQueueAttributes(get -> get.queueUrl(url).attributeNames(QUEUE_ATTRIBUTES)).attributes();
            result.put(id, new QueueAttributes(url, attributes.get(QueueAttributeName.QUEUE_ARN),
                    count(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)),
                    count(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)),
                    count(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)),
                    deadLetterArn(id, attributes.get(QueueAttributeName.REDRIVE_POLICY))));
        });
        return result;
    }

    private static String deadLetterArn(String queue, String redrivePolicy) {
        if (redrivePolicy == null || redrivePolicy.isBlank()) {
            return null;
        }
        try {
            var target = Json.tree(redrivePolicy).path("deadLetterTargetArn").asText("");
            return target.isBlank() ? null : target;
        } catch (InvalidJsonException e) {
            throw new IllegalStateException("Queue " + queue + " has a RedrivePolicy that is not JSON: " + redrivePolicy, e);
        }
    }

    private static List<String> sourcesOf(String id, Map<String, QueueAttributes> all) {
        var arn = all.get(id).arn();
        return all.entrySet().stream().filter(entry -> arn != null && arn.equals(entry.getValue().deadLetterArn()))
                .map(Map.Entry::getKey).toList();
    }

    private static List<String> requireDeadLetterQueue(String id, Map<String, QueueAttributes> all) {
        if (id == null || !all.containsKey(id)) {
            throw new IllegalArgumentException("Unknown queue '" + id + "'; the queues are: " + String.join(", ", all.keySet()));
        }
        var sources = sourcesOf(id, all);
        if (sources.isEmpty()) {
            var deadLetterQueues = all.keySet().stream().filter(queue -> !sourcesOf(queue, all).isEmpty()).toList();
            throw new IllegalArgumentException(id + " is not a dead-letter queue (no queue's redrive policy names it); "
                    + "the dead-letter queues are: " + String.join(", ", deadLetterQueues));
        }
        return sources;
    }

    private static long count(String value) {
        return value == null || value.isBlank() ? 0 : Long.parseLong(value.strip());
    }

    // ---- peeking -------------------------------------------------------------------------------

    private record Peeked(Message message, Instant sentAt, int receiveCount) {
    }

    /**
     * Receives up to {@code max} messages until a receive brings nothing new, then makes every one
     * visible again: SQS has no peek. Oldest first.
     */
    private List<Peeked> peek(String queueLogicalId, int max) {
        var url = deployment.queues().get(queueLogicalId);
        var seen = new LinkedHashMap<String, Peeked>();
        var handles = new ArrayList<String>();
        try {
            while (seen.size() < max) {
                int wanted = Math.min(10, max - seen.size());
                var received = sqs.receiveMessage(receive -> receive.queueUrl(url).maxNumberOfMessages(wanted)
                        // A short wait makes SQS ask all its servers: a short poll (0) may answer
                        // nothing from a queue that has messages, which would end the peek early.
                        .visibilityTimeout(PEEK_VISIBILITY_SECONDS).waitTimeSeconds(PEEK_WAIT_SECONDS)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP,
                                MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
                int added = 0;
                for (var message : received) {
                    handles.add(message.receiptHandle());
                    if (seen.size() < max && !seen.containsKey(message.messageId())) {
                        var attributes = message.attributes();
                        var sent = attributes.get(MessageSystemAttributeName.SENT_TIMESTAMP);
                        var receives = attributes.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
                        seen.put(message.messageId(), new Peeked(message,
                                sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent)),
                                receives == null ? 0 : Integer.parseInt(receives)));
                        added++;
                    }
                }
                if (added == 0) {
                    break;
                }
            }
        } finally {
            release(url, handles);
        }
        return seen.values().stream()
                .sorted(Comparator.comparing(Peeked::sentAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
    }

    private void release(String url, List<String> handles) {
        for (int start = 0; start < handles.size(); start += 10) {
            var entries = new ArrayList<ChangeMessageVisibilityBatchRequestEntry>();
            for (int i = start; i < Math.min(handles.size(), start + 10); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + i)
                        .receiptHandle(handles.get(i)).visibilityTimeout(0).build());
            }
            sqs.changeMessageVisibilityBatch(change -> change.queueUrl(url).entries(entries));
        }
    }

    private static String bodyOf(Message message) {
        return message.body() == null ? "" : message.body();
    }

    /** Reasons from the logs; none when they cannot be read: the letters are worth showing without. */
    private Map<String, String> logReasons(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        try {
            return errors.reasonsFor(messageIds);
        } catch (LogsUnavailableException e) {
            return Map.of();
        }
    }

    /**
     * Lambda's on-failure destination record carries the error in its body: the condition
     * (RetriesExhausted, EventAgeExceeded) and the function's error, or {@code null} for any other body.
     */
    static String invocationRecordReason(String body) {
        if (!body.startsWith("{")) {
            return null;
        }
        JsonNode record;
        try {
            record = Json.tree(body);
        } catch (InvalidJsonException e) {
            return null;
        }
        if (record == null || !record.has("requestContext") || !record.has("requestPayload")) {
            return null;
        }
        var condition = record.path("requestContext").path("condition").asText("");
        var response = record.path("responsePayload");
        var type = response.path("errorType").asText("");
        var message = response.path("errorMessage").asText("");
        var error = type.isBlank() ? message : message.isBlank() ? type : type + ": " + message;
        if (condition.isBlank()) {
            return error.isBlank() ? null : error;
        }
        return error.isBlank() ? condition : condition + ": " + error;
    }

    // ---- tables --------------------------------------------------------------------------------

    private <T> List<T> recent(String tableLogicalId, int max, Function<Map<String, AttributeValue>, T> mapping,
            Comparator<T> newestFirst) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        var table = deployment.tables().get(tableLogicalId);
        if (table == null) {
            return List.of();
        }
        var found = new ArrayList<T>();
        Map<String, AttributeValue> startKey = null;
        for (int page = 0; page < SCAN_PAGES; page++) {
            var exclusiveStart = startKey;
            var response = dynamoDb.scan(scan -> scan.tableName(table).exclusiveStartKey(exclusiveStart));
            for (var item : response.items()) {
                var mapped = mapping.apply(item);
                if (mapped != null) {
                    found.add(mapped);
                }
            }
            if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
                break;
            }
            startKey = new HashMap<>(response.lastEvaluatedKey());
        }
        return found.stream().sorted(newestFirst).limit(max).toList();
    }

    private static String text(AttributeValue value) {
        return value == null ? null : value.s();
    }

    private static Instant instantMillis(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochMilli(Long.parseLong(value.n()));
    }

    private static Instant instantSeconds(AttributeValue value) {
        return value == null || value.n() == null ? null : Instant.ofEpochSecond(Long.parseLong(value.n()));
    }
}
