package dev.offstage.shared.batch;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse.BatchItemFailure;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/** Sample events from {@code events/}, and small events built in code for the edge cases. */
final class TestEvents {

    private TestEvents() {}

    /** Four posts on a standard queue; the first and third carry a correlationId attribute. */
    static SQSEvent standardBatch() {
        return EventLoader.loadSQSEvent("events/sqs-batch.json");
    }

    /**
     * Five build requests on a FIFO queue, interleaving two message groups:
     * main, feature-search, main, feature-search, main.
     */
    static SQSEvent fifoBatch() {
        return EventLoader.loadSQSEvent("events/sqs-batch-fifo.json");
    }

    static List<String> messageIds(SQSEvent event) {
        return event.getRecords().stream().map(SQSMessage::getMessageId).toList();
    }

    static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(BatchItemFailure::getItemIdentifier).toList();
    }

    static SQSEvent eventOf(SQSMessage... messages) {
        var event = new SQSEvent();
        event.setRecords(Arrays.asList(messages));
        return event;
    }

    /** A standard-queue message with just an id and a body. */
    static SQSMessage message(String messageId) {
        var message = new SQSMessage();
        message.setMessageId(messageId);
        message.setBody("{\"postId\":\"" + messageId + "\"}");
        message.setEventSource("aws:sqs");
        message.setEventSourceArn("arn:aws:sqs:eu-west-1:123456789012:offstage-posts-spam");
        message.setAttributes(new HashMap<>());
        message.setMessageAttributes(new HashMap<>());
        return message;
    }

    /** A message with a MessageGroupId, on the queue {@code queueArn} (or without an ARN when null). */
    static SQSMessage groupedMessage(String messageId, String group, String queueArn) {
        var message = message(messageId);
        message.setEventSourceArn(queueArn);
        message.getAttributes().put("MessageGroupId", group);
        return message;
    }
}
