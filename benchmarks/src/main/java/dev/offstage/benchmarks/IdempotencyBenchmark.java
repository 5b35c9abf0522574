package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.idempotency.Idempotency;
import dev.offstage.shared.idempotency.IdempotencyConfig;
import dev.offstage.shared.idempotency.IdempotencyTable;
import dev.offstage.shared.idempotency.IdempotentCall;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What idempotency costs per message: a 10-message SQS batch processed through {@link Batch},
 * without idempotency (the baseline), and with every message's effect guarded by
 * {@link Idempotency} against dynalite, sequentially and in parallel on virtual threads; plus a
 * batch of duplicates (every key already completed), the case idempotency exists for, and one
 * plain PutItem per message, the floor of any guard kept in DynamoDB.
 *
 * <p>Each batch uses fresh message ids, so every guarded message pays the full first-call price
 * (a conditional PutItem and an UpdateItem). Run with {@code scripts/bench-idempotency}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IdempotencyBenchmark {

    private static final int BATCH_SIZE = 10;

    private Emulators emulators;
    private AwsClients aws;
    private Idempotency idempotency;
    private String table;
    private SQSEvent duplicates;
    private final AtomicLong batches = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        emulators = Emulators.start();
        aws = AwsClients.from(Environment.of(emulators.environment()));
        table = "bench-idempotency-" + UUID.randomUUID();
        IdempotencyTable.create(aws.dynamoDb(), table);
        idempotency = new Idempotency(aws.dynamoDb(), IdempotencyConfig.of(table), Clock.systemUTC());
        duplicates = batch();
        Batch.process(duplicates, context(), BatchConfig.defaults(), this::guardedEffect);
    }

    @TearDown(Level.Trial)
    public void stop() {
        aws.close();
        emulators.close();
    }

    @Benchmark
    public SQSBatchResponse withoutIdempotency() throws Exception {
        return Batch.process(batch(), context(), BatchConfig.defaults(), message -> effect(message.getBody()));
    }

    /** One plain PutItem per message: the floor of any guard that records each message in DynamoDB. */
    @Benchmark
    public SQSBatchResponse onePutItemSequential() {
        return Batch.process(batch(), context(), BatchConfig.defaults(), message -> {
            var result = effect(message.getBody());
            aws.dynamoDb().putItem(put -> put.tableName(table).item(Map.of(
                    "id", AttributeValue.fromS("plain#" + message.getMessageId()), "data", AttributeValue.fromS(result))));
        });
    }

    @Benchmark
    public SQSBatchResponse idempotentSequential() {
        return Batch.process(batch(), context(), BatchConfig.defaults(), this::guardedEffect);
    }

    @Benchmark
    public SQSBatchResponse idempotentParallel() {
        return Batch.process(batch(), context(), BatchConfig.defaults().parallel(), this::guardedEffect);
    }

    @Benchmark
    public SQSBatchResponse duplicatesSequential() {
        return Batch.process(duplicates, context(), BatchConfig.defaults(), this::guardedEffect);
    }

    private void guardedEffect(SQSEvent.SQSMessage message) throws NoSuchAlgorithmException {
        idempotency.run(IdempotentCall.of(message.getMessageId()), String.class, () -> effect(message.getBody()));
    }

    /** The message's work: small and CPU-only, so the measurement is the guard's cost. */
    private static String effect(String body) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    private SQSEvent batch() {
        var records = new ArrayList<SQSEvent.SQSMessage>();
        var number = batches.incrementAndGet();
        for (int i = 0; i < BATCH_SIZE; i++) {
            var message = new SQSEvent.SQSMessage();
            message.setMessageId("batch-" + number + "-" + i + "-" + UUID.randomUUID());
            message.setBody("{\"postId\":\"p-" + number + "-" + i + "\",\"version\":1}");
            message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:bench");
            records.add(message);
        }
        var event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static TestContext context() {
        return TestContext.forFunction("IdempotencyBenchmark");
    }
}
