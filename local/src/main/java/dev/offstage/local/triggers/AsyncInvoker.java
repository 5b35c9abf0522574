package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambda's asynchronous invocation ({@code InvocationType=Event}), as S3 notifications use it:
 * the event is accepted at once into the function's event queue and invoked in the background,
 * with the function's {@code EventInvokeConfig} ({@link AsyncConfig}).
 *
 * <ul>
 *   <li>A function error, timeout or init error is retried up to {@code MaximumRetryAttempts}
 *       times; Lambda waits one minute before the first retry and two before the second (the
 *       delay doubles: {@link Timing#firstRetryDelay()}).</li>
 *   <li>A throttled invocation is retried with exponential backoff
 *       ({@link Timing#throttleBackoff()} up to {@link Timing#maxThrottleBackoff()}) and does not
 *       count as an attempt.</li>
 *   <li>An event older than {@code MaximumEventAge} when its next attempt is due is not invoked
 *       again ({@code EventAgeExceeded}); one whose retries are spent is done
 *       ({@code RetriesExhausted}). Either goes to the {@code OnFailure} destination with the
 *       invocation record Lambda sends (version 1.0: {@code requestContext},
 *       {@code requestPayload}, {@code responseContext}, {@code responsePayload}); without one it
 *       is logged at ERROR with the reason. A success goes to {@code OnSuccess}, when set.</li>
 *   <li>Destinations: SQS queues and Lambda functions of the template (the latter invoked
 *       asynchronously in turn). SNS and EventBridge are not emulated: the record is logged at
 *       ERROR instead.</li>
 * </ul>
 *
 * <p>An event keeps one request id across its retries, as in Lambda: the one {@link #invoke} returns,
 * the function's {@code Context} reports on every attempt and the destination record names. Thread-safe.
 * {@link #close()} abandons events still waiting for a retry (logged with their count).
 */
public final class AsyncInvoker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncInvoker.class);
    private static final DateTimeFormatter RECORD_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The delays of Lambda's retry machinery.
     *
     * @param firstRetryDelay the wait after a first failed attempt; it doubles for each further
     *     retry (Lambda: 1 min, then 2 min)
     * @param throttleBackoff the first wait after a throttled invocation; it doubles for each
     *     further throttle of the same event (Lambda: 1 s)
     * @param maxThrottleBackoff the longest wait after a throttle (Lambda: 5 min)
     */
    public record Timing(Duration firstRetryDelay, Duration throttleBackoff, Duration maxThrottleBackoff) {

        public Timing {
            Objects.requireNonNull(firstRetryDelay, "firstRetryDelay");
            Objects.requireNonNull(throttleBackoff, "throttleBackoff");
            Objects.requireNonNull(maxThrottleBackoff, "maxThrottleBackoff");
        }

        /** Lambda's own delays, the local runtime's defaults: what a developer sees is what AWS does. */
        public static Timing lambda() {
            return new Timing(Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMinutes(5));
        }

        Duration retryDelay(int failedAttempts) {
            return firstRetryDelay.multipliedBy(1L << Math.min(20, failedAttempts - 1));
        }

        Duration throttleDelay(int throttles) {
            var delay = throttleBackoff.multipliedBy(1L << Math.min(20, throttles - 1));
            return delay.compareTo(maxThrottleBackoff) > 0 ? maxThrottleBackoff : delay;
        }
    }

    private final Application application;
    private final Invoker invoker;
    private final SqsClient sqs;
    private final Timing timing;
    private final ScheduledExecutorService timer;
    private final ExecutorService attempts;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Chaos chaos;

    /**
     * @param sqs the client for SQS destinations
     */
    public AsyncInvoker(Application application, Invoker invoker, SqsClient sqs, Timing timing) {
        this(application, invoker, sqs, timing, Chaos.NONE);
    }

    /**
     * As the other constructor, with {@code chaos} on accepted events: some accepted twice (two
     * events, two request ids, as a duplicated S3 notification arrives), some delayed 0–2 s so that
     * later events overtake them.
     */
    public AsyncInvoker(Application application, Invoker invoker, SqsClient sqs, Timing timing, Chaos chaos) {
        this.chaos = chaos;
        this.application = application;
        this.invoker = invoker;
        this.sqs = sqs;
        this.timing = timing;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("async-invoke-timer").factory());
        this.attempts = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("async-invoke-", 0).factory());
    }

    /**
     * Accepts an event for asynchronous invocation and returns at once with its request id, as
     * Lambda answers {@code 202 Accepted}.
     *
     * @param trigger what sent the event, for the invocation log (e.g. {@code s3:uploads})
     * @throws IllegalArgumentException when the application has no such function
     * @throws IllegalStateException after {@link #close()}
     */
    public String invoke(String functionLogicalId, byte[] eventJson, String trigger) {
        var function = application.functions().get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("No function " + functionLogicalId + " in the application");
        }
        var event = new PendingEvent(function, eventJson.clone(), trigger, UUID.randomUUID().toString(), Instant.now());
        pending.incrementAndGet();
        schedule(event, chaosDelay(event));
        if (chaos.duplicate(functionLogicalId)) {
            var twin = new PendingEvent(function, event.payload, trigger, UUID.randomUUID().toString(), event.accepted);
            pending.incrementAndGet();
            chaos.record(ChaosKind.DUPLICATE, functionLogicalId, "accepted " + trigger + " for " + functionLogicalId
                    + " twice (request " + event.requestId + " and " + twin.requestId + ")");
            schedule(twin, chaosDelay(twin));
        }
        return event.requestId;
    }

    private Duration chaosDelay(PendingEvent event) {
        if (!chaos.reorder(event.function.logicalId())) {
            return Duration.ZERO;
        }
        var delay = chaos.between(Duration.ZERO, Duration.ofSeconds(2));
        chaos.record(ChaosKind.REORDER, event.function.logicalId(), "delayed request " + event.requestId + " of "
                + event.function.logicalId() + " by " + delay.toMillis() + " ms");
        return delay;
    }

    /** Events accepted and not yet done (invoking, or waiting for a retry). */
    public int pendingEvents() {
        return pending.get();
    }

    private void schedule(PendingEvent event, Duration delay) {
        try {
            timer.schedule(() -> {
                try {
                    attempts.submit(() -> attempt(event));
                } catch (RejectedExecutionException closing) {
                    pending.decrementAndGet();
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            pending.decrementAndGet();
            throw new IllegalStateException("The asynchronous invoker is closed", closing);
        }
    }

    private void attempt(PendingEvent event) {
        var config = event.function.async();
        if (Duration.between(event.accepted, Instant.now()).compareTo(config.maximumEventAge()) > 0) {
            finish(event, Condition.EVENT_AGE_EXCEEDED);
            return;
        }
        Invocation invocation;
        try {
            invocation = invoker.invoke(event.function.logicalId(), event.payload,
                    event.trigger + " (async, attempt " + (event.invocations + 1) + ")", event.requestId);
        } catch (RuntimeException e) {
            LOG.error("Invoking {} asynchronously failed; treating it as a function error", event.function.logicalId(), e);
            invocation = new Invocation(event.function.logicalId(), "", Invocation.Outcome.FUNCTION_ERROR, new byte[0],
                    e.getClass().getName(), String.valueOf(e.getMessage()), List.of(), Duration.ZERO);
        }
        event.last = invocation;
        if (invocation.outcome() != Invocation.Outcome.THROTTLED) {
            event.invocations++;
        }
        switch (invocation.outcome()) {
            case SUCCESS -> finish(event, Condition.SUCCESS);
            case THROTTLED -> {
                event.throttles++;
                retry(event, timing.throttleDelay(event.throttles));
            }
            case FUNCTION_ERROR, TIMEOUT, INIT_ERROR -> {
                if (event.invocations > config.maximumRetryAttempts()) {
                    finish(event, Condition.RETRIES_EXHAUSTED);
                } else {
                    retry(event, timing.retryDelay(event.invocations));
                }
            }
        }
    }

    private void retry(PendingEvent event, Duration delay) {
        try {
            schedule(event, delay);
        } catch (IllegalStateException closed) {
            LOG.warn("Abandoning the retry of {} request {}: the runtime is stopping", event.function.logicalId(),
                    event.requestId);
        }
    }

    private void finish(PendingEvent event, Condition condition) {
        try {
            var config = event.function.async();
            var destination = condition == Condition.SUCCESS ? config.onSuccess() : config.onFailure();
            if (destination.isEmpty()) {
                if (condition != Condition.SUCCESS) {
                    LOG.atError().addKeyValue("function", event.function.logicalId())
                            .addKeyValue("requestId", event.requestId).addKeyValue("condition", condition.value)
                            .addKeyValue("attempts", event.invocations)
                            .log("Dropped the asynchronous event for {} ({}, {} attempts) — no OnFailure destination: {}",
                                    event.function.logicalId(), condition.value, event.invocations,
                                    new String(event.payload, StandardCharsets.UTF_8));
                }
                return;
            }
            send(destination.get(), record(event, condition), event);
        } finally {
            pending.decrementAndGet();
        }
    }

    private void send(AsyncConfig.Destination destination, ObjectNode record, PendingEvent event) {
        var text = Json.write(record);
        try {
            switch (destination.type()) {
                case "SQS" -> {
                    var url = queueUrls.computeIfAbsent(destination.arn(), this::queueUrl);
                    sqs.sendMessage(request -> request.queueUrl(url).messageBody(text));
                }
                case "Lambda" -> invoke(destination.logicalId(), text.getBytes(StandardCharsets.UTF_8),
                        "destination of " + event.function.logicalId());
                default -> LOG.error("{} destinations are not emulated locally; the record for {} request {} was: {}",
                        destination.type(), event.function.logicalId(), event.requestId, text);
            }
        } catch (RuntimeException e) {
            LOG.error("Could not send the invocation record of {} request {} to {} {}: {}", event.function.logicalId(),
                    event.requestId, destination.type(), destination.arn(), text, e);
        }
    }

    private String queueUrl(String queueArn) {
        var name = queueArn.substring(queueArn.lastIndexOf(':') + 1);
        return sqs.getQueueUrl(request -> request.queueName(name)).queueUrl();
    }

    /** The invocation record Lambda sends to destinations. */
    private ObjectNode record(PendingEvent event, Condition condition) {
        var record = NODES.objectNode();
        record.put("version", "1.0");
        record.put("timestamp", RECORD_TIME.format(Instant.now()));
        var context = record.putObject("requestContext");
        context.put("requestId", event.requestId);
        context.put("functionArn", functionArn(event.function) + ":$LATEST");
        context.put("condition", condition.value);
        context.put("approximateInvokeCount", event.invocations);
        record.set("requestPayload", jsonOrText(event.payload));
        var last = event.last;
        if (last != null) {
            var response = record.putObject("responseContext");
            response.put("statusCode", last.outcome() == Invocation.Outcome.THROTTLED ? 429 : 200);
            response.put("executedVersion", "$LATEST");
            switch (last.outcome()) {
                case SUCCESS -> record.set("responsePayload", jsonOrText(last.payload()));
                case THROTTLED -> record.set("responsePayload", error("TooManyRequestsException", "Rate Exceeded."));
                case FUNCTION_ERROR, TIMEOUT, INIT_ERROR -> {
                    response.put("functionError", "Unhandled");
                    var payload = jsonOrText(last.payload());
                    record.set("responsePayload", payload.isObject() ? payload : error(last.errorType(), last.errorMessage()));
                }
            }
        }
        return record;
    }

    static String functionArn(FunctionSpec function) {
        return "arn:aws:lambda:" + Emulators.REGION + ":" + Emulators.ACCOUNT_ID + ":function:" + function.functionName();
    }

    private static ObjectNode error(String type, String message) {
        var error = NODES.objectNode();
        error.put("errorMessage", message);
        error.put("errorType", type);
        return error;
    }

    private static JsonNode jsonOrText(byte[] bytes) {
        if (bytes.length == 0) {
            return NODES.nullNode();
        }
        try {
            var node = Json.mapper().readTree(bytes);
            return node == null ? NODES.nullNode() : node;
        } catch (IOException notJson) {
            return NODES.textNode(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Stops the retry timer; events waiting for a retry are abandoned. Idempotent. */
    @Override
    public void close() {
        var abandoned = timer.shutdownNow().size();
        attempts.shutdown();
        try {
            if (!attempts.awaitTermination(5, TimeUnit.SECONDS)) {
                attempts.shutdownNow();
            }
        } catch (InterruptedException e) {
            attempts.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (abandoned > 0) {
            LOG.warn("Stopped with {} asynchronous events waiting for a retry; they are dropped", abandoned);
        }
    }

    private enum Condition {
        SUCCESS("Success"), RETRIES_EXHAUSTED("RetriesExhausted"), EVENT_AGE_EXCEEDED("EventAgeExceeded");

        final String value;

        Condition(String value) {
            this.value = value;
        }
    }

    /** An event in the function's queue; touched by one attempt at a time. */
    private static final class PendingEvent {
        final FunctionSpec function;
        final byte[] payload;
        final String trigger;
        final String requestId;
        final Instant accepted;
        volatile int invocations;
        volatile int throttles;
        volatile Invocation last;

        PendingEvent(FunctionSpec function, byte[] payload, String trigger, String requestId, Instant accepted) {
            this.function = function;
            this.payload = payload;
            this.trigger = trigger;
            this.requestId = requestId;
            this.accepted = accepted;
        }
    }
}
