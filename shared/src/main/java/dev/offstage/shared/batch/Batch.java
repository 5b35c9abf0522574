package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes the messages of an SQS event one by one and answers with a partial batch response:
 * the messages whose handler threw are named in {@code batchItemFailures} and retried, the
 * others are deleted from the queue.
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
 * <p><b>FIFO queues.</b> When the event comes from a FIFO queue (its ARN ends in {@code .fifo}),
 * the messages of each message group run in their order and the first failure stops the group:
 * the failed message and every later message of its group are reported for retry, the later
 * ones without running, so that the retry delivers them again in order. Other groups carry on.
 * A standard queue with message group ids (a fair queue) has no order to keep and is not
 * treated this way.
 *
 * <p><b>Logging.</b> While a handler runs, the SLF4J MDC holds {@code sqs_message_id} and, when
 * the message has a String message attribute {@code correlationId}, {@code correlation_id}; both
 * are put back as they were afterwards. A failed message is logged at ERROR with its exception.
 * Message bodies are never logged: they may carry secrets.
 *
 * <p>Thread-safe and stateless.
 */
public final class Batch {

    private static final Logger LOG = LoggerFactory.getLogger(Batch.class);

    private Batch() {}

    /**
     * Runs {@code handler} for every message of {@code event}, in order, on the calling thread.
     *
     * @param event the event as Lambda delivered it; {@code null} or without records answers
     *     with no failures
     * @return the messages to retry; empty when every handler returned normally
     * @throws IllegalArgumentException when a record has no {@code messageId}, before any record
     *     is processed: a partial response cannot name such a record, so the whole batch must fail
     *     and be retried
     */
    public static SQSBatchResponse process(SQSEvent event, Context context, RecordHandler handler) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(handler, "handler");
        var run = new Run(messagesOf(event), handler);
        run.inOrder(run.allPositions());
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
    private enum Outcome { SUCCEEDED, FAILED, SKIPPED_AFTER_GROUP_FAILURE }

    /** One invocation's records and what became of each, by position in the event. */
    private static final class Run {
        private final List<SQSMessage> messages;
        private final RecordHandler handler;
        private final boolean fifo;
        private final Outcome[] outcomes;

        Run(List<SQSMessage> messages, RecordHandler handler) {
            this.messages = messages;
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
                outcomes[position] = attempt(message);
                if (fifo && outcomes[position] != Outcome.SUCCEEDED) {
                    stoppedGroups.add(group);
                }
            }
        }

        private Outcome attempt(SQSMessage message) {
            try (var _ = MessageLogContext.enter(message)) {
                try {
                    handler.handle(message);
                    return Outcome.SUCCEEDED;
                } catch (Exception | StackOverflowError e) {
                    LOG.error("SQS message {} failed; reported for retry", message.getMessageId(), e);
                    return Outcome.FAILED;
                }
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

    private static String messageGroupOf(SQSMessage message) {
        return message.getAttributes() == null ? null : message.getAttributes().get("MessageGroupId");
    }
}
