package dev.offstage.posts.event;

import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Keeps each consumer's view of a post moving forward only: a version older than one already
 * seen, or anything after the post's deletion, changes nothing. Queues deliver post events at
 * least once and in any order; consumers ask the guard before applying an event's effect.
 *
 * <table>
 *   <caption>One item per (consumer, post)</caption>
 *   <tr><th>Attribute</th><th>Type</th><th>Meaning</th></tr>
 *   <tr><td>{@code id}</td><td>S, partition key</td><td>{@code consumer#postId}</td></tr>
 *   <tr><td>{@code version}</td><td>N</td><td>the newest version claimed</td></tr>
 *   <tr><td>{@code deleted}</td><td>BOOL</td><td>whether that version deleted the post</td></tr>
 * </table>
 *
 * <p><b>Rules.</b> A created or updated event applies when its version is newer than the stored
 * one. A deletion applies when its version is newer <em>or equal</em> (a delete wins a tie with
 * an update). A deleted post stays deleted: every later event, whatever its version, is stale —
 * post ids are never reused, so an update after the delete can only be a late or confused one.
 * Deletion items are tombstones and are kept: without them a late {@code post.created} would
 * bring the post back.
 *
 * <p><b>Combining the guard with an effect, exactly once.</b> Claim first, then apply the effect,
 * idempotently keyed on {@code (postId, version)}:
 * <pre>{@code
 * switch (guard.claim("index", event)) {
 *     case APPLY, DUPLICATE -> index.apply(event);   // idempotent per (postId, version)
 *     case STALE -> {}                               // a newer version or the deletion is in
 * }
 * }</pre>
 * A crash (or a failed effect) after the claim leaves the version claimed but its effect missing
 * or partial; the redelivery gets {@link Outcome#DUPLICATE}, not {@code STALE}, and applies the
 * effect again, which completes it. This is why a duplicate is its own outcome: were it stale,
 * a crash between claim and effect would lose the effect for good. Claiming <em>after</em> the
 * effect instead would let an older event's effect overwrite a newer one before the claim
 * refuses it. A consumer that skips {@code DUPLICATE} gets at-most-once.
 *
 * <p><b>What the guard cannot do.</b> It orders claims, not effects: when two versions of one
 * post are processed at the same time, the older effect can still land last (claim 1, claim 2,
 * effect 2, effect 1). Consumers whose effect replaces state either store the version with it and
 * condition that write on it ({@code version < :v}), or process one post at a time (a FIFO queue
 * with the post id as message group). Effects that accumulate per event rather than replace state
 * (counting creations) should not use the guard at all: a {@code post.updated} arriving before
 * its {@code post.created} makes the creation stale. They need idempotency keyed on the effect.
 *
 * <p>Thread-safe. DynamoDB failures propagate (the SDK's exceptions) so that the message is retried.
 */
public final class PostVersionGuard {

    /** What a consumer should do with an event. */
    public enum Outcome {
        /** This event is the newest: apply its effect. */
        APPLY,
        /**
         * This exact version was claimed before (a redelivery, or a concurrent delivery of the
         * same message): apply the effect again if it may be incomplete; idempotency makes it
         * harmless.
         */
        DUPLICATE,
        /** A newer version, or the post's deletion, was claimed already: change nothing. */
        STALE
    }

    static final String ID = "id";
    static final String VERSION = "version";
    static final String DELETED = "deleted";

    // Equal versions: only a deletion may take over an update of the same version (delete wins ties).
    private static final String NEWER = "attribute_not_exists(#id) OR (#version < :version AND #deleted = :false)";
    private static final String NEWER_OR_EQUAL = "attribute_not_exists(#id) OR (#version <= :version AND #deleted = :false)";

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public PostVersionGuard(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = Objects.requireNonNull(dynamoDb, "dynamoDb");
        this.tableName = Objects.requireNonNull(tableName, "tableName");
    }

    /**
     * Records {@code event} as the newest seen by {@code consumer} if it is, in one conditional
     * write, and says what to do with it. Of any number of concurrent claims of one version, one
     * gets {@link Outcome#APPLY}. Safe to retry: a retry of a claim that went through answers
     * {@code DUPLICATE}.
     *
     * @param consumer the consumer's stable name ({@code index}, {@code spam}); each consumer has its own view
     * @throws IllegalArgumentException when the consumer name is empty or contains {@code #}
     */
    public Outcome claim(String consumer, PostEvent event) {
        var id = id(consumer, event.postId());
        boolean deletion = event.type() == PostEvent.Type.DELETED;
        try {
            dynamoDb.putItem(put -> put
                    .tableName(tableName)
                    .item(Map.of(
                            ID, AttributeValue.fromS(id),
                            VERSION, AttributeValue.fromN(Long.toString(event.version())),
                            DELETED, AttributeValue.fromBool(deletion)))
                    .conditionExpression(deletion ? NEWER_OR_EQUAL : NEWER)
                    .expressionAttributeNames(Map.of("#id", ID, "#version", VERSION, "#deleted", DELETED))
                    .expressionAttributeValues(Map.of(
                            ":version", AttributeValue.fromN(Long.toString(event.version())),
                            ":false", AttributeValue.fromBool(false))));
            return Outcome.APPLY;
        } catch (ConditionalCheckFailedException refused) {
            return classify(id, event.version(), deletion);
        }
    }

    /**
     * Tells a duplicate from a stale event after the condition refused the write. Only on this
     * path, so the common case stays one request; if the item moved on in between, the answer
     * is STALE, which is right for it now.
     */
    private Outcome classify(String id, long version, boolean deletion) {
        var item = dynamoDb.getItem(get -> get.tableName(tableName)
                .key(Map.of(ID, AttributeValue.fromS(id))).consistentRead(true)).item();
        boolean same = item != null
                && item.containsKey(VERSION)
                && Long.parseLong(item.get(VERSION).n()) == version
                && Boolean.valueOf(deletion).equals(item.get(DELETED).bool());
        return same ? Outcome.DUPLICATE : Outcome.STALE;
    }

    private static String id(String consumer, String postId) {
        // Post ids cannot contain '#' (the schema's pattern); refusing it in consumer names keeps ids unambiguous.
        if (consumer.isEmpty() || consumer.indexOf('#') >= 0) {
            throw new IllegalArgumentException("A consumer name must be non-empty and without '#'");
        }
        return consumer + "#" + postId;
    }

    /**
     * Creates the guard's table (key {@code id}, on-demand) and waits until it is active, for tests
     * and local use; in AWS the SAM template declares it. Fails with the SDK's
     * {@code ResourceInUseException} when the table exists.
     */
    public static void createTable(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.createTable(create -> create
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(ID).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(ID).keyType(KeyType.HASH).build()));
        try (var waiter = dynamoDb.waiter()) {
            waiter.waitUntilTableExists(describe -> describe.tableName(tableName));
        }
    }
}
