package dev.offstage.posts.intake;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.posts.event.InvalidPostEventException;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@code POST /posts}: checks a post event against the contract (docs/post-events.md) and puts it
 * on the posts queue, where it joins the events applications send there directly.
 *
 * <p>413 over 256 KB, 400 naming the violated field, 202 once queued; a queue failure propagates
 * (500: nothing was accepted, the caller retries). Thread-safe.
 */
public final class PostIntake {

    private static final Logger LOG = LoggerFactory.getLogger(PostIntake.class);

    private final SqsClient sqs;
    private final String queueUrl;

    public PostIntake(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public APIGatewayV2HTTPResponse receive(ApiRequest request) {
        PostEvent event;
        try {
            event = PostEventFormat.parse(request.bodyBytes(PostEventFormat.MAX_EVENT_BYTES));
        } catch (InvalidPostEventException e) {
            throw e.toApiException();
        }
        send(sqs, queueUrl, event);
        LOG.info("Post {} version {} ({}) accepted", event.postId(), event.version(), event.type().wireName());
        var answer = new LinkedHashMap<String, Object>();
        answer.put("status", "accepted");
        answer.put("postId", event.postId());
        answer.put("version", event.version());
        return ApiResponses.json(202, answer);
    }

    /** Sends the event's canonical JSON, with {@code postId:version} as the correlation id every hop logs. */
    public static void send(SqsClient sqs, String queueUrl, PostEvent event) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl)
                .messageBody(new String(PostEventFormat.write(event), StandardCharsets.UTF_8))
                .messageAttributes(Map.of("correlationId", MessageAttributeValue.builder()
                        .dataType("String").stringValue(event.postId() + ":" + event.version()).build())));
    }
}
