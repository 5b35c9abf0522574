package dev.offstage.e2e;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.ci.Webhooks;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * GitHub's side of the CI end-to-end tests: signed webhook deliveries, sent to the local HTTP API
 * as GitHub sends them.
 */
public final class CiDeliveries {

    private CiDeliveries() {}

    /** A signed push of {@code sha} to {@code branch} of the sample event's repository ({@code octo-org/hello-offstage}). */
    public static APIGatewayV2HTTPEvent push(String deliveryId, String branch, String sha) {
        return Webhooks.delivery(Webhooks.PUSH, deliveryId, payload -> pushTo(payload, branch, sha));
    }

    /**
     * A signed push of {@code sha} to {@code branch} of {@code repository} ({@code owner/name}),
     * which GitHub says happened at {@code pushedAt} (what decides which push of a branch is newer).
     */
    public static APIGatewayV2HTTPEvent push(String deliveryId, String repository, String branch, String sha, Instant pushedAt) {
        return Webhooks.delivery(Webhooks.PUSH, deliveryId, payload -> {
            pushTo(payload, branch, sha);
            var owner = repository.substring(0, repository.indexOf('/'));
            var name = repository.substring(repository.indexOf('/') + 1);
            var fields = (ObjectNode) payload.get("repository");
            fields.put("full_name", repository).put("name", name).put("pushed_at", pushedAt.getEpochSecond());
            ((ObjectNode) fields.get("owner")).put("login", owner).put("name", owner);
        });
    }

    /**
     * The request GitHub makes for {@code event}: its GitHub headers and the bytes of its body, to
     * {@code POST /github/webhook}. Like GitHub, it gives up after a while (here: once the
     * function's 30 s timeout has passed).
     */
    public static HttpRequest request(URI httpApi, APIGatewayV2HTTPEvent event) {
        var body = Base64.getDecoder().decode(event.getBody());
        var request = HttpRequest.newBuilder(URI.create(httpApi + "/github/webhook")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(40));
        for (var header : event.getHeaders().entrySet()) {
            if (header.getKey().startsWith("x-github-") || header.getKey().startsWith("x-hub-") || header.getKey().equals("content-type")
                    || header.getKey().equals("user-agent")) {
                request.header(header.getKey(), header.getValue());
            }
        }
        return request.build();
    }

    private static void pushTo(ObjectNode payload, String branch, String sha) {
        payload.put("ref", "refs/heads/" + branch).put("after", sha);
        ((ObjectNode) payload.get("head_commit")).put("id", sha);
    }
}
