package dev.offstage.local.triggers;

import static dev.offstage.local.triggers.TestApplications.application;
import static dev.offstage.local.triggers.TestApplications.function;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@ExtendWith(EmulatorsExtension.class)
class AsyncInvokerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Lambda's delays scaled down from minutes and seconds to milliseconds. */
    private static final AsyncInvoker.Timing FAST =
            new AsyncInvoker.Timing(Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(40));
    private static final byte[] EVENT = "{\"order\":42}".getBytes(StandardCharsets.UTF_8);

    private final SqsClient sqs;
    private final FakeInvoker invoker = new FakeInvoker();
    private AsyncInvoker async;

    AsyncInvokerTest(Emulators emulators) {
        sqs = AwsClients.from(Environment.of(emulators.environment())).sqs();
    }

    @AfterEach
    void stop() {
        if (async != null) {
            async.close();
        }
    }

    private record Queue(String url, AsyncConfig.Destination destination) {}

    private Queue destinationQueue() {
        var url = sqs.createQueue(request -> request.queueName(EmulatorsExtension.uniqueName("destination"))).queueUrl();
        var arn = sqs.getQueueAttributes(request -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return new Queue(url, new AsyncConfig.Destination("SQS", "Destination", arn));
    }

    private void start(AsyncConfig config) {
        async = new AsyncInvoker(application(function("Worker", config)), invoker, sqs, FAST);
    }

    private JsonNode nextRecord(Queue queue) {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var messages = sqs.receiveMessage(request -> request.queueUrl(queue.url()).waitTimeSeconds(1)).messages();
            if (!messages.isEmpty()) {
                return Json.tree(messages.getFirst().body());
            }
        }
        throw new AssertionError("No invocation record reached the destination within " + WAIT);
    }

    private void awaitNothingPending() throws InterruptedException {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (async.pendingEvents() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(async.pendingEvents()).isZero();
    }

    @Test
    void failingEventIsRetriedThenItsRecordGoesToTheOnFailureQueue() throws Exception {
        var onFailure = destinationQueue();
        invoker.on("Worker", event -> {
            throw new IllegalStateException("payment service down");
        });
        start(new AsyncConfig(2, Duration.ofHours(6), Optional.of(onFailure.destination()), Optional.empty()));

        var requestId = async.invoke("Worker", EVENT, "test");

        var record = nextRecord(onFailure);
        assertThat(invoker.received("Worker")).hasSize(3).containsOnly("{\"order\":42}");
        assertThat(record.path("version").asText()).isEqualTo("1.0");
        assertThat(record.path("timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        var context = record.path("requestContext");
        assertThat(context.path("requestId").asText()).isEqualTo(requestId);
        // Every attempt runs under the event's one request id, as Lambda's retries do.
        assertThat(invoker.requestIds("Worker")).containsExactly(requestId, requestId, requestId);
        assertThat(context.path("functionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:offstage-test-Worker:$LATEST");
        assertThat(context.path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(context.path("approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.path("requestPayload")).isEqualTo(Json.tree("{\"order\":42}"));
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(200);
        assertThat(record.path("responseContext").path("executedVersion").asText()).isEqualTo("$LATEST");
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("responsePayload").path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(record.path("responsePayload").path("errorMessage").asText()).isEqualTo("payment service down");
    }

    @Test
    void eventThatSucceedsOnARetryIsNotSentToOnFailure() throws Exception {
        var onFailure = destinationQueue();
        var calls = new AtomicInteger();
        invoker.on("Worker", event -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("flaky");
            }
            return "done";
        });
        start(new AsyncConfig(2, Duration.ofHours(6), Optional.of(onFailure.destination()), Optional.empty()));

        async.invoke("Worker", EVENT, "test");

        awaitNothingPending();
        assertThat(calls.get()).isEqualTo(2);
        assertThat(sqs.receiveMessage(request -> request.queueUrl(onFailure.url())).messages()).isEmpty();
    }

    @Test
    void throttlesAreRetriedWithoutCountingAsAttemptsAndSuccessGoesToOnSuccess() throws Exception {
        var onSuccess = destinationQueue();
        var calls = new AtomicInteger();
        invoker.on("Worker", event -> calls.incrementAndGet() <= 3 ? FakeInvoker.throttled() : "{\"ok\":true}");
        // No retries allowed: three throttles still end in a success.
        start(new AsyncConfig(0, Duration.ofHours(6), Optional.empty(), Optional.of(onSuccess.destination())));

        async.invoke("Worker", EVENT, "test");

        var record = nextRecord(onSuccess);
        assertThat(calls.get()).isEqualTo(4);
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("Success");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(1);
        assertThat(record.path("responseContext").has("functionError")).isFalse();
        assertThat(record.path("responsePayload").asText()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void eventOlderThanMaximumEventAgeGoesToOnFailureAsEventAgeExceeded() throws Exception {
        var onFailure = destinationQueue();
        invoker.on("Worker", event -> FakeInvoker.throttled());
        start(new AsyncConfig(2, Duration.ofMillis(200), Optional.of(onFailure.destination()), Optional.empty()));

        async.invoke("Worker", EVENT, "test");

        var record = nextRecord(onFailure);
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("EventAgeExceeded");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isZero();
        assertThat(record.path("responseContext").path("statusCode").asInt()).isEqualTo(429);
    }

    @Test
    void withoutDestinationAnExhaustedEventIsDroppedAfterItsRetries() throws Exception {
        invoker.on("Worker", event -> {
            throw new IllegalStateException("always");
        });
        start(new AsyncConfig(1, Duration.ofHours(6), Optional.empty(), Optional.empty()));

        async.invoke("Worker", EVENT, "test");

        awaitNothingPending();
        assertThat(invoker.received("Worker")).hasSize(2);
    }

    @Test
    void lambdaDestinationIsInvokedAsynchronouslyWithTheRecord() throws Exception {
        invoker.on("Worker", event -> {
            throw new IllegalStateException("broken");
        });
        invoker.on("Janitor", event -> null);
        var toJanitor = new AsyncConfig.Destination("Lambda", "Janitor",
                "arn:aws:lambda:us-east-1:000000000000:function:offstage-test-Janitor");
        async = new AsyncInvoker(application(
                function("Worker", new AsyncConfig(0, Duration.ofHours(6), Optional.of(toJanitor), Optional.empty())),
                function("Janitor")), invoker, sqs, FAST);

        async.invoke("Worker", EVENT, "test");

        var record = Json.tree(invoker.next("Janitor", WAIT));
        assertThat(record.path("requestContext").path("condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.path("requestContext").path("approximateInvokeCount").asInt()).isEqualTo(1);
        assertThat(List.copyOf(invoker.received("Worker"))).hasSize(1);
    }
}
