package dev.offstage.shared.priming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.LogCapture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(EmulatorsExtension.class)
class PrimingTest {

    private final Emulators emulators;

    PrimingTest(Emulators emulators) {
        this.emulators = emulators;
    }

    @Test
    void toolkitPrimesReachEveryServiceAndWriteNothing() {
        try (var aws = AwsClients.from(Environment.of(emulators.environment()))) {
            var name = EmulatorsExtension.uniqueName("priming");
            aws.dynamoDb().createTable(create -> create.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            var queueUrl = aws.sqs().createQueue(create -> create.queueName(name)).queueUrl();
            aws.s3().createBucket(create -> create.bucket(name));

            var priming = Priming.of(List.of(
                    Primes.dynamoDbGetItem(aws.dynamoDb(), name, Map.of("id", AttributeValue.fromS(Primes.ABSENT_KEY))),
                    Primes.dynamoDbRejectedUpdate(aws.dynamoDb(), name, Map.of("id", AttributeValue.fromS(Primes.ABSENT_KEY))),
                    Primes.sqsSend(aws.sqs(), queueUrl),
                    Primes.s3Head(aws.s3(), name, Primes.ABSENT_KEY),
                    Primes.sqsTrigger(),
                    Primes.httpApiTrigger(),
                    Primes.s3Trigger()));
            var outcomes = priming.prime();

            assertThat(outcomes).hasSize(7).allSatisfy(outcome -> assertThat(outcome.failure()).as(outcome.prime()).isEmpty());
            assertThat(aws.dynamoDb().scan(scan -> scan.tableName(name)).count()).isZero();
            assertThat(aws.sqs().getQueueAttributes(get -> get.queueUrl(queueUrl)
                            .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes().values()).containsOnly("0");
            assertThat(aws.s3().listObjectsV2(list -> list.bucket(name)).contents()).isEmpty();
        }
    }

    @Test
    void rejectedUpdateWritesNothingEvenWhenTheKeyExists() {
        try (var aws = AwsClients.from(Environment.of(emulators.environment()))) {
            var name = EmulatorsExtension.uniqueName("priming-update");
            aws.dynamoDb().createTable(create -> create.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            var key = Map.of("id", AttributeValue.fromS("real"));
            aws.dynamoDb().putItem(put -> put.tableName(name).item(Map.of("id", AttributeValue.fromS("real"), "n", AttributeValue.fromN("1"))));

            var outcomes = Priming.of(List.of(Primes.dynamoDbRejectedUpdate(aws.dynamoDb(), name, key))).prime();

            assertThat(outcomes).singleElement().satisfies(outcome -> assertThat(outcome.failure()).isEmpty());
            assertThat(aws.dynamoDb().getItem(get -> get.tableName(name).key(key).consistentRead(true)).item())
                    .isEqualTo(Map.of("id", AttributeValue.fromS("real"), "n", AttributeValue.fromN("1")));
        }
    }

    @Test
    void failedPrimeIsLoggedAndNeitherStopsTheOthersNorFailsTheCheckpoint() {
        var ran = new AtomicInteger();
        var priming = Priming.of(List.of(
                Prime.of("broken", () -> {
                    throw new IllegalStateException("emulator down");
                }),
                Prime.of("missing class", () -> {
                    throw new NoClassDefFoundError("com/example/Absent");
                }),
                Prime.of("asserting", () -> {
                    throw new AssertionError("a prime's own check");
                }),
                Prime.of("counted", ran::incrementAndGet)));
        LogCapture.start();

        assertThatCode(() -> priming.beforeCheckpoint(null)).doesNotThrowAnyException();

        assertThat(ran).hasValue(1);
        assertThat(LogCapture.lines()).filteredOn(line -> line.logger().equals(Priming.class.getName()))
                .satisfiesExactly(
                        broken -> {
                            assertThat(broken.level()).isEqualTo(Level.WARN);
                            assertThat(broken.message()).contains("'broken'");
                            assertThat(broken.errorMessage()).isEqualTo("emulator down");
                        },
                        missing -> {
                            assertThat(missing.level()).isEqualTo(Level.WARN);
                            assertThat(missing.message()).contains("'missing class'");
                        },
                        asserting -> {
                            assertThat(asserting.level()).isEqualTo(Level.WARN);
                            assertThat(asserting.message()).contains("'asserting'");
                        },
                        summary -> {
                            assertThat(summary.level()).isEqualTo(Level.INFO);
                            assertThat(summary.message()).startsWith("Primed 1 of 4 in ");
                        });
    }

    @Test
    void registeredPrimingKeepsItsPrimesForTheHook() {
        var ran = new AtomicInteger();
        var priming = Priming.register(List.of(Prime.of("counted", ran::incrementAndGet)));

        priming.beforeCheckpoint(null);

        assertThat(priming.primes()).extracting(Prime::name).containsExactly("counted");
        assertThat(ran).hasValue(1);
    }
}
