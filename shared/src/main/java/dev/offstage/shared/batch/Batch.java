package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a {@link RecordHandler} for each message of an SQS event and answers with a partial batch
 * response: the messages whose handler threw are named in {@code batchItemFailures} and retried,
 * the others are deleted from the queue.
 *
 * <pre>{@code
 * public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
 *     return Batch.process(event, context, message -> SPAM.score(PostEvent.parse(message.getBody())));
 * }
 * }</pre>
 *
 * <p>Lambda reads the response only when the event source mapping lists
 * {@code ReportBatchItemFailures} in its {@code FunctionResponseTypes}; without it, any returned
 * response counts as complete success and failed messages are lost.
 *
 * <p><b>Isolation.</b> A handler that throws an {@link Exception} or a {@link StackOverflowError}
 * (deeply nested input) fails its own message only. Any other {@link Error}, such as
 * {@link OutOfMemoryError}, propagates: the JVM may be unusable, and failing the invocation makes
 * Lambda retry the whole batch.
 *
 * <p><b>Parallel processing</b> is opt-in ({@link BatchConfig#parallelism()}): records run on
 * virtual threads, suited to handlers that wait on I/O. Each record's thread starts with the
 * caller's MDC. The response is the same as in sequential mode.
 *
 * <p><b>FIFO queues.</b> When the event comes from a FIFO queue (its ARN ends in {@code .fifo}),
 * the messages of each message group run in their order and the first failure stops the group:
 * the failed message and every later message of its group are reported for retry, the later
 * ones without running, so that the retry delivers them again in order. Other groups carry on;
 * in parallel mode, groups run at once while each group runs one message after the other.
 * A standard queue with message group ids (a fair queue) has no order to keep and is not
 * treated this way.
 *
 * <p><b>Poison messages.</b> A message that fails again and again is poison: its
 * {@code ApproximateReceiveCount} attribute grows with every delivery. When a message fails on
 * receive {@link BatchConfig#poisonReceiveCount()} or later, a WARN line says so, with the
 * message id, the receive count and the last error. It is still reported failed: the queue's
 * redrive policy ({@code maxReceiveCount}) moves it to the dead-letter queue, which keeps the
 * body for inspection and redrive; deleting it here would lose it.
 *
 * <p><b>Deadline.</b> When Lambda times out, the whole batch fails and comes back, successes
 * included. With a {@link BatchConfig#deadlineReserve()}, records that would start with less than
 * that left of the invocation ({@link Context#getRemainingTimeInMillis()}) are reported for retry
 * without running, and the function answers in time. Off by default.
 *
 * <p><b>Logging.</b> While a handler runs, the SLF4J MDC holds {@code sqs_message_id} and, when
 * the message has a String message attribute {@code correlationId}, {@code correlation_id}; both
 * are put back as they were afterwards. A failed message is logged at ERROR with its exception
 * and receive count. Message bodies are never logged: they may carry secrets.
 *
 * <p>Thread-safe and stateless.
 */
public final class Batch {

    private static final Logger LOG = LoggerFactory.getLogger(Batch.class);

    private Batch() {}

    /**
     * Runs {@code handler} for every message of {@code event}, in order, on the calling thread:
     * {@link #process(SQSEvent, Context, BatchConfig, RecordHandler)} with
     * {@link BatchConfig#defaults()}.
     *
     * @param event the event as Lambda delivered it; {@code null} or without records answers
     *     with no failures
     * @return the messages to retry; empty when every handler returned normally
     * @throws IllegalArgumentException when a record has no {@code messageId}, before any record
     *     is processed: a partial response cannot name such a record, so the whole batch must fail
     *     and be retried
     */
    public static SQSBatchResponse process(SQSEvent event, Context context, RecordHandler handler) {
        return process(event, context, BatchConfig.defaults(), handler);
    }

    /**
     * Runs {@code handler} for every message of {@code event} as {@code config} says: one after
     * the other on the calling thread, or several at once on virtual threads. The response is the
     * same either way, its failures in event order; the call returns when every handler has.
     *
     * @param event the event as Lambda delivered it; {@code null} or without records answers
     *     with no failures
     * @param context the invocation's context, whose remaining time the deadline reserve watches
     * @param config read once at init, see {@link BatchConfig#from}
     * @return the messages to retry; empty when every handler returned normally
     * @throws IllegalArgumentException when a record has no {@code messageId}, before any record
     *     is processed: a partial response cannot name such a record, so the whole batch must fail
     *     and be retried
     */
    public static SQSBatchResponse process(SQSEvent event, Context context, BatchConfig config, RecordHandler handler) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        var run = new Run(messagesOf(event), context, config, handler);
        if (config.parallelism() == 1) {
            run.inOrder(run.allPositions());
        } else {
            run.inParallel(config.parallelism());
        }
        run.logNotStarted();
        run.logStoppedGroups();
        return run.response();
    }

    private static List<SQSMessage> messagesOf(SQSEvent event) {
        var messages = event == null || event.getRecords() == null ? List.<SQSMessage>of() : event.getRecords();
        for (int i = 0; i < messages.size(); i++) {
            var message = messages.get(i);
            // Lambda fails the whole batch when a batchItemFailures entry has no valid id; failing
            // it here, before anything runs, retries the batch without having half-processed it.
            if (message == null || message.getMessageId() == null || message.getMessageId().isBlank()) {
                throw new IllegalArgumentException("SQS record " + (i + 1) + " of " + messages.size()
                        + " has no messageId, so a partial batch response cannot name it; failing the whole batch");
            }
        }
        return messages;
    }

    /** What became of one record. Everything but {@link #SUCCEEDED} is reported for retry. */
    private enum Outcome { SUCCEEDED, FAILED, SKIPPED_AFTER_GROUP_FAILURE, NOT_STARTED_NEAR_DEADLINE }

    /** One invocation's records and what became of each, by position in the event. */
    private static final class Run {
        private final List<SQSMessage> messages;
        private final Context context;
        private final BatchConfig config;
        private final RecordHandler handler;
        private final boolean fifo;
        private final Outcome[] outcomes;

        Run(List<SQSMessage> messages, Context context, BatchConfig config, RecordHandler handler) {
            this.messages = messages;
            this.context = context;
            this.config = config;
            this.handler = handler;
            this.fifo = messages.stream().anyMatch(Batch::fromFifoQueue);
            this.outcomes = new Outcome[messages.size()];
        }

        List<Integer> allPositions() {
            return IntStream.range(0, messages.size()).boxed().toList();
        }

        /**
         * Runs the records at {@code positions} one after the other. On a FIFO queue the first
         * failure stops its message group: later records of the group are not run, only reported,
         * so that the retry delivers them again in their order.
         */
        void inOrder(List<Integer> positions) {
            var stoppedGroups = new HashSet<String>();
            for (int position : positions) {
                var message = messages.get(position);
                var group = fifo ? messageGroupOf(message) : null;
                if (fifo && stoppedGroups.contains(group)) {
                    outcomes[position] = Outcome.SKIPPED_AFTER_GROUP_FAILURE;
                    continue;
                }
                outcomes[position] = nearDeadline() ? Outcome.NOT_STARTED_NEAR_DEADLINE : attempt(message);
                if (fifo && outcomes[position] != Outcome.SUCCEEDED) {
                    stoppedGroups.add(group);
                }
            }
        }

        /**
         * Runs the lanes on at most {@code parallelism} virtual threads, each taking the next lane
         * when it is done with one: a lane is a record, or on a FIFO queue a message group, whose
         * records stay in order.
         */
        void inParallel(int parallelism) {
            var lanes = new ConcurrentLinkedQueue<>(lanes());
            int workers = Math.min(parallelism, lanes.size());
            // The caller's MDC (request id, ...) is handed over explicitly: MDC adapters keep it in
            // plain thread locals, which a new thread does not see.
            var callerMdc = MDC.getCopyOfContextMap();
            var threads = Thread.ofVirtual().name("sqs-batch-", 1).inheritInheritableThreadLocals(false).factory();
            try (var executor = Executors.newThreadPerTaskExecutor(threads)) {
                var running = new ArrayList<Future<?>>();
                for (int worker = 0; worker < workers; worker++) {
                    running.add(executor.submit(() -> {
                        if (callerMdc != null) {
                            MDC.setContextMap(callerMdc);
                        }
                        try {
                            for (var lane = lanes.poll(); lane != null; lane = lanes.poll()) {
                                inOrder(lane);
                            }
                        } finally {
                            MDC.clear();
                        }
                    }));
                }
                for (var worker : running) {
                    awaitWorker(worker);
                }
            }
        }

        private List<List<Integer>> lanes() {
            if (!fifo) {
                return allPositions().stream().map(List::of).toList();
            }
            var groups = new LinkedHashMap<String, List<Integer>>();
            for (int position = 0; position < messages.size(); position++) {
                groups.computeIfAbsent(messageGroupOf(messages.get(position)), group -> new ArrayList<>()).add(position);
            }
            return List.copyOf(groups.values());
        }

        private boolean nearDeadline() {
            var reserve = config.deadlineReserve();
            return !reserve.isZero() && context.getRemainingTimeInMillis() < reserve.toMillis();
        }

        private Outcome attempt(SQSMessage message) {
            try (var _ = MessageLogContext.enter(message)) {
                try {
                    handler.handle(message);
                    return Outcome.SUCCEEDED;
                } catch (Exception | StackOverflowError e) {
                    logFailure(message, e);
                    return Outcome.FAILED;
                }
            }
        }

        private void logFailure(SQSMessage message, Throwable error) {
            var receiveCount = receiveCountOf(message);
            LOG.error("SQS message {} failed (receive count {}); reported for retry", message.getMessageId(),
                    receiveCount.isPresent() ? receiveCount.getAsInt() : "unknown", error);
            if (receiveCount.isPresent() && receiveCount.getAsInt() >= config.poisonReceiveCount()) {
                // Reported failed all the same: the queue's redrive policy, not this code, moves
                // it to the dead-letter queue, where it keeps its body for inspection and redrive.
                LOG.warn("Poison SQS message {}: failed on receive {} (poison from receive {}), last error: {}; "
                        + "the queue's redrive policy moves it to the dead-letter queue",
                        message.getMessageId(), receiveCount.getAsInt(), config.poisonReceiveCount(), error.toString());
            }
        }

        void logNotStarted() {
            long notStarted = Arrays.stream(outcomes).filter(Outcome.NOT_STARTED_NEAR_DEADLINE::equals).count();
            if (notStarted > 0) {
                LOG.warn("{} of {} SQS message(s) not started: less than the deadline reserve of {} ms was left "
                        + "of the invocation; reported for retry", notStarted, messages.size(),
                        config.deadlineReserve().toMillis());
            }
        }

        /** One line per FIFO message group that stopped early, naming where and how many it held back. */
        void logStoppedGroups() {
            if (!fifo) {
                return;
            }
            var stopped = new LinkedHashMap<String, String>();
            var heldBack = new HashMap<String, Integer>();
            for (int position = 0; position < messages.size(); position++) {
                var group = messageGroupOf(messages.get(position));
                if (outcomes[position] == Outcome.SKIPPED_AFTER_GROUP_FAILURE) {
                    heldBack.merge(group, 1, Integer::sum);
                } else if (outcomes[position] != Outcome.SUCCEEDED) {
                    stopped.putIfAbsent(group, messages.get(position).getMessageId());
                }
            }
            stopped.forEach((group, messageId) -> {
                if (heldBack.containsKey(group)) {
                    LOG.warn("Message group {} stopped at SQS message {}: {} later message(s) of the group not processed, "
                            + "reported for retry to keep their order", group, messageId, heldBack.get(group));
                }
            });
        }

        SQSBatchResponse response() {
            var failures = new ArrayList<BatchItemFailure>();
            for (int position = 0; position < messages.size(); position++) {
                if (outcomes[position] != Outcome.SUCCEEDED) {
                    failures.add(new BatchItemFailure(messages.get(position).getMessageId()));
                }
            }
            return new SQSBatchResponse(failures);
        }
    }

    /** Waits for a worker; an {@link Error} it could not isolate fails the whole invocation. */
    private static void awaitWorker(Future<?> worker) {
        try {
            worker.get();
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case Error error -> throw error;
                case RuntimeException exception -> throw exception;
                case Throwable other -> throw new IllegalStateException("SQS batch worker failed", other);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while SQS messages were being processed", e);
        }
    }

    /**
     * The queue's ARN decides: standard queues accept a MessageGroupId too (fair queues), without
     * any ordering. Only events without an ARN (hand-made ones) fall back to the attribute.
     */
    private static boolean fromFifoQueue(SQSMessage message) {
        var arn = message.getEventSourceArn();
        if (arn != null && !arn.isBlank()) {
            return arn.endsWith(".fifo");
        }
        return messageGroupOf(message) != null;
    }

    /**
     * The message's {@code ApproximateReceiveCount}: 1 on first delivery, empty when absent or
     * malformed. For handlers that act on a message's last delivery before its dead-letter queue.
     */
    public static OptionalInt receiveCountOf(SQSMessage message) {
        var value = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static String messageGroupOf(SQSMessage message) {
        return message.getAttributes() == null ? null : message.getAttributes().get("MessageGroupId");
    }
}
