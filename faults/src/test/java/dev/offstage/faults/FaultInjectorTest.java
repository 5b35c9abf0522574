package dev.offstage.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.event.Level;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * The injector against the emulators. Clients under test get the injector explicitly, after an
 * {@link AttemptCounter} (interceptors run in the order added, so it sees every attempt, faulted
 * or not), and a retry strategy that keeps the SDK's classification of errors but retries without
 * waiting. What landed is read back through clean clients.
 */
@ExtendWith(EmulatorsExtension.class)
@DisabledIfEnvironmentVariable(named = FaultPlan.VARIABLE, matches = ".*", disabledReason = "needs a JVM without OFFSTAGE_FAULTS")
class FaultInjectorTest {

    private final AwsClients aws;
    private final String table;
    private final String queueUrl;
    private final String bucket;
    private final List<AutoCloseable> clients = new ArrayList<>();

    FaultInjectorTest(Emulators emulators) {
        aws = AwsClients.from(Environment.of(emulators.environment()));
        table = EmulatorsExtension.uniqueName("faults");
        aws.dynamoDb().createTable(create -> create.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
        queueUrl = aws.sqs().createQueue(create -> create.queueName(table)).queueUrl();
        bucket = table;
        aws.s3().createBucket(create -> create.bucket(bucket));
    }

    @AfterEach
    void closeClients() throws Exception {
        for (var client : clients) {
            client.close();
        }
        aws.close();
    }

    @Test
    void throttlingNeverReachesTheServiceAndIsRetriedAsThrottling() {
        var plan = FaultPlan.parse("seed=1;throttle=1.0");
        var before = FaultCounts.snapshot();

        var dynamoAttempts = new AttemptCounter();
        assertThatThrownBy(() -> dynamoDb(plan, dynamoAttempts, 3).putItem(put -> put.tableName(table).item(item("a"))))
                .isInstanceOfAny(ProvisionedThroughputExceededException.class, ThrottlingException.class)
                .isInstanceOfSatisfying(DynamoDbException.class, error -> {
                    assertThat(error.isThrottlingException()).isTrue();
                    assertThat(error.statusCode()).isEqualTo(400);
                });
        var sqsAttempts = new AttemptCounter();
        assertThatThrownBy(() -> sqs(plan, sqsAttempts, 3).sendMessage(send -> send.queueUrl(queueUrl).messageBody("m")))
                .isInstanceOfSatisfying(SqsException.class, error -> {
                    assertThat(error.isThrottlingException()).isTrue();
                    assertThat(error.awsErrorDetails().errorCode()).isIn("RequestThrottled", "ThrottlingException");
                });
        var s3Attempts = new AttemptCounter();
        assertThatThrownBy(() -> s3(plan, s3Attempts, 3).putObject(put -> put.bucket(bucket).key("k"), RequestBody.fromString("b")))
                .isInstanceOfSatisfying(S3Exception.class, error -> {
                    assertThat(error.isThrottlingException()).isTrue();
                    assertThat(error.statusCode()).isEqualTo(503);
                    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                });

        assertThat(List.of(dynamoAttempts.count(), sqsAttempts.count(), s3Attempts.count()))
                .as("the SDK retried every throttled attempt up to its maximum").containsExactly(3, 3, 3);
        assertThat(injectedSince(before, FaultKind.THROTTLE)).isEqualTo(9);
        assertThat(aws.dynamoDb().getItem(get -> get.tableName(table).key(item("a"))).hasItem()).isFalse();
        assertThat(messagesIn(queueUrl)).isZero();
        assertThat(aws.s3().listObjectsV2(list -> list.bucket(bucket)).keyCount()).isZero();
    }

    @Test
    void serverErrorsNeverReachTheServiceAndAreRetried() {
        var plan = FaultPlan.parse("seed=2;error5xx=1.0");
        var before = FaultCounts.snapshot();
        var attempts = new AttemptCounter();

        for (var call : List.<Runnable>of(
                () -> dynamoDb(plan, attempts, 3).putItem(put -> put.tableName(table).item(item("a"))),
                () -> sqs(plan, attempts, 3).sendMessage(send -> send.queueUrl(queueUrl).messageBody("m")),
                () -> s3(plan, attempts, 3).putObject(put -> put.bucket(bucket).key("k"), RequestBody.fromString("b")))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, error -> {
                assertThat(error.statusCode()).isIn(500, 503);
                assertThat(error.isThrottlingException()).isFalse();
                assertThat(error.requestId()).startsWith("offstage-fault-");
            });
        }

        assertThat(attempts.count()).isEqualTo(9);
        assertThat(injectedSince(before, FaultKind.SERVER_ERROR)).isEqualTo(9);
        assertThat(aws.dynamoDb().getItem(get -> get.tableName(table).key(item("a"))).hasItem()).isFalse();
        assertThat(messagesIn(queueUrl)).isZero();
        assertThat(aws.s3().listObjectsV2(list -> list.bucket(bucket)).keyCount()).isZero();
    }

