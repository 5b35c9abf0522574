package dev.offstage.shared.idempotency;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The idempotency table: its schema, and a way to create it for tests and local use. In AWS the
 * SAM template declares the same table.
 *
 * <table>
 *   <caption>One item per key</caption>
 *   <tr><th>Attribute</th><th>Type</th><th>Meaning</th></tr>
 *   <tr><td>{@code id}</td><td>S, partition key</td><td>{@code prefix#key} (see {@link IdempotencyConfig#keyPrefix()})</td></tr>
 *   <tr><td>{@code status}</td><td>S</td><td>{@code INPROGRESS} or {@code COMPLETED}</td></tr>
 *   <tr><td>{@code expiration}</td><td>N</td><td>epoch seconds after which the record counts as absent;
 *       the table's TTL attribute, so AWS deletes it eventually</td></tr>
 *   <tr><td>{@code in_progress_expiration}</td><td>N</td><td>INPROGRESS only: epoch millis of the
 *       holder's Lambda deadline, after which another call may take the key over</td></tr>
 *   <tr><td>{@code owner}</td><td>S</td><td>INPROGRESS only: random token of the holding call; storing the
 *       result and deleting the record are conditioned on it</td></tr>
 *   <tr><td>{@code data}</td><td>S</td><td>COMPLETED only: the result as JSON ({@code null} for none)</td></tr>
 *   <tr><td>{@code validation}</td><td>S</td><td>optional: SHA-256 of the call's payload, lower-case hex</td></tr>
 * </table>
 *
 * <pre>{@code
 * IdempotencyTable:
 *   Type: AWS::DynamoDB::Table
 *   Properties:
 *     BillingMode: PAY_PER_REQUEST
 *     AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
 *     KeySchema: [{AttributeName: id, KeyType: HASH}]
 *     TimeToLiveSpecification: {AttributeName: expiration, Enabled: true}
 * }</pre>
 */
public final class IdempotencyTable {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyTable.class);

    private IdempotencyTable() {}

    /**
     * Creates the table (on-demand capacity), waits until it is active, and turns on TTL for
     * {@code expiration} where the endpoint supports it. Not idempotent: fails with the SDK's
     * {@code ResourceInUseException} when the table exists.
     */
    public static void create(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.createTable(create -> create
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(IdempotencyRecord.ID).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName(IdempotencyRecord.ID).keyType(KeyType.HASH).build()));
        try (var waiter = dynamoDb.waiter()) {
            waiter.waitUntilTableExists(describe -> describe.tableName(tableName));
        }
        try {
            dynamoDb.updateTimeToLive(ttl -> ttl.tableName(tableName).timeToLiveSpecification(
                    spec -> spec.attributeName(IdempotencyRecord.EXPIRATION).enabled(true)));
        } catch (DynamoDbException e) {
            // dynalite has no UpdateTimeToLive (and never expires items): harmless, because
            // Idempotency decides expiry in its condition expressions, not by TTL deletion.
            if (e.awsErrorDetails() == null || !"UnknownOperationException".equals(e.awsErrorDetails().errorCode())) {
                throw e;
            }
            LOG.debug("Table {}: this DynamoDB endpoint does not support TTL; expiry still works", tableName);
        }
    }
}
