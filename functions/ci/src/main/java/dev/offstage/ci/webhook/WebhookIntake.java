package dev.offstage.ci.webhook;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.ci.build.Build;
import dev.offstage.ci.build.BuildQueue;
import dev.offstage.ci.build.BuildRequest;
import dev.offstage.ci.build.BuildStore;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiRequest;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.idempotency.Idempotency;
import dev.offstage.shared.idempotency.IdempotencyInProgressException;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.logging.LambdaLogging;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a GitHub webhook delivery into a queued build, and answers GitHub — in milliseconds: it
 * queues, it never builds.
 *
 * <ol>
 *   <li>body over the limit → 413; missing or wrong {@code X-Hub-Signature-256} → 401 (nothing is
 *       read before the signature is checked);</li>
 *   <li>missing {@code X-GitHub-Event} / {@code X-GitHub-Delivery}, a body that is not JSON, or a
 *       payload without the fields the decision needs → 400;</li>
 *   <li>{@code ping} → 200; events and actions that do not build → 202 {@code ignored} with the reason;</li>
 *   <li>a build → one QUEUED record, the branch's head pointer, one queue message → 202 {@code queued}
 *       with the build id and page.</li>
 * </ol>
 * A redelivery (same {@code X-GitHub-Delivery}) answers what the first delivery got and queues
 * nothing: the idempotency record covers the first hour, and since the build id is derived from
 * the delivery id, a later redelivery finds the record and queues nothing either. The same
 * delivery arriving while its first copy is being handled gets 409.
 *
 * <p>Thread-safe. Infrastructure failures propagate (→ 500; GitHub shows the failed delivery,
 * and its redelivery is safe).
 */
