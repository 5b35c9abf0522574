package dev.offstage.local.triggers;

import dev.offstage.testing.LogCapture;
import static dev.offstage.local.triggers.TestApplications.application;
import static dev.offstage.local.triggers.TestApplications.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.QueueSpec;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

@ExtendWith(EmulatorsExtension.class)
class SqsPollerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Short polls and visibility timeouts keep the retry cycle to seconds. */
    private static final SqsPoller.Options FAST = new SqsPoller.Options(Duration.ofSeconds(1), 5, Duration.ofSeconds(5), Integer.MAX_VALUE);

    private final SqsClient sqs;
    private final FakeInvoker invoker = new FakeInvoker();
    private final List<SqsPoller> pollers = new ArrayList<>();

    @BeforeAll
    static void warmUpTheEventSerializer() {
        FakeInvoker.asLambdaEvent("{\"Records\":[]}", SQSEvent.class);
    }

    SqsPollerTest(Emulators emulators) {
        sqs = AwsClients.from(Environment.of(emulators.environment())).sqs();
    }

    @AfterEach
    void stop() {
        pollers.forEach(SqsPoller::close);
    }

    /** A queue with a dead-letter queue after {@code maxReceiveCount} receives. */
    private record Queues(QueueSpec spec, String url, String arn, String deadLetterUrl) {}

    /** Queues that redeliver a failed message after 2 s, so that retries take seconds. */
    private Queues retryingQueues(int maxReceiveCount) {
        return queues(maxReceiveCount, 2);
    }

    /** Queues whose messages do not reappear within a test (30 s visibility timeout). */
    private Queues queues() {
        return queues(5, 30);
    }

    private Queues queues(int maxReceiveCount, int visibilityTimeoutSeconds) {
        var name = EmulatorsExtension.uniqueName("mapping");
        var deadLetterUrl = sqs.createQueue(request -> request.queueName(name + "-dlq")).queueUrl();
        var deadLetterArn = arn(deadLetterUrl);
        var url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}")))
                .queueUrl();
        var spec = new QueueSpec("Work", name, false, false, Duration.ofSeconds(visibilityTimeoutSeconds), Duration.ofDays(4),
                Optional.of(new QueueSpec.Redrive("WorkDlq", maxReceiveCount)));
        return new Queues(spec, url, arn(url), deadLetterUrl);
    }

    private String arn(String url) {
        return sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private Application mapping(Queues queues, int batchSize, Duration window, boolean reportBatchItemFailures,
            OptionalInt maximumConcurrency) {
        var source = new EventSource.Sqs("Work", "Work", batchSize, window, reportBatchItemFailures, maximumConcurrency, true);
        return application(List.of(function("Worker", source)), List.of(queues.spec()), List.of());
    }

    private void start(Application application) {
        pollers.add(SqsPoller.start(application, invoker, sqs, FAST));
    }

    private Chaos startWithChaos(Application application, String plan) {
        var chaos = Chaos.of(ChaosPlan.parse(plan));
        pollers.add(SqsPoller.start(application, invoker, sqs, FAST, chaos));
        return chaos;
    }

    /** Waits (up to {@link #WAIT}) until {@code condition} holds. */
    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private void send(String url, String... bodies) {
        for (int start = 0; start < bodies.length; start += 10) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            for (int i = start; i < Math.min(bodies.length, start + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(bodies[i]).build());
            }
            sqs.sendMessageBatch(request -> request.queueUrl(url).entries(entries));
        }
    }

    /** Bodies arriving on a queue within {@link #WAIT}, until {@code count} have arrived; deletes them. */
    private List<String> drain(String url, int count) {
        var bodies = new ArrayList<String>();
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (bodies.size() < count && System.nanoTime() < deadline) {
            for (var message : sqs.receiveMessage(request -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
                    .messages()) {
                bodies.add(message.body());
                sqs.deleteMessage(request -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        return bodies;
    }

    private SQSEvent nextBatch(Duration timeout) throws InterruptedException {
        return FakeInvoker.asLambdaEvent(invoker.next("Worker", timeout), SQSEvent.class);
    }

    private static List<String> bodies(SQSEvent event) {
        return event.getRecords().stream().map(SQSEvent.SQSMessage::getBody).toList();
    }

    private int approximateMessages(String url) {
        var attributes = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    @Test
    void eventIsTheSqsEventLambdaSends() throws Exception {
        var queues = queues();
        invoker.on("Worker", event -> null);
        sqs.sendMessage(request -> request.queueUrl(queues.url()).messageBody("hello").messageAttributes(Map.of(
                "kind", MessageAttributeValue.builder().dataType("String").stringValue("greeting").build(),
                "blob", MessageAttributeValue.builder().dataType("Binary").binaryValue(SdkBytes.fromUtf8String("raw")).build())));

        start(mapping(queues, 10, Duration.ZERO, false, OptionalInt.empty()));

        var json = invoker.next("Worker", WAIT);
        var message = FakeInvoker.asLambdaEvent(json, SQSEvent.class).getRecords().getFirst();
        assertThat(message.getBody()).isEqualTo("hello");
        assertThat(message.getMessageId()).isNotBlank();
        assertThat(message.getReceiptHandle()).isNotBlank();
        assertThat(message.getEventSource()).isEqualTo("aws:sqs");
        assertThat(message.getEventSourceArn()).isEqualTo(queues.arn());
        assertThat(message.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(message.getMd5OfBody()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(message.getMd5OfMessageAttributes()).isNotBlank();
        assertThat(message.getAttributes()).containsEntry("ApproximateReceiveCount", "1")
                .containsKeys("SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        var kind = message.getMessageAttributes().get("kind");
        assertThat(kind.getStringValue()).isEqualTo("greeting");
        assertThat(kind.getDataType()).isEqualTo("String");
        assertThat(kind.getStringListValues()).isEmpty();
        assertThat(kind.getBinaryListValues()).isEmpty();
        var blob = message.getMessageAttributes().get("blob");
        assertThat(SdkBytes.fromByteBuffer(blob.getBinaryValue()).asUtf8String()).isEqualTo("raw");
        assertThat(blob.getDataType()).isEqualTo("Binary");
    }

    @Test
    void partialBatchFailureRetriesOnlyTheFailedMessageUntilItIsDeadLettered() throws Exception {
        var queues = retryingQueues(2);
        var handled = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        invoker.on("Worker", json -> {
            var event = FakeInvoker.asLambdaEvent(json, SQSEvent.class);
            var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
            for (var message : event.getRecords()) {
                handled.add(message.getBody());
                if (message.getBody().startsWith("bad")) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        });
        send(queues.url(), "ok-1", "bad-1", "ok-2");

        start(mapping(queues, 10, Duration.ZERO, true, OptionalInt.empty()));

        assertThat(drain(queues.deadLetterUrl(), 1)).containsExactly("bad-1");
        assertThat(handled).containsOnly("ok-1", "ok-2", "bad-1");
        assertThat(handled.stream().filter("bad-1"::equals).count()).isEqualTo(2);
        assertThat(handled.stream().filter(body -> body.startsWith("ok")).count()).isEqualTo(2);
        assertThat(approximateMessages(queues.url())).isZero();
    }

    @Test
    void thrownExceptionFailsTheWholeBatch() throws Exception {
        var queues = retryingQueues(2);
        var invocations = new AtomicInteger();
        invoker.on("Worker", json -> {
            invocations.incrementAndGet();
            throw new IllegalStateException("database down");
        });
        send(queues.url(), "a", "b");

        start(mapping(queues, 10, Duration.ZERO, true, OptionalInt.empty()));

        assertThat(drain(queues.deadLetterUrl(), 2)).containsExactlyInAnyOrder("a", "b");
        assertThat(invocations.get()).isEqualTo(2);
    }

    @Test
    void malformedPartialResponseFailsTheWholeBatch() throws Exception {
        var queues = retryingQueues(1);
        invoker.on("Worker", json -> Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "not-in-this-batch"))));
        send(queues.url(), "x", "y");

        start(mapping(queues, 10, Duration.ZERO, true, OptionalInt.empty()));

        assertThat(drain(queues.deadLetterUrl(), 2)).containsExactlyInAnyOrder("x", "y");
    }

    @Test
    void withoutReportBatchItemFailuresSuccessDeletesEverything() throws Exception {
        var queues = queues();
        // Without the response type, Lambda ignores what the function returns.
        invoker.on("Worker", json -> Map.of("batchItemFailures", List.of(Map.of("itemIdentifier", "whatever"))));
        send(queues.url(), "p", "q");

        start(mapping(queues, 10, Duration.ofSeconds(1), false, OptionalInt.empty()));

        assertThat(bodies(nextBatch(WAIT))).containsExactlyInAnyOrder("p", "q");
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (approximateMessages(queues.url()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(approximateMessages(queues.url())).isZero();
        assertThat(drain(queues.deadLetterUrl(), 0)).isEmpty();
    }

    @Test
    void batchSizeBoundsEachBatch() throws Exception {
        var queues = queues();
        invoker.on("Worker", json -> null);
        send(queues.url(), "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");

        start(mapping(queues, 5, Duration.ofSeconds(1), false, OptionalInt.empty()));

        var sizes = new ArrayList<Integer>();
        var all = new ArrayList<String>();
        while (all.size() < 12) {
            var batch = bodies(nextBatch(WAIT));
            sizes.add(batch.size());
            all.addAll(batch);
        }
        assertThat(sizes).allMatch(size -> size <= 5);
        assertThat(sizes.stream().sorted().toList()).containsExactly(2, 5, 5);
        assertThat(all).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
    }

    @Test
    void batchingWindowGathersMoreThanOneReceiveReturns() throws Exception {
        var queues = queues();
        invoker.on("Worker", json -> null);
        send(queues.url(), "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");

        start(mapping(queues, 50, Duration.ofSeconds(1), false, OptionalInt.empty()));

        assertThat(bodies(nextBatch(WAIT))).hasSize(12);
    }

    @Test
    void maximumConcurrencyBoundsBatchesInFlight() throws Exception {
        var queues = queues();
        var active = new AtomicInteger();
        var mostActive = new AtomicInteger();
        var twoActive = new CountDownLatch(2);
        invoker.on("Worker", json -> {
            mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            twoActive.countDown();
            // Holds each batch until two are in flight, so a third would show if the bound leaked.
            twoActive.await(5, TimeUnit.SECONDS);
            active.decrementAndGet();
            return null;
        });
        send(queues.url(), "1", "2", "3", "4", "5", "6");

        start(mapping(queues, 1, Duration.ZERO, false, OptionalInt.of(2)));

        var seen = new ArrayList<String>();
        while (seen.size() < 6) {
            seen.addAll(bodies(nextBatch(WAIT)));
        }
        assertThat(seen).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
        assertThat(mostActive.get()).isEqualTo(2);
    }

    @Test
    void batchesInFlightNeverOutnumberTheFunctionsEnvironments() throws Exception {
        var queues = queues();
        var active = new AtomicInteger();
        var mostActive = new AtomicInteger();
        var threeActive = new CountDownLatch(3);
        invoker.on("Worker", json -> {
            mostActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            threeActive.countDown();
            // Holds each batch a while, so a fourth batch in flight would show.
            threeActive.await(2, TimeUnit.SECONDS);
            active.decrementAndGet();
            return null;
        });
        send(queues.url(), "1", "2", "3", "4", "5", "6", "7", "8");

        // Five pollers' worth of batches (no MaximumConcurrency), but the function gets three environments.
        pollers.add(SqsPoller.start(mapping(queues, 1, Duration.ZERO, false, OptionalInt.empty()), invoker, sqs,
                new SqsPoller.Options(Duration.ofSeconds(1), 5, Duration.ofSeconds(5), 3)));

        var seen = new ArrayList<String>();
        while (seen.size() < 8) {
            seen.addAll(bodies(nextBatch(WAIT)));
        }
        assertThat(seen).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6", "7", "8");
        assertThat(mostActive.get()).isEqualTo(3);
    }

    @Test
    void disabledMappingDoesNotPoll() {
        var queues = queues();
        var source = new EventSource.Sqs("Work", "Work", 10, Duration.ZERO, false, OptionalInt.empty(), false);
        invoker.on("Worker", json -> null);
        send(queues.url(), "waiting");

        start(application(List.of(function("Worker", source)), List.of(queues.spec()), List.of()));

        assertThat(approximateMessages(queues.url())).isEqualTo(1);
        Collection<String> received = invoker.received("Worker");
        assertThat(received).isEmpty();
    }

    @Test
    void queueWhoseVisibilityTimeoutIsShorterThanTheFunctionTimeoutIsRefusedAsLambdaDoes() {
        var queues = queues();
        var source = new EventSource.Sqs("Work", "Work", 10, Duration.ZERO, false, OptionalInt.empty(), true);
        var slowFunction = function("Worker", Duration.ofSeconds(60), AsyncConfig.LAMBDA_DEFAULTS, source);

        assertThatThrownBy(() -> start(application(List.of(slowFunction), List.of(queues.spec()), List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Worker").hasMessageContaining(queues.spec().name())
                .hasMessageContaining("30 s").hasMessageContaining("60 s");
    }

    @Test
    void fifoMessageTheFunctionDoesNotReportAfterAFailedOneIsDeletedAsLambdaDoesAndWarned() throws Exception {
        LogCapture.start();
        var name = EmulatorsExtension.uniqueName("ordered") + ".fifo";
        var url = sqs.createQueue(request -> request.queueName(name).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, "2"))).queueUrl();
        var spec = new QueueSpec("Work", name, true, true, Duration.ofSeconds(2), Duration.ofDays(4), Optional.empty());
        var batches = new java.util.concurrent.ConcurrentLinkedQueue<List<String>>();
        invoker.on("Worker", json -> {
            var event = FakeInvoker.asLambdaEvent(json, SQSEvent.class);
            batches.add(bodies(event));
            // The first time, the function wrongly reports only a-1 although it skipped a-2 too.
            var failures = new ArrayList<SQSBatchResponse.BatchItemFailure>();
            if (batches.size() == 1) {
                event.getRecords().stream().filter(message -> message.getBody().equals("a-1")).forEach(
                        message -> failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId())));
            }
            return new SQSBatchResponse(failures);
        });
        for (var body : List.of("a-1", "a-2", "b-1")) {
            sqs.sendMessage(request -> request.queueUrl(url).messageBody(body).messageGroupId(body.substring(0, 1)));
        }
        var source = new EventSource.Sqs("Work", "Work", 10, Duration.ZERO, true, OptionalInt.empty(), true);

        start(application(List.of(function("Worker", source)), List.of(spec), List.of()));

        var first = nextBatch(WAIT);
        var second = nextBatch(WAIT);
        assertThat(bodies(first)).containsExactly("a-1", "a-2", "b-1");
        // Lambda deletes every message the response does not name, a-2 included: only a-1 returns.
        assertThat(bodies(second)).containsExactly("a-1");
        assertThat(LogCapture.lines()).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo(org.slf4j.event.Level.WARN);
            assertThat(line.message()).contains("FIFO group a", "order is lost");
        });
        assertThat(first.getRecords().getFirst().getAttributes()).containsEntry("MessageGroupId", "a")
                .containsKeys("SequenceNumber", "MessageDeduplicationId");
    }

    // ---- chaos ----------------------------------------------------------------------------------

    @Test
    void chaosDuplicateDeliversEveryMessageTwiceWithItsOwnIdAndTheQueueStillEndsEmpty() throws Exception {
        var queues = queues();
        var deliveries = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
        invoker.on("Worker", json -> {
            for (var message : FakeInvoker.asLambdaEvent(json, SQSEvent.class).getRecords()) {
                deliveries.computeIfAbsent(message.getMessageId() + " " + message.getBody(), id -> new AtomicInteger())
                        .incrementAndGet();
            }
            return null;
        });
        send(queues.url(), "one", "two", "three", "four");

        var chaos = startWithChaos(mapping(queues, 10, Duration.ZERO, false, OptionalInt.empty()),
                "seed=1;duplicate=1;functions=Worker");

        await(() -> chaos.counts().get(ChaosKind.DUPLICATE) == 4 && approximateMessages(queues.url()) == 0);
        assertThat(deliveries).hasSize(4);
        assertThat(deliveries.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(2));
        assertThat(deliveries.keySet().stream().map(key -> key.substring(key.indexOf(' ') + 1)))
                .containsExactlyInAnyOrder("one", "two", "three", "four");
        assertThat(chaos.counts().get(ChaosKind.DUPLICATE)).isEqualTo(4);
        assertThat(approximateMessages(queues.url())).isZero();
    }

    @Test
    void chaosRedeliverBringsAFailedBatchBackAfterItsDelayNotTheVisibilityTimeout() throws Exception {
        // Ten minutes of visibility timeout: without redeliver the retry would come long after WAIT.
        var queues = queues(5, 600);
        var attempts = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        invoker.on("Worker", json -> {
            var message = FakeInvoker.asLambdaEvent(json, SQSEvent.class).getRecords().getFirst();
            attempts.add(message.getAttributes().get("ApproximateReceiveCount"));
            if (attempts.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return null;
        });
        send(queues.url(), "retry me");

        startWithChaos(mapping(queues, 10, Duration.ZERO, false, OptionalInt.empty()), "seed=2;redeliver=1s");

        await(() -> attempts.size() >= 2 && approximateMessages(queues.url()) == 0);
        assertThat(attempts).containsExactly("1", "2");
        assertThat(approximateMessages(queues.url())).isZero();
    }

    @Test
    void chaosHoldBackAndShuffleReorderDeliveriesButEveryMessageIsProcessedAndDeleted() throws Exception {
        var queues = queues();
        var processed = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var receiveCounts = new java.util.concurrent.ConcurrentHashMap<String, String>();
        invoker.on("Worker", json -> {
            for (var message : FakeInvoker.asLambdaEvent(json, SQSEvent.class).getRecords()) {
                processed.add(message.getBody());
                receiveCounts.put(message.getBody(), message.getAttributes().get("ApproximateReceiveCount"));
            }
            return null;
        });
        var bodies = new String[30];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = "m" + i;
        }
        send(queues.url(), bodies);

        var chaos = startWithChaos(mapping(queues, 10, Duration.ZERO, false, OptionalInt.empty()), "seed=3;reorder=1");

        await(() -> processed.size() >= bodies.length && approximateMessages(queues.url()) == 0);
        assertThat(processed).containsExactlyInAnyOrder(bodies);
        var heldBack = chaos.counts().get(ChaosKind.HOLD_BACK);
        assertThat(heldBack).isPositive();
        // A held-back message was received, put back, and processed on a later receive.
        assertThat(receiveCounts.values().stream().filter(count -> !count.equals("1")).count()).isEqualTo(heldBack);
        assertThat(chaos.counts().get(ChaosKind.REORDER)).isPositive();
        assertThat(approximateMessages(queues.url())).isZero();
    }
}
