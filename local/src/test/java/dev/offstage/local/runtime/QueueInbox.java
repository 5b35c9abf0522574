package dev.offstage.local.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Everything that arrives on one queue, received and deleted as the tests wait, and kept: tests
 * that share a queue each find their own messages (by a tag in the body) without taking anyone
 * else's. Not thread-safe; the tests of a class run one after the other.
 */
final class QueueInbox {

    private final SqsClient sqs;
    private final String queueUrl;
    private final List<Message> received = new ArrayList<>();

    QueueInbox(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /**
     * The messages so far that match, once there are at least {@code count} of them.
     *
     * @throws AssertionError when fewer have arrived after {@code wait}
     */
    List<Message> await(Predicate<Message> matching, int count, Duration wait) {
        var deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            var found = received.stream().filter(matching).toList();
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Expected " + count + " matching message(s) on " + queueUrl + " within " + wait
                        + ", found " + found.size() + "; all received: "
                        + received.stream().map(Message::body).toList());
            }
            receive(1);
        }
    }

    /** The first message that matches, once it has arrived. @throws AssertionError after {@code wait} */
    Message awaitOne(Predicate<Message> matching, Duration wait) {
        return await(matching, 1, wait).getFirst();
    }

    /** Everything that matches of what is on the queue now, without waiting for more. */
    List<Message> current(Predicate<Message> matching) {
        // One receive returns at most 10 messages: receive until none is left.
        var count = receive(0);
        while (count > 0) {
            count = receive(0);
        }
        return received.stream().filter(matching).toList();
    }

    /** A message's body as JSON (what the fixture functions and Lambda's destinations send). */
    static JsonNode json(Message message) {
        return Json.tree(message.body());
    }

    private int receive(int waitSeconds) {
        var messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl)
                .maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
        if (messages.isEmpty()) {
            return 0;
        }
        received.addAll(messages);
        var entries = new ArrayList<DeleteMessageBatchRequestEntry>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle()).build());
        }
        sqs.deleteMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        return messages.size();
    }
}
