package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import java.util.Optional;
import org.slf4j.MDC;

/**
 * Names the message being processed in the logging MDC for the duration of one handler call:
 * {@code sqs_message_id} always, {@code correlation_id} when the message carries a String message
 * attribute {@code correlationId}. Closing puts back what the thread had before, so nothing of
 * one message leaks into the log lines of the next.
 */
final class MessageLogContext implements AutoCloseable {

    static final String MESSAGE_ID_KEY = "sqs_message_id";
    static final String CORRELATION_ID_KEY = "correlation_id";
    static final String CORRELATION_ID_ATTRIBUTE = "correlationId";

    private final String previousMessageId;
    private final String previousCorrelationId;

    private MessageLogContext(SQSMessage message) {
        previousMessageId = MDC.get(MESSAGE_ID_KEY);
        previousCorrelationId = MDC.get(CORRELATION_ID_KEY);
        MDC.put(MESSAGE_ID_KEY, message.getMessageId());
        correlationId(message).ifPresent(id -> MDC.put(CORRELATION_ID_KEY, id));
    }

    static MessageLogContext enter(SQSMessage message) {
        return new MessageLogContext(message);
    }

    @Override
    public void close() {
        restore(MESSAGE_ID_KEY, previousMessageId);
        restore(CORRELATION_ID_KEY, previousCorrelationId);
    }

    private static Optional<String> correlationId(SQSMessage message) {
        var attributes = message.getMessageAttributes();
        var attribute = attributes == null ? null : attributes.get(CORRELATION_ID_ATTRIBUTE);
        // Custom String types ("String.uuid") are Strings too.
        if (attribute == null || attribute.getDataType() == null || !attribute.getDataType().startsWith("String")
                || attribute.getStringValue() == null || attribute.getStringValue().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(attribute.getStringValue());
    }

    private static void restore(String key, String previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
