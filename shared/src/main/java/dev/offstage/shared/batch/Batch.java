package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
        var messages = messagesOf(event);
        var failures = new ArrayList<BatchItemFailure>();
        for (var message : messages) {
            if (!succeeds(message, handler)) {
                failures.add(new BatchItemFailure(message.getMessageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }

    private static boolean succeeds(SQSMessage message, RecordHandler handler) {
        try (var ignored = MessageLogContext.enter(message)) {
            try {
                handler.handle(message);
                return true;
            } catch (Exception | StackOverflowError e) {
                LOG.error("SQS message {} failed; reported for retry", message.getMessageId(), e);
                return false;
            }
        }
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
}
