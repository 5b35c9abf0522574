package dev.offstage.shared.idempotency;

import dev.offstage.testing.TestClock;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What every emulator-backed idempotency test needs: a fresh table in dynalite, a probe on the
 * client, a clock the test moves, and direct access to the stored items (the documented schema).
 */
final class IdempotencyFixture implements AutoCloseable {

    final AwsClients aws;
    final String table;
    final DynamoDbProbe dynamoDb;
    final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));

    IdempotencyFixture(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        this.table = EmulatorsExtension.uniqueName("idempotency");
        IdempotencyTable.create(aws.dynamoDb(), table);
        this.dynamoDb = new DynamoDbProbe(aws.dynamoDb());
    }

    IdempotencyConfig config() {
        return IdempotencyConfig.of(table);
    }

    Idempotency idempotency() {
        return idempotency(config -> config);
    }

    Idempotency idempotency(UnaryOperator<IdempotencyConfig> configure) {
        return new Idempotency(dynamoDb, configure.apply(config()), clock);
    }

    /** The stored item for {@code id} (empty map when absent), read around the probe. */
    Map<String, AttributeValue> item(String id) {
        return aws.dynamoDb().getItem(get -> get.tableName(table)
                .key(Map.of("id", AttributeValue.fromS(id))).consistentRead(true)).item();
    }

    void deleteItem(String id) {
        aws.dynamoDb().deleteItem(delete -> delete.tableName(table).key(Map.of("id", AttributeValue.fromS(id))));
    }

    /** Writes an IN_PROGRESS record as another (possibly crashed) invocation would, around the probe. */
    void putInProgress(String id, Instant heldUntil) {
        var item = new HashMap<String, AttributeValue>();
        item.put("id", AttributeValue.fromS(id));
        item.put("status", AttributeValue.fromS("INPROGRESS"));
        item.put("expiration", AttributeValue.fromN(Long.toString(heldUntil.getEpochSecond() + 3600)));
        item.put("in_progress_expiration", AttributeValue.fromN(Long.toString(heldUntil.toEpochMilli())));
        item.put("owner", AttributeValue.fromS("another-invocation"));
        aws.dynamoDb().putItem(put -> put.tableName(table).item(item));
    }

    DynamoDbClient raw() {
        return aws.dynamoDb();
    }

    @Override
    public void close() {
        aws.close();
    }
}
