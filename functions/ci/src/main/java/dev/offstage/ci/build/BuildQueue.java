package dev.offstage.ci.build;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The builds queue. A message names a build, {@code {"buildId": "..."}}: the build record is the
 * truth, so a message never carries stale details. The message attribute {@code correlationId}
 * (the webhook's delivery id) follows the build into the runner's logs.
 *
 * <p>Thread-safe. Needs {@code sqs:SendMessage} on the queue.
 */
public final class BuildQueue {

    /** What a build id may look like: the delivery ids GitHub sends are GUIDs. */
    static final Pattern BUILD_ID = Pattern.compile("[0-9a-z-]{1,64}");

    private final SqsClient sqs;
    private final String queueUrl;

    public BuildQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    /** Queues the build for the runner. */
    public void send(Build build) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl)
                .messageBody(Json.write(Map.of("buildId", build.id())))
                .messageAttributes(Map.of("correlationId", MessageAttributeValue.builder()
                        .dataType("String").stringValue(build.request().deliveryId()).build())));
    }

    /**
     * The build id a message names.
     *
     * @throws IllegalArgumentException when the body is not such a message (it cannot succeed on retry)
     */
    public static String buildId(String body) {
        JsonNode message;
        try {
            message = Json.tree(body == null ? "" : body);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException("Build message is not JSON: " + e.getMessage(), e);
        }
        var id = message.path("buildId");
        if (!id.isTextual() || !BUILD_ID.matcher(id.asText()).matches()) {
            throw new IllegalArgumentException("Build message has no valid buildId (lower-case letters, digits, '-'): " + abbreviate(body));
        }
        return id.asText();
    }

    /** Whether {@code text} has the shape of a build id. */
    public static boolean isBuildId(String text) {
        return text != null && BUILD_ID.matcher(text).matches();
    }

    /** The build id for a webhook delivery: one delivery, one build, however often it is retried. */
    public static String buildIdFor(String deliveryId) {
        var id = deliveryId.toLowerCase(java.util.Locale.ROOT);
        if (!BUILD_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a delivery id GitHub sends: " + abbreviate(deliveryId));
        }
        return id;
    }

    private static String abbreviate(String text) {
        return text == null ? "null" : text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
