package dev.offstage.ci.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.ci.CiStack;
import dev.offstage.ci.Webhooks;
import dev.offstage.ci.build.BuildStatus;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook function's logic, configured as template.yaml configures GitHubWebhookFunction,
 * fed the sample events of {@code events/} (what {@code sam local invoke -e} sends).
 */
@ExtendWith(EmulatorsExtension.class)
class WebhookIntakeTest {

    private static final String PUSH_DELIVERY = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    private final CiStack stack;
    private final WebhookIntake intake;

    WebhookIntakeTest(Emulators emulators) {
        this.stack = new CiStack(emulators);
        this.intake = stack.setup("GitHubWebhookFunction").webhookIntake();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private APIGatewayV2HTTPResponse deliver(APIGatewayV2HTTPEvent event) {
        return ApiResponses.handle(event, intake::receive);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        return Json.tree(response.getBody());
    }

    @Test
    void signedPushQueuesOneBuild() {
        var response = deliver(Webhooks.load(Webhooks.PUSH));

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("status").asText()).isEqualTo("queued");
        assertThat(body(response).get("buildId").asText()).isEqualTo(PUSH_DELIVERY);
        assertThat(body(response).get("url").asText())
                .isEqualTo("https://abc123.execute-api.us-east-1.amazonaws.com/builds/" + PUSH_DELIVERY);
        var build = stack.buildStore().find(PUSH_DELIVERY).orElseThrow();
        assertThat(build.status()).isEqualTo(BuildStatus.QUEUED);
        assertThat(build.request().sha()).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
        assertThat(build.pageUrl()).isEqualTo(body(response).get("url").asText());
        var messages = stack.drain("BuildsQueue");
        assertThat(messages).hasSize(1);
        assertThat(Json.tree(messages.getFirst().body()).get("buildId").asText()).isEqualTo(PUSH_DELIVERY);
        assertThat(messages.getFirst().messageAttributes().get("correlationId").stringValue()).isEqualTo(PUSH_DELIVERY);
    }

    @Test
    void redeliveredWebhookQueuesNothing() {
        var first = deliver(Webhooks.load(Webhooks.PUSH));
        var again = deliver(Webhooks.load(Webhooks.PUSH));

        assertThat(again.getStatusCode()).isEqualTo(202);
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(stack.drain("BuildsQueue")).hasSize(1);
    }

