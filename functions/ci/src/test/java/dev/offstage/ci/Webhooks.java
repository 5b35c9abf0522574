package dev.offstage.ci;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.ci.webhook.SignatureVerifier;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.function.Consumer;

/**
 * The sample webhook events of {@code events/} (what {@code sam local invoke -e} uses), their
 * payloads, and new deliveries made from them: changed, re-signed, given another delivery id.
 */
public final class Webhooks {

    /** The secret the events are signed with: the local runtime's default for GitHubWebhookSecret. */
    public static final String LOCAL_SECRET = TestSecrets.LOCAL_WEBHOOK_SECRET;

    public static final String PUSH = "events/github-push.json";
    public static final String PULL_REQUEST = "events/github-pull-request.json";
    public static final String BAD_SIGNATURE = "events/github-push-bad-signature.json";

    private Webhooks() {}

    public static APIGatewayV2HTTPEvent load(String file) {
        return EventLoader.loadApiGatewayHttpEvent(file);
    }

    /** The event's payload as a mutable tree. */
    public static ObjectNode payload(String file) {
        return (ObjectNode) payload(load(file));
    }

    public static JsonNode payload(APIGatewayV2HTTPEvent event) {
        var body = event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody())
                : event.getBody().getBytes(StandardCharsets.UTF_8);
        return Json.read(body, JsonNode.class);
    }

    /** A new delivery of {@code file}'s event kind: the payload changed by {@code change}, signed, with this delivery id. */
    public static APIGatewayV2HTTPEvent delivery(String file, String deliveryId, Consumer<ObjectNode> change) {
        var payload = payload(file);
        change.accept(payload);
        return signed(file, deliveryId, Json.write(payload).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code file}'s event with this body (base64, as API Gateway sends it), signed with the local secret. */
    public static APIGatewayV2HTTPEvent signed(String file, String deliveryId, byte[] body) {
        var event = load(file);
        var headers = new HashMap<>(event.getHeaders());
        headers.put("x-github-delivery", deliveryId);
        headers.put("x-hub-signature-256", new SignatureVerifier(LOCAL_SECRET).sign(body));
        headers.put("content-length", Integer.toString(body.length));
        event.setHeaders(headers);
        event.setBody(Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);
        return event;
    }

    /** Sets one header of {@code event} (or removes it, for {@code null}); returns the event. */
    public static APIGatewayV2HTTPEvent withHeader(APIGatewayV2HTTPEvent event, String name, String value) {
        var headers = new HashMap<>(event.getHeaders());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        event.setHeaders(headers);
        return event;
    }
}
