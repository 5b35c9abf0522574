package dev.offstage.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

@ExtendWith(EmulatorsExtension.class)
class AwsClientsTest {

    private final Emulators emulators;

    AwsClientsTest(Emulators emulators) {
        this.emulators = emulators;
    }

    @Test
    void clientsReachTheServicesNamedByTheStandardEndpointVariables() {
        try (var aws = AwsClients.from(Environment.of(emulators.environment()))) {
            var table = EmulatorsExtension.uniqueName("clients");
            aws.dynamoDb().createTable(create -> create.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            assertThat(aws.dynamoDb().listTables().tableNames()).contains(table);

            var queueUrl = aws.sqs().createQueue(create -> create.queueName(table)).queueUrl();
            aws.sqs().sendMessage(send -> send.queueUrl(queueUrl).messageBody("hello"));
            assertThat(aws.sqs().receiveMessage(receive -> receive.queueUrl(queueUrl)).messages())
                    .extracting(message -> message.body()).containsExactly("hello");

            aws.s3().createBucket(create -> create.bucket(table));
            aws.s3().putObject(put -> put.bucket(table).key("a key/with spaces.txt"), RequestBody.fromString("body"));
            assertThat(aws.s3().getObjectAsBytes(get -> get.bucket(table).key("a key/with spaces.txt")).asUtf8String())
                    .isEqualTo("body");

            aws.secretsManager().createSecret(create -> create.name(table).secretString("secret"));
            assertThat(aws.secretsManager().getSecretValue(get -> get.secretId(table)).secretString()).isEqualTo("secret");
        }
    }

    @Test
    void serviceSpecificEndpointWinsOverTheGeneralOne() {
        var aws = AwsClients.from(Environment.of(Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324")));

        assertThat(aws.endpoint("SQS")).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(aws.endpoint("DYNAMODB")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(aws.endpoint("SECRETS_MANAGER")).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(aws.region().id()).isEqualTo("eu-west-1");
    }

    @Test
    void ignoreConfiguredEndpointsMeansThePublicEndpoint() {
        var aws = AwsClients.from(Environment.of(Map.of(
                "AWS_REGION", "eu-west-1",
                "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")));

        assertThat(aws.endpoint("S3")).isEmpty();
    }

    @Test
    void missingRegionFailsAtInitNamingTheVariable() {
        assertThatThrownBy(() -> AwsClients.from(Environment.of(Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_REGION");
    }

    @Test
    void malformedEndpointFailsNamingTheVariable() {
        var aws = AwsClients.from(Environment.of(Map.of("AWS_REGION", "eu-west-1", "AWS_ENDPOINT_URL_S3", "localhost:9000")));

        assertThatThrownBy(() -> aws.endpoint("S3"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_ENDPOINT_URL_S3");
    }
}
