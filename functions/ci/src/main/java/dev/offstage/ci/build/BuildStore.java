package dev.offstage.ci.build;

import dev.offstage.ci.github.GitHubRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The builds table: one item per build (key {@code id}), listed per repository through the
 * {@code byRepository} index ({@code repo}, {@code created}), and one "head" item per branch or
 * pull request naming its newest build, which is how an older queued build learns it was
 * superseded. Head items have no {@code repo} attribute, so the index never lists them.
 *
 * <p>Every status change is one conditional write, so two runners (or a runner and a late
 * webhook) never both win. Thread-safe. Needs {@code dynamodb:GetItem}, {@code PutItem},
 * {@code UpdateItem} and {@code Query} on the table and its index.
 */
public final class BuildStore {

    /** The index listing a repository's builds, newest first. */
    public static final String REPOSITORY_INDEX = "byRepository";

    private static final String HEAD_PREFIX = "head#";

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration retention;

    /** @param retention how long records are kept: the table's TTL ({@code expiresAt}) removes them after that */
    public BuildStore(DynamoDbClient dynamoDb, String table, Duration retention) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.retention = retention;
    }

    /**
     * Writes a new QUEUED build. Writing it again while it is still QUEUED is harmless (an intake
     * retried after a failure); once the runner has started it, nothing is written.
     *
     * @return whether the record was written (false: the build exists and has moved on)
     */
    public boolean create(Build build) {
        try {
            var item = new HashMap<>(BuildItems.toItem(build));
            item.put("expiresAt", expiresAt(build.createdAt()));
            dynamoDb.putItem(put -> put.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#id) OR #status = :queued")
                    .expressionAttributeNames(Map.of("#id", "id", "#status", "status"))
                    .expressionAttributeValues(Map.of(":queued", s(BuildStatus.QUEUED.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Records the build as the newest of its branch or pull request, unless a newer one already
     * is. Newer means a later {@link BuildRequest#eventTime()} (when GitHub says it happened; the
     * time it was queued when the payload does not say), so a late or redelivered webhook of an
     * older push never supersedes a newer one.
     */
    public void markHead(Build build) {
        var time = n(eventTimeMillis(build));
        try {
            dynamoDb.putItem(put -> put.tableName(table)
                    .item(Map.of("id", s(HEAD_PREFIX + build.request().supersedeKey()),
                            "buildId", s(build.id()),
                            "created", time,
                            "expiresAt", expiresAt(build.createdAt())))
                    .conditionExpression("attribute_not_exists(#id) OR #created <= :created")
                    .expressionAttributeNames(Map.of("#id", "id", "#created", "created"))
                    .expressionAttributeValues(Map.of(":created", time)));
        } catch (ConditionalCheckFailedException e) {
            // A newer build is already the head: this one is superseded from the start.
        }
    }

    /** The newest build of a branch or pull request ({@link BuildRequest#supersedeKey()}). */
    public Optional<String> head(String supersedeKey) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of("id", s(HEAD_PREFIX + supersedeKey)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item.get("buildId").s());
    }

    /**
     * The build that supersedes {@code build}: its branch's or pull request's head, when that is
     * another build at least as new ({@link #markHead}'s comparison). An older head means this
     * build's own head write was lost (its webhook died after queueing it): it is the newest
     * and runs — never superseded by a build older than itself.
     */
    public Optional<String> supersedingBuild(Build build) {
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true)
                .key(Map.of("id", s(HEAD_PREFIX + build.request().supersedeKey())))).item();
        if (item == null || item.isEmpty() || item.get("buildId").s().equals(build.id())
                || Long.parseLong(item.get("created").n()) < eventTimeMillis(build)) {
            return Optional.empty();
        }
        return Optional.of(item.get("buildId").s());
    }

    /** When the build's push or pull request happened (when it was queued, if GitHub did not say). */
    private static long eventTimeMillis(Build build) {
        return build.request().eventTime() == null ? build.createdAt().toEpochMilli() : build.request().eventTime().toEpochMilli();
    }

    /** The build, read consistently. */
    public Optional<Build> find(String id) {
        if (id.startsWith(HEAD_PREFIX)) {
            return Optional.empty();
        }
        var item = dynamoDb.getItem(get -> get.tableName(table).consistentRead(true).key(Map.of("id", s(id)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(BuildItems.fromItem(item));
    }

    /** The repository's newest builds, newest first (the index is eventually consistent). */
    public List<Build> recent(GitHubRepository repository, int limit) {
        var response = dynamoDb.query(query -> query.tableName(table).indexName(REPOSITORY_INDEX)
                .keyConditionExpression("repo = :repo")
                .expressionAttributeValues(Map.of(":repo", s(repository.fullName())))
                .scanIndexForward(false)
                .limit(limit));
        var builds = new ArrayList<Build>(response.count());
        response.items().forEach(item -> builds.add(BuildItems.fromItem(item)));
        return builds;
    }

    /**
     * Moves the build to RUNNING, counting the attempt, unless it is settled ({@link Build#settled()}).
     *
     * @return the started build, or empty when it is settled (nothing to run)
     */
    public Optional<Build> start(String id, Instant now) {
        try {
            var updated = dynamoDb.updateItem(update -> update.tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #status = :running, startedAt = :now, attempts = if_not_exists(attempts, :zero) + :one"
                            + " REMOVE finishedAt, reason, exitCode, retryable")
                    .conditionExpression("attribute_exists(#id) AND (#status IN (:queued, :running)"
                            + " OR (#status = :error AND retryable = :true))")
                    .expressionAttributeNames(Map.of("#id", "id", "#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":running", s(BuildStatus.RUNNING.name()),
                            ":queued", s(BuildStatus.QUEUED.name()),
                            ":error", s(BuildStatus.ERROR.name()),
                            ":now", n(now.toEpochMilli()),
                            ":zero", n(0),
                            ":one", n(1),
                            ":true", AttributeValue.fromBool(true)))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(BuildItems.fromItem(updated.attributes()));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /**
     * Marks a still-QUEUED build SUPERSEDED by a newer one. Idempotent: a build already superseded
     * by {@code newerBuildId} answers true too — the SDK retries a write whose answer was lost
     * although it landed, and the retry then finds its own write.
     *
     * @return whether it is now superseded by {@code newerBuildId} (false: it had moved on)
     */
    public boolean supersede(String id, String newerBuildId, Instant now) {
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #status = :superseded, reason = :reason, finishedAt = :now")
                    .conditionExpression("#status = :queued")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":superseded", s(BuildStatus.SUPERSEDED.name()),
                            ":queued", s(BuildStatus.QUEUED.name()),
                            ":reason", s(supersededReason(newerBuildId)),
                            ":now", n(now.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return find(id).filter(build -> build.status() == BuildStatus.SUPERSEDED
                    && supersededReason(newerBuildId).equals(build.reason())).isPresent();
        }
    }

    private static String supersededReason(String newerBuildId) {
        return "Superseded by build " + newerBuildId;
    }

    /**
     * Records an infrastructure failure: ERROR with the reason, to be run again when the queue
     * retries the message.
     */
    public void failForNow(String id, String reason, Instant now) {
        dynamoDb.updateItem(update -> update.tableName(table).key(Map.of("id", s(id)))
                .updateExpression("SET #status = :error, reason = :reason, finishedAt = :now, retryable = :true")
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(Map.of("#id", "id", "#status", "status"))
                .expressionAttributeValues(Map.of(
                        ":error", s(BuildStatus.ERROR.name()),
                        ":reason", s(reason),
                        ":now", n(now.toEpochMilli()),
                        ":true", AttributeValue.fromBool(true))));
    }

    /**
     * Records that a RUNNING build's invocation is about to time out: ERROR, retryable.
     *
     * @return whether the build was still RUNNING (and is now marked)
     */
    public boolean timeOut(String id, String reason, Instant now) {
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(Map.of("id", s(id)))
                    .updateExpression("SET #status = :error, reason = :reason, finishedAt = :now, retryable = :true")
                    .conditionExpression("#status = :running")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":error", s(BuildStatus.ERROR.name()),
                            ":running", s(BuildStatus.RUNNING.name()),
                            ":reason", s(reason),
                            ":now", n(now.toEpochMilli()),
                            ":true", AttributeValue.fromBool(true))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Records a run's end: an outcome no retry changes.
     *
     * @param outcome a final status, or ERROR for a build that can never run
     * @param exitCode the failing command's exit code, 0 on success, or {@code null} when no command ran
     * @param logKey the log's S3 key, or {@code null} when there is no log
     */
    public void finish(String id, BuildStatus outcome, String reason, Integer exitCode, String logKey,
            List<String> artifactKeys, Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":status", s(outcome.name()));
        values.put(":reason", s(reason));
        values.put(":now", n(now.toEpochMilli()));
        values.put(":artifacts", AttributeValue.fromL(artifactKeys.stream().map(BuildStore::s).toList()));
        var set = new StringBuilder("SET #status = :status, reason = :reason, finishedAt = :now, artifactKeys = :artifacts");
        var remove = new ArrayList<String>(List.of("retryable"));
        if (exitCode != null) {
            values.put(":exitCode", n(exitCode));
            set.append(", exitCode = :exitCode");
        } else {
            remove.add("exitCode");
        }
        if (logKey != null) {
            values.put(":logKey", s(logKey));
            set.append(", logKey = :logKey");
        }
        var expression = set + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        dynamoDb.updateItem(update -> update.tableName(table).key(Map.of("id", s(id)))
                .updateExpression(expression)
                .conditionExpression("attribute_exists(#id)")
                .expressionAttributeNames(Map.of("#id", "id", "#status", "status"))
                .expressionAttributeValues(values));
    }

    private AttributeValue expiresAt(Instant created) {
        return n(created.plus(retention).getEpochSecond());
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