public final class WebhookIntake {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookIntake.class);
    private static final Pattern DELIVERY_ID = Pattern.compile("[0-9A-Za-z-]{1,64}");

    /** What the webhook answers for a build, stored for redeliveries. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Accepted(String status, String buildId, String url, String reason) {}

    private final Supplier<String> secret;
    private final WebhookEvents events;
    private final BuildStore store;
    private final BuildQueue queue;
    private final Idempotency idempotency;
    private final int maxBodyBytes;
    private final Optional<String> pagesUrl;
    private final Clock clock;

    /**
     * @param secret the webhook secret, asked for each delivery (the supplier caches; a rotated
     *     secret is picked up when its cache expires)
     * @param pagesUrl the build pages' base URL; empty: derived from the request (the API's own URL)
     */
    public WebhookIntake(Supplier<String> secret, WebhookEvents events, BuildStore store, BuildQueue queue,
            Idempotency idempotency, int maxBodyBytes, Optional<String> pagesUrl, Clock clock) {
        this.secret = secret;
        this.events = events;
        this.store = store;
        this.queue = queue;
        this.idempotency = idempotency;
        this.maxBodyBytes = maxBodyBytes;
        this.pagesUrl = pagesUrl;
        this.clock = clock;
    }

    /** Handles one delivery; see the class comment for the answers. */
    public APIGatewayV2HTTPResponse receive(ApiRequest request) {
        var body = request.bodyBytes(maxBodyBytes);
        var signature = request.header("X-Hub-Signature-256");
        if (signature.isEmpty()) {
            throw ApiException.unauthorized("X-Hub-Signature-256 is missing: set a secret on the GitHub webhook");
        }
        if (!new SignatureVerifier(secret.get()).verify(body, signature.get())) {
            LOG.warn("Webhook signature does not match; delivery {}", request.header("X-GitHub-Delivery").orElse("(none)"));
            throw ApiException.unauthorized("X-Hub-Signature-256 does not match the body and the webhook secret");
        }
        var event = request.header("X-GitHub-Event")
                .orElseThrow(() -> ApiException.badRequest("missing_header", "X-GitHub-Event is missing"));
        var deliveryId = request.header("X-GitHub-Delivery")
                .filter(id -> DELIVERY_ID.matcher(id).matches())
                .orElseThrow(() -> ApiException.badRequest("missing_header", "X-GitHub-Delivery is missing or malformed"));
        LambdaLogging.correlationId(deliveryId);

        var decision = events.decide(event, deliveryId, payload(request, body));
        return switch (decision) {
            case WebhookEvents.Pong pong -> {
                LOG.info("Ping from hook {}", pong.hookId());
                yield ApiResponses.json(200, new Accepted("pong", null, null, null));
            }
            case WebhookEvents.Ignore ignore -> {
                LOG.info("Delivery {} ({}) ignored: {}", deliveryId, event, ignore.reason());
                yield ApiResponses.json(202, new Accepted("ignored", null, null, ignore.reason()));
            }
            case WebhookEvents.Queue build -> {
                try {
                    yield ApiResponses.json(202, idempotency.run(
                            "github-delivery:" + deliveryId, Accepted.class, () -> queue(build.request(), request)));
                } catch (IdempotencyInProgressException e) {
                    throw new ApiException(409, "in_progress", "This delivery is being processed right now; redeliver it later");
                }
            }
        };
    }

    private Accepted queue(BuildRequest request, ApiRequest http) {
        var id = BuildQueue.buildIdFor(request.deliveryId());
        var url = pagesBase(http) + "/builds/" + id;
        var build = Build.queued(id, request, url, clock.instant());
        if (!store.create(build)) {
            LOG.info("Build {} already ran; delivery {} queues nothing", id, request.deliveryId());
            return new Accepted("duplicate", id, url, "this delivery's build already ran");
        }
        // Queued before it becomes its branch's head: a failed send must not leave a head that
        // supersedes the builds before it while never running itself.
        queue.send(build);
        store.markHead(build);
        LOG.info("Build {} queued: {} {} {}", id, request.repository().fullName(), request.label(), request.sha());
        return new Accepted("queued", id, url, null);
    }

    /** GitHub sends {@code payload=<JSON>} when the hook's content type is form-encoded. */
    private static JsonNode payload(ApiRequest request, byte[] body) {
        var contentType = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        byte[] json = body;
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            var form = new String(body, StandardCharsets.US_ASCII);
            json = java.util.Arrays.stream(form.split("&"))
                    .filter(pair -> pair.startsWith("payload="))
                    .findFirst()
                    .map(pair -> URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8))
                    .orElseThrow(() -> ApiException.badRequest("invalid_json", "The form body has no payload field"))
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (json.length == 0) {
            throw ApiException.badRequest("invalid_json", "The body is empty; GitHub sends a JSON payload");
        }
        try {
            return Json.read(json, JsonNode.class);
        } catch (InvalidJsonException e) {
            throw ApiException.badRequest("invalid_json", "The body is not valid JSON: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_json", "The form payload is not URL-encoded: " + e.getMessage());
        }
    }

    private String pagesBase(ApiRequest request) {
        if (pagesUrl.isPresent()) {
            return pagesUrl.get();
        }
        var context = request.event().getRequestContext();
        var domain = context == null || context.getDomainName() == null || !context.getDomainName().matches("[A-Za-z0-9.:\\[\\]-]+")
                ? "localhost" : context.getDomainName();
        // API Gateway sets these two (the local runtime too); anything odd falls back to HTTPS on 443.
        var proto = request.header("X-Forwarded-Proto").filter(value -> value.equals("http") || value.equals("https")).orElse("https");
        var port = request.header("X-Forwarded-Port").filter(value -> value.matches("[0-9]{1,5}"))
                .orElse(proto.equals("http") ? "80" : "443");
        var defaultPort = (proto.equals("http") && port.equals("80")) || (proto.equals("https") && port.equals("443"));
        var stage = context == null || context.getStage() == null || context.getStage().equals("$default") ? "" : "/" + context.getStage();
        return proto + "://" + domain + (defaultPort ? "" : ":" + port) + stage;
    }
}
