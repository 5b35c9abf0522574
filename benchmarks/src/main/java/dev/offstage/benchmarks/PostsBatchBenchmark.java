package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.posts.PostsSetup;
import dev.offstage.posts.analytics.AnalyticsConsumer;
import dev.offstage.posts.index.IndexConsumer;
import dev.offstage.posts.spam.SpamConsumer;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One SQS batch of 10 post events through each post consumer, warm and in-process, on
 * {@code template.yaml}'s resources provisioned in the emulators ({@link ProvisionedStack}); the
 * consumers are built by {@link PostsSetup} from the environment the template gives their
 * function. Every batch has fresh post ids, so every event is real work (a new post to index, to
 * score, to count).
 *
 * <p>Per consumer: <em>sequential</em>, built with {@code OFFSTAGE_BATCH_PARALLELISM=1};
 * <em>parallel4</em>, the same batch with four records at a time, each record through the same
 * consumer as a batch of one (what {@code Batch} with parallelism 4 does around the consumer's
 * record handler). The consumers call {@code Batch.process} without a {@link BatchConfig}, so
 * the environment's parallelism does not reach them; {@code indexParallelismFromEnvironment}
 * measures a consumer built with {@code OFFSTAGE_BATCH_PARALLELISM=4}, as the template sets it.
 * Baselines from the same emulators: 10 plain PutItems (sequential and four at a time) and the
 * batch with a handler that does nothing. Run with {@code scripts/bench-posts}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PostsBatchBenchmark {

    private static final int BATCH_SIZE = 10;
    private static final int PARALLELISM = 4;
    private static final BatchConfig SEQUENTIAL = BatchConfig.defaults();
    private static final BatchConfig PARALLEL = BatchConfig.defaults().withParallelism(PARALLELISM);

    private Emulators emulators;
    private ProvisionedStack stack;
    private TestContext context;
    private String analyticsTable;
    private IndexConsumer index;
    private IndexConsumer indexFromEnvironment4;
    private SpamConsumer spam;
    private AnalyticsConsumer analytics;
    private final AtomicLong counter = new AtomicLong();

    @Setup(Level.Trial)
    public void start() {
        emulators = Emulators.start();
        stack = new ProvisionedStack(emulators, Path.of("template.yaml"), Map.of());
        analyticsTable = stack.resources.table("PostsAnalyticsTable").name();
        context = TestContext.forFunction("PostsBatchBenchmark");
        index = setup("PostsIndexFunction", 1).indexConsumer();
        indexFromEnvironment4 = setup("PostsIndexFunction", PARALLELISM).indexConsumer();
        spam = setup("PostsSpamFunction", 1).spamConsumer();
        analytics = setup("PostsAnalyticsFunction", 1).analyticsConsumer();

        // Every case processes its batch without failures before anything is measured.
        indexSequential();
        indexParallel4();
        indexParallelismFromEnvironment();
        spamSequential();
        spamParallel4();
        analyticsSequential();
        analyticsParallel4();
    }

    @TearDown(Level.Trial)
    public void stop() {
        stack.close();
        emulators.close();
    }

    @Benchmark
    public SQSBatchResponse indexSequential() {
        return succeeded(index.process(batch(), context));
    }

    @Benchmark
    public SQSBatchResponse indexParallel4() {
        return parallel(batch(), event -> index.process(event, context));
    }

    /** Built from the environment with OFFSTAGE_BATCH_PARALLELISM=4, as the template configures PostsIndexFunction. */
    @Benchmark
    public SQSBatchResponse indexParallelismFromEnvironment() {
        return succeeded(indexFromEnvironment4.process(batch(), context));
    }

    @Benchmark
    public SQSBatchResponse spamSequential() {
        return succeeded(spam.process(batch(), context));
    }

    @Benchmark
    public SQSBatchResponse spamParallel4() {
        return parallel(batch(), event -> spam.process(event, context));
    }

    @Benchmark
    public SQSBatchResponse analyticsSequential() {
        return succeeded(analytics.process(batch(), context));
    }

    @Benchmark
    public SQSBatchResponse analyticsParallel4() {
        return parallel(batch(), event -> analytics.process(event, context));
    }

    /** Baseline: one plain PutItem per message, one after the other. */
    @Benchmark
    public SQSBatchResponse putItemsSequential() {
        return succeeded(Batch.process(batch(), context, SEQUENTIAL, message -> putItem()));
    }

    /** Baseline: one plain PutItem per message, four at a time. */
    @Benchmark
    public SQSBatchResponse putItemsParallel4() {
        return succeeded(Batch.process(batch(), context, PARALLEL, message -> putItem()));
    }

    /** Baseline: the batch and its events, no request. */
    @Benchmark
    public SQSBatchResponse noOpBatch() {
        return succeeded(Batch.process(batch(), context, SEQUENTIAL, message -> { }));
    }

    private PostsSetup setup(String function, int parallelism) {
        var environment = stack.environment(function)
                .with(Map.of("OFFSTAGE_BATCH_PARALLELISM", Integer.toString(parallelism)));
        return new PostsSetup(environment, stack.aws, Clock.systemUTC());
    }

    private void putItem() {
        stack.aws.dynamoDb().putItem(put -> put.tableName(analyticsTable).item(Map.of(
                "pk", AttributeValue.fromS("bench-put#" + counter.incrementAndGet()),
                "sk", AttributeValue.fromS("bench"),
                "count", AttributeValue.fromN("1"))));
    }

    /** Four records at a time, each through {@code consumer} as a batch of one. */
    private SQSBatchResponse parallel(SQSEvent event, Function<SQSEvent, SQSBatchResponse> consumer) {
        return succeeded(Batch.process(event, context, PARALLEL, message -> {
            var single = new SQSEvent();
            single.setRecords(List.of(message));
            if (!consumer.apply(single).getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("Message " + message.getMessageId() + " failed");
            }
        }));
    }

    /** Ten new posts by two authors, with hashtags, a mention and a link. */
    private SQSEvent batch() {
        var records = new ArrayList<SQSEvent.SQSMessage>(BATCH_SIZE);
        for (int i = 0; i < BATCH_SIZE; i++) {
            long number = counter.incrementAndGet();
            var message = new SQSEvent.SQSMessage();
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(PostEvents.created("bench-" + number + "-" + UUID.randomUUID(), "author_" + (number % 2), number));
            message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            message.setEventSourceArn("arn:aws:sqs:us-east-1:000000000000:bench-posts");
            records.add(message);
        }
        var event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    /** A failed message would make the numbers meaningless: fail the run instead. */
    private static SQSBatchResponse succeeded(SQSBatchResponse response) {
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException(response.getBatchItemFailures().size() + " of the batch failed");
        }
        return response;
    }
}
