package dev.offstage.video.segments;

import dev.offstage.shared.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * A queue of the video pipeline's work (segments, assembly): messages as JSON with the message
 * attribute {@code correlationId}, which the toolkit's batch handling puts in every log line of
 * the consumer. Thread-safe. Needs {@code sqs:SendMessage} on the queue; failures propagate.
 */
public final class VideoQueue {

    /** SQS's largest SendMessageBatch. */
    private static final int BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public VideoQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public void send(Object message, String correlationId) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl).messageBody(Json.write(message))
                .messageAttributes(attributes(correlationId)));
    }

    /**
     * Sends every message, ten per request.
     *
     * @throws IllegalStateException when SQS refused some of them (the caller retries them all:
     *                               consumers are idempotent)
     */
    public void sendAll(List<?> messages, String correlationId) {
        for (var from = 0; from < messages.size(); from += BATCH) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            for (var i = from; i < Math.min(messages.size(), from + BATCH); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(Json.write(messages.get(i))).messageAttributes(attributes(correlationId)).build());
            }
            var response = sqs.sendMessageBatch(send -> send.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                var failure = response.failed().getFirst();
                throw new IllegalStateException("SQS refused " + response.failed().size() + " of " + entries.size()
                        + " messages: " + failure.code() + " " + failure.message());
            }
        }
    }

    private static Map<String, MessageAttributeValue> attributes(String correlationId) {
        return Map.of("correlationId", MessageAttributeValue.builder().dataType("String").stringValue(correlationId).build());
    }
}