    @Test
    void theSdksDefaultRetryStrategyRetriesInjectedServerErrors() {
        var attempts = new AttemptCounter();
        var client = track(aws.configure(SqsClient.builder(), "SQS")
                .overrideConfiguration(faulty(FaultPlan.parse("seed=3;error5xx=1.0;services=sqs"), attempts))
                .build());

        assertThatThrownBy(() -> client.sendMessage(send -> send.queueUrl(queueUrl).messageBody("m")))
                .isInstanceOfSatisfying(SqsException.class, error -> assertThat(error.statusCode()).isIn(500, 503));
        assertThat(attempts.count()).as("attempts made by the default strategy").isGreaterThan(1);
        assertThat(messagesIn(queueUrl)).isZero();
    }

    @Test
    void failAfterWriteLandsTheWriteButReportsAServerError() {
        var plan = FaultPlan.parse("seed=4;failAfterWrite=1.0");
        var before = FaultCounts.snapshot();

        assertThatThrownBy(() -> dynamoDb(plan, new AttemptCounter(), 1).putItem(put -> put.tableName(table).item(item("landed"))))
                .isInstanceOfSatisfying(InternalServerErrorException.class, error -> assertThat(error.statusCode()).isEqualTo(500));
        var sqsAttempts = new AttemptCounter();
        assertThatThrownBy(() -> sqs(plan, sqsAttempts, 3).sendMessage(send -> send.queueUrl(queueUrl).messageBody("landed")))
                .isInstanceOfSatisfying(SqsException.class, error -> assertThat(error.statusCode()).isEqualTo(500));
        assertThatThrownBy(() -> s3(plan, new AttemptCounter(), 1).putObject(put -> put.bucket(bucket).key("landed"), RequestBody.fromString("body")))
                .isInstanceOfSatisfying(S3Exception.class, error -> assertThat(error.statusCode()).isEqualTo(500));

        assertThat(aws.dynamoDb().getItem(get -> get.tableName(table).key(item("landed")).consistentRead(true)).item())
                .containsEntry("id", AttributeValue.fromS("landed"));
        // Every retry of the "failed" send landed too: the duplicate a real SendMessage retry can make.
        assertThat(sqsAttempts.count()).isEqualTo(3);
        assertThat(messagesIn(queueUrl)).isEqualTo(3);
        assertThat(aws.s3().getObjectAsBytes(get -> get.bucket(bucket).key("landed")).asUtf8String()).isEqualTo("body");
        assertThat(injectedSince(before, FaultKind.FAIL_AFTER_WRITE)).isEqualTo(5);
    }

