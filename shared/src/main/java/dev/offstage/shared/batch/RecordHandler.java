package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;

/**
 * The work to do for one SQS message, as handed to {@link Batch#process}.
 *
 * <p>Returning normally means the message is done: Lambda deletes it from the queue. Throwing
 * any exception fails this message only: it is named in the batch response, becomes visible
 * again when its visibility timeout ends, and is retried until the queue's redrive policy moves
 * it to the dead-letter queue. Since every message may be delivered more than once, the work
 * must be idempotent.
 *
 * <p>With a {@link BatchConfig#parallelism()} above 1 the handler is called from several virtual
 * threads at once and must be thread-safe; otherwise it is called on the thread that called
 * {@code Batch.process}, one message after the other.
 */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Processes one message.
     *
     * @throws Exception when the message could not be processed and should be retried
     */
    void handle(SQSMessage message) throws Exception;
}
