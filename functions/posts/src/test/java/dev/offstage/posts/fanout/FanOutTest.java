package dev.offstage.posts.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.PostsStack;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;

/** The posts queue's consumer, configured as template.yaml configures PostsFanOutFunction, fed events/posts-sqs-posts.json. */
@ExtendWith(EmulatorsExtension.class)
class FanOutTest {

    private static final List<String> CONSUMER_QUEUES = List.of("PostsIndexQueue", "PostsSpamQueue", "PostsAnalyticsQueue");

    private final PostsStack stack;
    private final FanOut fanOut;

    FanOutTest(Emulators emulators) {
        this.stack = new PostsStack(emulators);
        this.fanOut = stack.setup("PostsFanOutFunction").fanOut();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private SQSBatchResponse process(SQSEvent batch) {
        return fanOut.process(batch, PostsStack.context("PostsFanOutFunction"));
    }

    /** What the fan-out sends: each event in canonical form (a deletion's text, say, is normalised). */
    private static String canonical(SQSEvent.SQSMessage message) {
        return new String(PostEventFormat.write(PostEventFormat.parse(message.getBody())), StandardCharsets.UTF_8);
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }

    @Test
    void everyEventReachesEveryConsumerQueue() {
        var batch = PostsStack.sqs(PostsStack.SQS_POSTS);
        var sent = batch.getRecords().stream().map(FanOutTest::canonical).toList();

        var response = process(batch);

        assertThat(response.getBatchItemFailures()).isEmpty();
        for (var queue : CONSUMER_QUEUES) {
            var messages = stack.drain(queue);
            assertThat(bodies(messages)).as(queue).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(messages).as(queue).allSatisfy(message ->
                    assertThat(message.messageAttributes().get("correlationId").stringValue()).matches("p-\\d+:\\d+"));
        }
    }

    @Test
    void malformedMessageIsReportedAndTheOthersGoThrough() {
        var batch = PostsStack.sqs(PostsStack.SQS_POSTS);
        var bad = batch.getRecords().get(2);
        bad.setBody("{\"type\":\"post.updated\",\"postId\":\"p-1001\"}");
        var good = batch.getRecords().stream().filter(record -> record != bad).map(FanOutTest::canonical).toList();

        var response = process(batch);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(bad.getMessageId());
        for (var queue : CONSUMER_QUEUES) {
            assertThat(bodies(stack.drain(queue))).as(queue).containsExactlyInAnyOrderElementsOf(good);
        }
    }

    @Test
    void redeliveredBatchSendsAgainForTheConsumersToAbsorb() {
        process(PostsStack.sqs(PostsStack.SQS_POSTS));
        process(PostsStack.sqs(PostsStack.SQS_POSTS));

        assertThat(stack.drain("PostsIndexQueue")).hasSize(2 * PostsStack.sqs(PostsStack.SQS_POSTS).getRecords().size());
    }

    @Test
    void malformedEventSentToThePostsQueueEndsInItsDeadLetterQueue() {
        var body = "{\"type\":\"post.created\",\"postId\":\"p-1\",\"version\":\"one\"}";
        stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl("PostsQueue")).messageBody(body));

        var deliveries = 0;
        while (!stack.deliver("PostsQueue", this::process).getRecords().isEmpty()) {
            deliveries++;
            assertThat(deliveries).as("deliveries").isLessThanOrEqualTo(10);
        }

        assertThat(deliveries).isEqualTo(5); // PostsMaxReceiveCount's default
        assertThat(stack.drain("PostsDeadLetterQueue")).extracting(Message::body).containsExactly(body);
        for (var queue : CONSUMER_QUEUES) {
            assertThat(stack.drain(queue)).as(queue).isEmpty();
        }
    }
}
