package dev.offstage.posts.spam;

import dev.offstage.posts.PostsTables;
import dev.offstage.posts.event.PostEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * The spam consumer's DynamoDB table: verdicts, duplicate-text markers and the token model.
 * Thread-safe. Infrastructure failures ({@code DynamoDbException}) propagate so the message is
 * retried; every method is safe to retry.
 *
 * <p>Every effect is exactly once under at-least-once, unordered delivery without transactions
 * (dynalite has none): each write is one conditional single-item operation whose condition makes
 * a repeat a no-op. The consumer is implicit — the table belongs to the spam consumer alone.
 *
 * <p>Items (key {@code pk} string, {@code sk} string):
 * <table>
 *   <tr><th>pk</th><th>sk</th><th>attributes</th><th>written</th></tr>
 *   <tr><td>{@code post#<postId>}</td><td>{@code verdict}</td>
 *       <td>{@code postVersion} N, {@code authorId}, {@code text}, {@code score} N,
 *       {@code modelSpam} BOOL, {@code reasons} L of M{rule, text, contribution N},
 *       {@code modelVersion}; once deleted {@code deleted} BOOL; once moderated
 *       {@code moderatorSpam} BOOL, {@code moderator}, {@code note}, {@code moderatedVersion} N,
 *       {@code moderations} SS (request ids applied)</td>
 *       <td>model: only when {@code postVersion} &lt; the event's and not deleted, so a
 *       duplicate or an older version changes nothing; the model never touches the moderator
 *       attributes, so a moderator's verdict survives any re-score. Delete: unless deleted.</td></tr>
 *   <tr><td>{@code text#<authorId>#<hash>}</td><td>{@code <postId>}</td>
 *       <td>{@code occurredAt} N (epoch ms, the earliest version seen with this text)</td>
 *       <td>one marker per post, so redelivery (or an edit keeping the text) never counts
 *       twice; duplicates are counted by a query on {@code pk} filtered to the window</td></tr>
 *   <tr><td>{@code model}</td><td>{@code tokens}</td>
 *       <td>{@code version} N, {@code weights} M (token → N), {@code applied} SS (moderation
 *       request ids)</td>
 *       <td>by a moderator verdict: weights, version and the request id change in one update,
 *       conditional on the id not yet applied</td></tr>
 * </table>
 * {@code <hash>} is the SHA-256 of the normalised text (Unicode NFKC, lower case, runs of white
 * space as one space, trimmed), so an author's copies match however they are spaced or cased.
 *
 * <p>Limits, known: the model item holds every token and every applied request id, within
 * DynamoDB's 400 KB per item — some ten thousand tokens; past that, shard the weights by token
 * and prune request ids older than any retry. Markers are never deleted (no TTL in dynalite; in
 * AWS a TTL on them would do): a deleted or edited post still counts for its old text.
 */
public final class SpamStore {

    /** The environment variable naming the table. */
    public static final String TABLE_VARIABLE = "OFFSTAGE_SPAM_TABLE";

    static final String PK = "pk";
    static final String SK = "sk";
    private static final String VERDICT = "verdict";
    private static final AttributeValue MODEL_PK = AttributeValue.fromS("model");
    private static final AttributeValue MODEL_SK = AttributeValue.fromS("tokens");
    // An update expression is limited to 4 KB: a moderation learns from a post's first tokens only.
    static final int MAX_TOKENS_LEARNED = 50;
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final SpamConfig config;

    public SpamStore(DynamoDbClient dynamoDb, String table, SpamConfig config) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.table = Objects.requireNonNull(table, "table");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Creates the table (pay per request) and waits until it exists. For tests and local runs. */
    public static void createTable(DynamoDbClient dynamoDb, String name) {
        PostsTables.create(dynamoDb, name);
    }

    /**
     * What the scorer needs for {@code event}: records that its author wrote its text (once per
     * post, however often delivered) and counts the author's posts of that text within the
     * configured window up to the event's time, this one included; and reads the token model.
     */
    public Signals signals(PostEvent event) {
        return new Signals(recordText(event), model());
    }

    /** The current token model; {@link TokenModel#EMPTY} before any moderation. */
    public TokenModel model() {
        var item = dynamoDb.getItem(get -> get.tableName(table).key(modelKey()).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return TokenModel.EMPTY;
        }
        var weights = new HashMap<String, Double>();
        item.getOrDefault("weights", AttributeValue.fromM(Map.of())).m()
                .forEach((token, weight) -> weights.put(token, Double.parseDouble(weight.n())));
        return new TokenModel(Long.parseLong(item.get("version").n()), weights);
    }

    /**
     * Stores the model's verdict on {@code event}'s version.
     *
     * @return false when nothing changed: the stored version is the same or newer (a redelivery,
     *         or an older version arriving late), or the post was deleted
     */
    public boolean saveVerdict(PostEvent event, Verdict verdict) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":v", number(event.version()));
        values.put(":author", AttributeValue.fromS(event.authorId()));
        values.put(":text", AttributeValue.fromS(event.text()));
        values.put(":score", number(verdict.score()));
        values.put(":spam", AttributeValue.fromBool(verdict.spam()));
        values.put(":reasons", AttributeValue.fromL(verdict.reasons().stream().map(reason -> AttributeValue.fromM(Map.of(
                "rule", AttributeValue.fromS(reason.rule()),
                "text", AttributeValue.fromS(reason.text()),
                "contribution", number(reason.contribution())))).toList()));
        values.put(":modelVersion", AttributeValue.fromS(verdict.modelVersion()));
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(verdictKey(event.postId()))
                    .updateExpression("SET postVersion = :v, authorId = :author, #text = :text, score = :score,"
                            + " modelSpam = :spam, reasons = :reasons, modelVersion = :modelVersion")
                    .conditionExpression("(attribute_not_exists(pk) OR postVersion < :v) AND attribute_not_exists(deleted)")
                    .expressionAttributeNames(Map.of("#text", "text"))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Marks the post deleted: from then on nothing changes its verdict, whatever version arrives.
     * A delete wins over every update, earlier or later.
     *
     * @return false when it was already deleted (a redelivery)
     */
    public boolean markDeleted(PostEvent event) {
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(verdictKey(event.postId()))
                    // The greater version is kept so the item still says how far the post got.
                    .updateExpression("SET deleted = :true, postVersion = :v")
                    .conditionExpression("attribute_not_exists(deleted) AND (attribute_not_exists(pk) OR postVersion < :v)")
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true), ":v", number(event.version()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            // An update with a higher version than the delete's got there first: still deleted.
            try {
                dynamoDb.updateItem(update -> update.tableName(table).key(verdictKey(event.postId()))
                        .updateExpression("SET deleted = :true")
                        .conditionExpression("attribute_exists(pk) AND attribute_not_exists(deleted)")
                        .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true))));
                return true;
            } catch (ConditionalCheckFailedException alreadyDeleted) {
                return false;
            }
        }
    }

    /** What is stored for the post, read consistently; empty when no event of it arrived yet. */
    public Optional<StoredVerdict> verdict(String postId) {
        var item = dynamoDb.getItem(get -> get.tableName(table).key(verdictKey(postId)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Optional<Verdict> model = Optional.ofNullable(item.get("score")).map(score -> new Verdict(
                Double.parseDouble(score.n()),
                item.get("modelSpam").bool(),
                item.get("reasons").l().stream().map(reason -> new Reason(
                        reason.m().get("rule").s(),
                        reason.m().get("text").s(),
                        Double.parseDouble(reason.m().get("contribution").n()))).toList(),
                item.get("modelVersion").s()));
        return Optional.of(new StoredVerdict(
                postId,
                Long.parseLong(item.get("postVersion").n()),
                item.containsKey("deleted") && item.get("deleted").bool(),
                model,
                Optional.ofNullable(item.get("moderatorSpam")).map(AttributeValue::bool),
                Optional.ofNullable(item.get("moderator")).map(AttributeValue::s),
                Optional.ofNullable(item.get("note")).map(AttributeValue::s).orElse("")));
    }

    /**
     * Which of {@code postIds} search must hide ({@link StoredVerdict#hidden()}: spam or deleted),
     * read consistently in batches of 100. A post with no verdict yet is not hidden.
     */
    public Set<String> hidden(Collection<String> postIds) {
        var hidden = new HashSet<String>();
        var distinct = List.copyOf(new LinkedHashSet<>(postIds));
        for (int from = 0; from < distinct.size(); from += BATCH_GET_LIMIT) {
            var keys = distinct.subList(from, Math.min(distinct.size(), from + BATCH_GET_LIMIT)).stream()
                    .map(SpamStore::verdictKey).toList();
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys).consistentRead(true)
                    .projectionExpression("pk, deleted, modelSpam, moderatorSpam").build());
            // BatchGetItem may answer part of a batch under load; ask again for the rest.
            while (!pending.isEmpty()) {
                var request = pending;
                var response = dynamoDb.batchGetItem(batch -> batch.requestItems(request));
                for (var item : response.responses().getOrDefault(table, List.of())) {
                    var deleted = item.containsKey("deleted") && item.get("deleted").bool();
                    var spam = Optional.ofNullable(item.get("moderatorSpam"))
                            .or(() -> Optional.ofNullable(item.get("modelSpam")))
                            .map(AttributeValue::bool).orElse(false);
                    if (deleted || spam) {
                        hidden.add(item.get(PK).s().substring("post#".length()));
                    }
                }
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return Set.copyOf(hidden);
    }

    /**
     * Records a moderator's verdict: it overrides the model's for the post from now on (a later
     * model re-score never replaces it), and the post's tokens move toward spam or not by the
     * configured learning rate, bumping the model version. Idempotent per request id: each of
     * the two writes is conditional on the id, so a retry after a crash between them completes
     * the second and repeats neither. Between two moderators, the last request applied wins.
     */
    public ModerationOutcome recordModeratorVerdict(ModeratorVerdict request) {
        var item = dynamoDb.getItem(get -> get.tableName(table).key(verdictKey(request.postId())).consistentRead(true)).item();
        if (item == null || !item.containsKey("text")) {
            return item != null && item.containsKey("deleted") ? ModerationOutcome.DELETED_POST : ModerationOutcome.UNKNOWN_POST;
        }
        if (item.containsKey("deleted")) {
            return ModerationOutcome.DELETED_POST;
        }
        var requestIds = AttributeValue.fromSs(List.of(request.requestId()));
        var applied = true;
        try {
            dynamoDb.updateItem(update -> update.tableName(table).key(verdictKey(request.postId()))
                    .updateExpression("SET moderatorSpam = :spam, moderator = :moderator, note = :note,"
                            + " moderatedVersion = postVersion ADD moderations :ids")
                    .conditionExpression("attribute_exists(pk) AND attribute_not_exists(deleted)"
                            + " AND NOT contains(moderations, :id)")
                    .expressionAttributeValues(Map.of(
                            ":spam", AttributeValue.fromBool(request.spam()),
                            ":moderator", AttributeValue.fromS(request.moderator()),
                            ":note", AttributeValue.fromS(request.note()),
                            ":ids", requestIds,
                            ":id", AttributeValue.fromS(request.requestId()))));
        } catch (ConditionalCheckFailedException e) {
            applied = false;
        }
        learn(request, TokenModel.tokens(item.get("text").s()));
        return applied ? ModerationOutcome.APPLIED : ModerationOutcome.DUPLICATE;
    }

    private void learn(ModeratorVerdict request, List<String> tokens) {
        // The weights map must exist before a path inside it can be set; a lost race is fine.
        try {
            dynamoDb.putItem(put -> put.tableName(table)
                    .item(Map.of(PK, MODEL_PK, SK, MODEL_SK, "version", number(0), "weights", AttributeValue.fromM(Map.of())))
                    .conditionExpression("attribute_not_exists(pk)"));
        } catch (ConditionalCheckFailedException exists) {
            // Created before.
        }
        var names = new HashMap<String, String>();
        var values = new HashMap<String, AttributeValue>();
        var set = new ArrayList<String>();
        var learned = tokens.subList(0, Math.min(tokens.size(), MAX_TOKENS_LEARNED));
        for (int i = 0; i < learned.size(); i++) {
            names.put("#t" + i, learned.get(i));
            set.add("weights.#t" + i + " = if_not_exists(weights.#t" + i + ", :zero) + :delta");
        }
        values.put(":zero", number(0));
        values.put(":delta", number(request.spam() ? config.learningRate() : -config.learningRate()));
        values.put(":one", number(1));
        values.put(":ids", AttributeValue.fromSs(List.of(request.requestId())));
        values.put(":id", AttributeValue.fromS(request.requestId()));
        var expression = (set.isEmpty() ? "" : "SET " + String.join(", ", set) + " ") + "ADD version :one, applied :ids";
        if (set.isEmpty()) {
            // DynamoDB rejects values an expression does not use.
            values.remove(":zero");
            values.remove(":delta");
        }
        try {
            dynamoDb.updateItem(update -> {
                update.tableName(table).key(modelKey())
                        .updateExpression(expression)
                        .conditionExpression("NOT contains(applied, :id)")
                        .expressionAttributeValues(values);
                if (!names.isEmpty()) {
                    update.expressionAttributeNames(names);
                }
            });
        } catch (ConditionalCheckFailedException alreadyLearned) {
            // This request taught the model before (a retry): once is enough.
        }
    }

    private int recordText(PostEvent event) {
        var key = Map.of(
                PK, AttributeValue.fromS("text#" + event.authorId() + "#" + textHash(event.text())),
                SK, AttributeValue.fromS(event.postId()));
        var occurredAt = event.occurredAt().toEpochMilli();
        try {
            // The earliest version with this text wins, whatever order versions arrive in.
            dynamoDb.updateItem(update -> update.tableName(table).key(key)
                    .updateExpression("SET occurredAt = :t")
                    .conditionExpression("attribute_not_exists(occurredAt) OR occurredAt > :t")
                    .expressionAttributeValues(Map.of(":t", number(occurredAt))));
        } catch (ConditionalCheckFailedException seenBefore) {
            // This post was counted before: a redelivery or another version with the same text.
        }
        var from = occurredAt - config.duplicateWindow().toMillis();
        var count = 0;
        Map<String, AttributeValue> start = null;
        do {
            var startKey = start;
            var page = dynamoDb.query(query -> query.tableName(table)
                    .keyConditionExpression("pk = :pk")
                    .filterExpression("occurredAt BETWEEN :from AND :to")
                    .expressionAttributeValues(Map.of(
                            ":pk", key.get(PK), ":from", number(from), ":to", number(occurredAt)))
                    .select(Select.COUNT)
                    .consistentRead(true)
                    .exclusiveStartKey(startKey));
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    /** Two texts an author could post as copies hash alike: NFKC, lower case, white space runs as one space. */
    static String textHash(String text) {
        var normalised = Normalizer.normalize(text, Normalizer.Form.NFKC)
                .toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }

    private static Map<String, AttributeValue> verdictKey(String postId) {
        return Map.of(PK, AttributeValue.fromS("post#" + postId), SK, AttributeValue.fromS(VERDICT));
    }

    private static Map<String, AttributeValue> modelKey() {
        return Map.of(PK, MODEL_PK, SK, MODEL_SK);
    }

    private static AttributeValue number(double value) {
        // Plain digits: the shortest decimal that reads back as the same double.
        return AttributeValue.fromN(BigDecimal.valueOf(value).toPlainString());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