    @Test
    void redeliveryLongAfterTheBuildRanQueuesNothing() {
        deliver(Webhooks.load(Webhooks.PUSH));
        stack.drain("BuildsQueue");
        var store = stack.buildStore();
        store.start(PUSH_DELIVERY, stack.clock.instant());
        store.finish(PUSH_DELIVERY, BuildStatus.SUCCEEDED, "Passed", 0, null, List.of(), stack.clock.instant());
        // Past the idempotency record's expiry: only the build record remembers the delivery.
        stack.testClock().advance(Duration.ofDays(2));

        var response = deliver(Webhooks.load(Webhooks.PUSH));

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("status").asText()).isEqualTo("duplicate");
        assertThat(stack.drain("BuildsQueue")).isEmpty();
        assertThat(store.find(PUSH_DELIVERY).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void signedPullRequestFromAForkQueuesABuildMarkedFork() {
        var response = deliver(Webhooks.load(Webhooks.PULL_REQUEST));

        assertThat(response.getStatusCode()).isEqualTo(202);
        var build = stack.buildStore().find(body(response).get("buildId").asText()).orElseThrow();
        assertThat(build.request().fork()).isTrue();
        assertThat(build.request().pullRequest()).isEqualTo(42);
        assertThat(stack.drain("BuildsQueue")).hasSize(1);
    }

    @Test
    void badSignatureIsUnauthorizedAndQueuesNothing() {
        var response = deliver(Webhooks.load(Webhooks.BAD_SIGNATURE));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("unauthorized");
        assertThat(stack.buildStore().find("c0ffee00-cc7a-11e3-9d7e-0a1b2c3d4e5f")).isEmpty();
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void missingSignatureIsUnauthorized() {
        var response = deliver(Webhooks.withHeader(Webhooks.load(Webhooks.PUSH), "x-hub-signature-256", null));

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(body(response).at("/error/message").asText()).contains("X-Hub-Signature-256 is missing");
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void signatureOfAnotherBodyIsUnauthorized() {
        var event = Webhooks.load(Webhooks.PUSH);
        var other = Webhooks.delivery(Webhooks.PUSH, PUSH_DELIVERY, payload -> payload.put("ref", "refs/heads/evil"));
        event.getHeaders().put("x-hub-signature-256", other.getHeaders().get("x-hub-signature-256"));

        assertThat(deliver(event).getStatusCode()).isEqualTo(401);
    }

    @Test
    void bodyOverGitHubsCapIsTooLarge() {
        var event = Webhooks.signed(Webhooks.PUSH, "d-huge", new byte[25 * 1024 * 1024 + 1]);

        var response = deliver(event);

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void pushNearGitHubsCapIsQueued() {
        // GitHub caps payloads at 25 MB; big pushes carry many commits with long messages.
        var event = Webhooks.delivery(Webhooks.PUSH, "d-large", payload -> {
            var commits = payload.putArray("commits");
            var commit = (ObjectNode) payload.get("head_commit");
            var message = "Ünïcödé commit message line 🚀 ".repeat(1000);
            for (var i = 0; i < 640; i++) {
                commits.add(commit.deepCopy().put("message", message + i));
            }
        });
        assertThat(Webhooks.payload(event).toString().getBytes(StandardCharsets.UTF_8).length).isBetween(20_000_000, 25 * 1024 * 1024);

        var response = deliver(event);

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(stack.drain("BuildsQueue")).hasSize(1);
    }

    @Test
    void signedBodyThatIsNotJsonIsABadRequest() {
        var response = deliver(Webhooks.signed(Webhooks.PUSH, "d-text", "hello, not json".getBytes(StandardCharsets.UTF_8)));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void signedEmptyBodyIsABadRequest() {
        assertThat(deliver(Webhooks.signed(Webhooks.PUSH, "d-empty", new byte[0])).getStatusCode()).isEqualTo(400);
    }

    @Test
    void deeplyNestedJsonIsABadRequest() {
        var nested = "[".repeat(100_000) + "]".repeat(100_000);

        var response = deliver(Webhooks.signed(Webhooks.PUSH, "d-nested", nested.getBytes(StandardCharsets.UTF_8)));

        assertThat(response.getStatusCode()).isEqualTo(400);
    }

    @Test
    void pushWithoutRepositoryIsABadRequestAndQueuesNothing() {
        var response = deliver(Webhooks.delivery(Webhooks.PUSH, "d-norepo", payload -> payload.remove("repository")));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/message").asText()).contains("repository");
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void missingEventOrDeliveryHeaderIsABadRequest() {
        var noEvent = Webhooks.withHeader(Webhooks.load(Webhooks.PUSH), "x-github-event", null);
        var noDelivery = Webhooks.withHeader(Webhooks.load(Webhooks.PUSH), "x-github-delivery", null);

        assertThat(deliver(noEvent).getStatusCode()).isEqualTo(400);
        assertThat(deliver(noDelivery).getStatusCode()).isEqualTo(400);
    }

    @Test
    void pingIsOk() {
        var event = Webhooks.signed(Webhooks.PUSH, "d-ping", "{\"zen\":\"Design for failure.\",\"hook_id\":1}".getBytes(StandardCharsets.UTF_8));
        Webhooks.withHeader(event, "x-github-event", "ping");

        var response = deliver(event);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response).get("status").asText()).isEqualTo("pong");
    }

    @Test
    void unknownEventIsAcceptedAndIgnoredWithTheReason() {
        var event = Webhooks.withHeader(Webhooks.delivery(Webhooks.PUSH, "d-star", payload -> {}), "x-github-event", "star");

        var response = deliver(event);

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("status").asText()).isEqualTo("ignored");
        assertThat(body(response).get("reason").asText()).contains("'star'");
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void formEncodedPayloadIsQueuedToo() {
        var json = Webhooks.payload(Webhooks.load(Webhooks.PUSH)).toString();
        var form = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        var event = Webhooks.withHeader(Webhooks.signed(Webhooks.PUSH, "d-form", form), "content-type", "application/x-www-form-urlencoded");

        var response = deliver(event);

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("buildId").asText()).isEqualTo("d-form");
    }

    @Test
    void deliveryBeingHandledRightNowIsAConflict() {
        // Another invocation holds the delivery (GitHub and a manual redelivery racing).
        var table = stack.resources.table("IdempotencyTable").name();
        var heldUntil = stack.clock.instant().plusSeconds(60);
        stack.aws.dynamoDb().putItem(put -> put.tableName(table).item(java.util.Map.of(
                "id", AttributeValue.fromS("github-delivery:" + PUSH_DELIVERY),
                "status", AttributeValue.fromS("INPROGRESS"),
                "expiration", AttributeValue.fromN(Long.toString(heldUntil.getEpochSecond() + 3600)),
                "in_progress_expiration", AttributeValue.fromN(Long.toString(heldUntil.toEpochMilli())),
                "owner", AttributeValue.fromS("another-invocation"))));

        var response = deliver(Webhooks.load(Webhooks.PUSH));

        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("in_progress");
        assertThat(stack.drain("BuildsQueue")).isEmpty();
    }

    @Test
    void olderPushDeliveredLateDoesNotSupersedeTheNewerOne() {
        deliver(Webhooks.delivery(Webhooks.PUSH, "d-newer", payload -> {
            payload.put("after", "b".repeat(40));
            ((ObjectNode) payload.get("repository")).put("pushed_at", 1795764100);
        }));
        stack.testClock().advance(Duration.ofMinutes(5));

        deliver(Webhooks.delivery(Webhooks.PUSH, "d-older", payload -> ((ObjectNode) payload.get("repository")).put("pushed_at", 1795764000)));

        var request = stack.buildStore().find("d-older").orElseThrow().request();
        assertThat(stack.buildStore().head(request.supersedeKey())).contains("d-newer");
        assertThat(stack.drain("BuildsQueue")).hasSize(2);
    }

    @Test
    void newerPushToTheSameBranchBecomesItsHead() {
        deliver(Webhooks.load(Webhooks.PUSH));
        stack.testClock().advance(Duration.ofSeconds(5));
        deliver(Webhooks.delivery(Webhooks.PUSH, "d-newer", payload -> payload.put("after", "a".repeat(40))));

        var request = stack.buildStore().find(PUSH_DELIVERY).orElseThrow().request();
        assertThat(stack.buildStore().head(request.supersedeKey())).contains("d-newer");
    }
}
