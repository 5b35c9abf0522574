package dev.offstage.posts.fanout;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.posts.intake.PostIntake;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.batch.BatchConfig;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The posts queue's consumer: checks each event and sends it on to every consumer's queue
 * (index, spam, analytics), each with its own retry policy and dead-letter queue.
 *
 * <p>A message whose event breaks the contract fails every time and ends in the posts
 * dead-letter queue, its reason logged. A send that fails fails the message: the retry sends to
 * all queues again, and the consumers absorb the duplicates that makes. Thread-safe.
 */
public final class FanOut {

    private final SqsClient sqs;
    private final List<String> queueUrls;
    private final BatchConfig batch;

    public FanOut(SqsClient sqs, List<String> queueUrls, BatchConfig batch) {
        this.sqs = sqs;
        this.queueUrls = List.copyOf(queueUrls);
        this.batch = batch;
    }

    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, batch, message -> {
            var post = PostEventFormat.parse(message.getBody());
            for (var queueUrl : queueUrls) {
                PostIntake.send(sqs, queueUrl, post);
            }
        });
    }
}
