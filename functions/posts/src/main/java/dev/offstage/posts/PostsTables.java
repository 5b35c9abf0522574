package dev.offstage.posts;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The key shape every post-processing table shares — string {@code pk} and {@code sk} — as
 * {@code template.yaml} declares it for PostsIndexTable, PostsSpamTable and PostsAnalyticsTable.
 */
public final class PostsTables {

    public static final String PK = "pk";
    public static final String SK = "sk";

    private PostsTables() {}

    /**
     * Creates such a table (on-demand) and waits until it is active. For tests and local use; not
     * idempotent: fails with the SDK's {@code ResourceInUseException} when the table exists.
     */
    public static void create(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.createTable(create -> create
                .tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build()));
        try (var waiter = dynamoDb.waiter()) {
            waiter.waitUntilTableExists(describe -> describe.tableName(tableName));
        }
    }
}