    @Test
    void failAfterWriteLeavesReadsAlone() {
        aws.dynamoDb().putItem(put -> put.tableName(table).item(item("read")));
        aws.sqs().sendMessage(send -> send.queueUrl(queueUrl).messageBody("read"));
        aws.s3().putObject(put -> put.bucket(bucket).key("read"), RequestBody.fromString("read"));
        var plan = FaultPlan.parse("seed=5;failAfterWrite=1.0");
        var before = FaultCounts.snapshot();

        assertThat(dynamoDb(plan, new AttemptCounter(), 1).getItem(get -> get.tableName(table).key(item("read"))).hasItem()).isTrue();
        assertThat(sqs(plan, new AttemptCounter(), 1).receiveMessage(receive -> receive.queueUrl(queueUrl)).messages())
                .extracting(message -> message.body()).containsExactly("read");
        assertThat(s3(plan, new AttemptCounter(), 1).getObjectAsBytes(get -> get.bucket(bucket).key("read")).asUtf8String())
                .isEqualTo("read");
        assertThat(FaultCounts.snapshot()).isEqualTo(before);
    }

    @Test
    void partialBatchSendsSomeEntriesAndListsTheRestAsTheServiceListsEntriesItDidNotProcess() {
        var plan = FaultPlan.parse("seed=21;partialBatch=1.0");
        var before = FaultCounts.snapshot();

        var sqsEntries = new ArrayList<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry>();
        for (int i = 0; i < 10; i++) {
            sqsEntries.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder()
                    .id("e" + i).messageBody("body-" + i).build());
        }
        var sent = sqs(plan, new AttemptCounter(), 1).sendMessageBatch(send -> send.queueUrl(queueUrl).entries(sqsEntries));
        assertThat(sent.failed()).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.code()).isEqualTo("InternalError");
            assertThat(failure.senderFault()).isFalse();
        });
        assertThat(sent.successful().size() + sent.failed().size()).as(sent.successful().size() + " ok, " + sent.failed().size() + " failed, in queue " + messagesIn(queueUrl)).isEqualTo(10);
        assertThat(messagesIn(queueUrl)).as("only the entries reported successful were sent").isEqualTo(sent.successful().size());

        var writes = new ArrayList<software.amazon.awssdk.services.dynamodb.model.WriteRequest>();
        for (int i = 0; i < 6; i++) {
            var id = "batch-" + i;
            writes.add(software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder()
                    .putRequest(put -> put.item(item(id))).build());
        }
        var written = dynamoDb(plan, new AttemptCounter(), 1).batchWriteItem(batch -> batch.requestItems(Map.of(table, writes)));
        var unprocessed = written.unprocessedItems().getOrDefault(table, List.of()).stream()
                .map(write -> write.putRequest().item().get("id").s()).toList();
        assertThat(unprocessed).isNotEmpty().hasSizeLessThan(6);
        for (int i = 0; i < 6; i++) {
            var id = "batch-" + i;
            assertThat(aws.dynamoDb().getItem(get -> get.tableName(table).key(item(id)).consistentRead(true)).hasItem())
                    .as(id).isEqualTo(!unprocessed.contains(id));
        }

        var keys = List.of("k1", "k2", "k3", "k4");
        keys.forEach(key -> aws.s3().putObject(put -> put.bucket(bucket).key(key), RequestBody.fromString(key)));
        var deleted = s3(plan, new AttemptCounter(), 1).deleteObjects(delete -> delete.bucket(bucket).delete(objects -> objects
                .objects(keys.stream().map(key -> software.amazon.awssdk.services.s3.model.ObjectIdentifier.builder().key(key).build())
                        .toList()).quiet(true)));
        var notDeleted = deleted.errors().stream().map(error -> error.key()).toList();
        assertThat(notDeleted).isNotEmpty().hasSizeLessThan(4);
        assertThat(aws.s3().listObjectsV2(list -> list.bucket(bucket)).contents()).extracting(object -> object.key())
                .containsExactlyInAnyOrderElementsOf(notDeleted);

        assertThat(injectedSince(before, FaultKind.PARTIAL_BATCH)).isEqualTo(3);
    }

    @Test
    void partialBatchLeavesSingleEntryBatchesAndOtherCallsAlone() {
        var plan = FaultPlan.parse("seed=22;partialBatch=1.0");
        var before = FaultCounts.snapshot();

        var sent = sqs(plan, new AttemptCounter(), 1).sendMessageBatch(send -> send.queueUrl(queueUrl).entries(
                software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("only").messageBody("b").build()));
        dynamoDb(plan, new AttemptCounter(), 1).putItem(put -> put.tableName(table).item(item("single")));

        assertThat(sent.failed()).isEmpty();
        assertThat(messagesIn(queueUrl)).isEqualTo(1);
        assertThat(FaultCounts.snapshot()).isEqualTo(before);
    }

    @Test
    void retriedCallsSucceedAndEveryFaultedAttemptIsCounted() {
        var plan = FaultPlan.parse("seed=11;throttle=0.3;error5xx=0.2;services=dynamodb");
        var before = FaultCounts.snapshot();
        var attempts = new AttemptCounter();
        var client = dynamoDb(plan, attempts, 10);

        for (var i = 0; i < 20; i++) {
            var id = "item-" + i;
            client.putItem(put -> put.tableName(table).item(item(id)));
        }

        var faulted = injectedSince(before, FaultKind.THROTTLE) + injectedSince(before, FaultKind.SERVER_ERROR);
        assertThat(faulted).as("faulted attempts").isPositive();
        assertThat(attempts.count()).as("every faulted attempt was retried").isEqualTo(20 + faulted);
        assertThat(aws.dynamoDb().scan(scan -> scan.tableName(table)).count()).isEqualTo(20);
    }

    @Test
    void latencyIsAddedBeforeEveryAttempt() {
        var plan = FaultPlan.parse("seed=6;latency=120-150ms;services=dynamodb");
        var before = FaultCounts.snapshot();
        var client = dynamoDb(plan, new AttemptCounter(), 1);
        client.getItem(get -> get.tableName(table).key(item("warm-up")));

        var started = System.nanoTime();
        for (var i = 0; i < 3; i++) {
            client.getItem(get -> get.tableName(table).key(item("x")));
        }
        var elapsed = Duration.ofNanos(System.nanoTime() - started);

        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(3 * 120));
        assertThat(injectedSince(before, FaultKind.LATENCY)).isEqualTo(4);
    }

    @Test
    void theSameSeedAndCallsInjectTheSameFaults() {
        var first = outcomes(7);

        assertThat(outcomes(7)).isEqualTo(first);
        assertThat(outcomes(8)).isNotEqualTo(first);
        assertThat(first).contains("ok").anyMatch(outcome -> outcome.startsWith("400"))
                .anyMatch(outcome -> outcome.startsWith("50"));
    }

    @Test
    void servicesOutsideThePlanAreLeftAlone() {
        var before = FaultCounts.snapshot();
        var plan = FaultPlan.parse("seed=9;throttle=1.0;services=sqs");

        dynamoDb(plan, new AttemptCounter(), 1).putItem(put -> put.tableName(table).item(item("untouched")));
        s3(plan, new AttemptCounter(), 1).putObject(put -> put.bucket(bucket).key("untouched"), RequestBody.fromString("b"));

        assertThat(FaultCounts.snapshot()).isEqualTo(before);
        assertThat(aws.dynamoDb().getItem(get -> get.tableName(table).key(item("untouched"))).hasItem()).isTrue();
    }

    @Test
    void withoutOffstageFaultsTheInjectorChangesNothing() {
        var before = FaultCounts.snapshot();
        var injector = new FaultInjector();
        var attempts = new AttemptCounter();
        var client = track(aws.configure(DynamoDbClient.builder(), "DYNAMODB")
                .overrideConfiguration(override -> override.addExecutionInterceptor(attempts).addExecutionInterceptor(injector)
                        .retryStrategy(retry -> retry.maxAttempts(1)))
                .build());

        for (var i = 0; i < 30; i++) {
            var id = "plain-" + i;
            client.putItem(put -> put.tableName(table).item(item(id)));
            assertThat(client.getItem(get -> get.tableName(table).key(item(id))).hasItem()).isTrue();
        }

        assertThat(injector.plan()).isEmpty();
        assertThat(attempts.count()).isEqualTo(60);
        assertThat(FaultCounts.snapshot()).isEqualTo(before);
    }

    @Test
    void everyInjectedFaultIsLoggedWithItsKindServiceAndOperation() {
        LogCapture.start();

        assertThatThrownBy(() -> sqs(FaultPlan.parse("seed=10;throttle=1.0;services=sqs"), new AttemptCounter(), 1)
                .sendMessage(send -> send.queueUrl(queueUrl).messageBody("m")))
                .isInstanceOf(SqsException.class);

        assertThat(LogCapture.lines()).filteredOn(line -> line.fields().containsKey("fault")).singleElement().satisfies(line -> {
            assertThat(line.level()).isEqualTo(Level.WARN);
            assertThat(line.logger()).isEqualTo(FaultInjector.class.getName());
            assertThat(line.fields()).containsEntry("fault", "THROTTLE").containsEntry("service", "sqs")
                    .containsEntry("operation", "SendMessage");
        });
    }

    /** What 40 GetItem calls without retries see under a seed: "ok", or "status errorCode". */
    private List<String> outcomes(long seed) {
        var client = dynamoDb(FaultPlan.parse("seed=" + seed + ";throttle=0.3;error5xx=0.3;services=dynamodb"), new AttemptCounter(), 1);
        var outcomes = new ArrayList<String>();
        for (var i = 0; i < 40; i++) {
            try {
                client.getItem(get -> get.tableName(table).key(item("x")));
                outcomes.add("ok");
            } catch (DynamoDbException e) {
                outcomes.add(e.statusCode() + " " + e.awsErrorDetails().errorCode());
            }
        }
        return outcomes;
    }

    private DynamoDbClient dynamoDb(FaultPlan plan, AttemptCounter attempts, int maxAttempts) {
        return track(aws.configure(DynamoDbClient.builder(), "DYNAMODB")
                .overrideConfiguration(faulty(plan, attempts).toBuilder().retryStrategy(immediateRetries(maxAttempts)).build())
                .build());
    }

    private SqsClient sqs(FaultPlan plan, AttemptCounter attempts, int maxAttempts) {
        return track(aws.configure(SqsClient.builder(), "SQS")
                .overrideConfiguration(faulty(plan, attempts).toBuilder().retryStrategy(immediateRetries(maxAttempts)).build())
                .build());
    }

    private S3Client s3(FaultPlan plan, AttemptCounter attempts, int maxAttempts) {
        return track(aws.configure(S3Client.builder(), "S3").forcePathStyle(true)
                .overrideConfiguration(faulty(plan, attempts).toBuilder().retryStrategy(immediateRetries(maxAttempts)).build())
                .build());
    }

    private static ClientOverrideConfiguration faulty(FaultPlan plan, AttemptCounter attempts) {
        return ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(attempts)
                .addExecutionInterceptor(new FaultInjector(plan))
                .build();
    }

    /** The client's own retry strategy (AWS's classification of errors), without the waits between attempts. */
    private static Consumer<RetryStrategy.Builder<?, ?>> immediateRetries(int maxAttempts) {
        return retry -> retry.maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.retryImmediately())
                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately());
    }

    private <C extends AutoCloseable> C track(C client) {
        clients.add(client);
        return client;
    }

    private long injectedSince(Map<FaultKind, Long> before, FaultKind kind) {
        return FaultCounts.injected(kind) - before.get(kind);
    }

    private int messagesIn(String queue) {
        return Integer.parseInt(aws.sqs().getQueueAttributes(get -> get.queueUrl(queue)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private static Map<String, AttributeValue> item(String id) {
        return Map.of("id", AttributeValue.fromS(id));
    }

    /** Counts the attempts that reach the point of sending (the injector fails them just after). */
    static final class AttemptCounter implements ExecutionInterceptor {
        private final AtomicInteger attempts = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
            attempts.incrementAndGet();
        }

        int count() {
            return attempts.get();
        }
    }
}
