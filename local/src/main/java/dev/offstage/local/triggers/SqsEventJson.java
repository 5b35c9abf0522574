package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Builds the {@code SQSEvent} Lambda's SQS event source mapping sends: {@code Records[]} with
 * {@code messageId}, {@code receiptHandle}, {@code body}, {@code attributes} (the system attributes
 * SQS returned: {@code ApproximateReceiveCount}, {@code SentTimestamp}, {@code SenderId},
 * {@code ApproximateFirstReceiveTimestamp}, and for FIFO queues {@code SequenceNumber},
 * {@code MessageGroupId}, {@code MessageDeduplicationId}), {@code messageAttributes},
 * {@code md5OfBody}, {@code md5OfMessageAttributes} (when there are attributes),
 * {@code eventSource}, {@code eventSourceARN} and {@code awsRegion}. Public for
 * {@link dev.offstage.local.runtime.ProvisionedStack}, whose tests deliver the same events.
 */
public final class SqsEventJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SqsEventJson() {}

    /** The event for messages received from the queue with this ARN, in this region. */
    public static ObjectNode build(List<Message> messages, String queueArn, String region) {
        var event = NODES.objectNode();
        var records = event.putArray("Records");
        for (var message : messages) {
            var record = records.addObject();
            record.put("messageId", message.messageId());
            record.put("receiptHandle", message.receiptHandle());
            record.put("body", message.body());
            var attributes = record.putObject("attributes");
            message.attributesAsStrings().forEach(attributes::put);
            var messageAttributes = record.putObject("messageAttributes");
            message.messageAttributes().forEach((name, value) -> {
                var attribute = messageAttributes.putObject(name);
                if (value.stringValue() != null) {
                    attribute.put("stringValue", value.stringValue());
                }
                if (value.binaryValue() != null) {
                    attribute.put("binaryValue", base64(value.binaryValue()));
                }
                var strings = attribute.putArray("stringListValues");
                value.stringListValues().forEach(strings::add);
                var binaries = attribute.putArray("binaryListValues");
                value.binaryListValues().forEach(bytes -> binaries.add(base64(bytes)));
                attribute.put("dataType", value.dataType());
            });
            record.put("md5OfBody", message.md5OfBody());
            if (message.md5OfMessageAttributes() != null) {
                record.put("md5OfMessageAttributes", message.md5OfMessageAttributes());
            }
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
        }
        return event;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }
}
