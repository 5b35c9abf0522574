package dev.offstage.ci;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.offstage.ci.pages.BuildPages;
import dev.offstage.ci.runner.BuildConfig;
import dev.offstage.ci.webhook.SignatureVerifier;
import dev.offstage.ci.webhook.WebhookEvents;
import dev.offstage.ci.webhook.WebhookIntake;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.idempotency.IdempotencyConfig;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Primes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each CI function's first request does, done once before a SnapStart snapshot (see
 * {@link dev.offstage.shared.priming.Priming}). Nothing here reads a secret (the webhook secret and
 * the GitHub credentials stay out of the snapshot), queues a build or writes a record.
 */
public final class CiPrimes {

    /** A push as GitHub sends it, trimmed; never queued (only decided on). */
    static final String SAMPLE_PUSH = """
            {"ref":"refs/heads/main","before":"1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e","after":"6dcb09b5b57875f334f61aebed695e2e4193db5e","repository":{"id":812345678,"name":"hello-offstage","full_name":"octo-org/hello-offstage","private":false,"owner":{"login":"octo-org","id":9919,"type":"Organization"},"html_url":"https://github.com/octo-org/hello-offstage","fork":false,"default_branch":"main","pushed_at":1795754200},"pusher":{"name":"mona","email":"mona@example.com"},"sender":{"login":"mona","id":583231,"type":"User"},"created":false,"deleted":false,"forced":false,"base_ref":null,"head_commit":{"id":"6dcb09b5b57875f334f61aebed695e2e4193db5e","message":"Priming the webhook path","timestamp":"2026-11-27T08:30:00+01:00","author":{"name":"Mona Lisa Octocat","email":"mona@example.com","username":"mona"}}}
            """;

    /** A build config as a repository holds it. */
    static final String SAMPLE_CONFIG = """
            commands:
              - ./gradlew test
              - echo done
            artifacts:
              - build/reports/**
            timeout: 5m
            env:
              CI: "true"
            """;

    /** Signs and verifies one payload: a constant, not a secret, so nothing unique goes into the snapshot. */
    private static final String THROWAWAY_KEY = "offstage-priming-not-a-secret";

    private CiPrimes() {
    }

    /**
     * The webhook: a delivery without a signature (answered 401 before the secret is read), the
     * signature check with a throwaway key, the push's decision, a read of the idempotency table,
     * an empty batch to the builds queue, and the Secrets Manager client built without a request
     * (the secret itself is read by the first webhook after the restore, never into the snapshot).
     */
    public static List<Prime> webhook(CiSetup setup, WebhookIntake intake) {
        var config = setup.config();
        var events = new WebhookEvents(new WebhookEvents.Rules(config.buildTags(), config.buildForks(), config.allowedRepositories()));
        var idempotencyTable = IdempotencyConfig.from(setup.environment()).tableName();
        return List.of(Primes.httpApiTrigger(),
                Primes.apiRoute("POST /webhook (unsigned, 401)", request("POST", "/webhook", Map.of(), SAMPLE_PUSH,
                        Map.of("content-type", "application/json", "x-github-event", "push")), intake::receive, 401),
                Prime.of("webhook signature", () -> {
                    var verifier = new SignatureVerifier(THROWAWAY_KEY);
                    var body = SAMPLE_PUSH.getBytes(StandardCharsets.UTF_8);
                    if (!verifier.verify(body, verifier.sign(body))) {
                        throw new IllegalStateException("A signature did not verify");
                    }
                }),
                Prime.of("webhook push decision", () -> {
                    try {
                        events.decide("push", "00000000-0000-0000-0000-000000000000", Json.tree(SAMPLE_PUSH));
                    } catch (ApiException notAllowed) {
                        // AllowedRepositories leaves the sample out: the path ran all the same.
                    }
                }),
                Primes.dynamoDbGetItem(setup.aws().dynamoDb(), idempotencyTable, Map.of("id", AttributeValue.fromS(Primes.ABSENT_KEY))),
                Primes.sqsSend(setup.aws().sqs(), config.buildsQueueUrl()),
                Prime.of("secrets manager client (no request)", () -> setup.aws().secretsManager()));
    }

    /** The build pages: {@code GET /builds/{id}} of a build that does not exist (404 after a read) and a log's HEAD. */
    public static List<Prime> buildPages(CiSetup setup, BuildPages pages) {
        return List.of(Primes.httpApiTrigger(),
                Primes.apiRoute("GET /builds/{id} (absent, 404)", request("GET", "/builds/" + Primes.ABSENT_KEY,
                        Map.of("id", Primes.ABSENT_KEY), null, Map.of("accept", "application/json")), pages::respond, 404),
                Primes.s3Head(setup.aws().s3(), setup.config().artifactsBucket(), "builds/" + Primes.ABSENT_KEY));
    }

    /**
     * The runner (SnapStart is off for it in template.yaml: its /tmp is larger than SnapStart
     * allows, so these run only if that changes): the build config parser and a build lookup.
     */
    public static List<Prime> buildRunner(CiSetup setup) {
        var store = setup.buildStore();
        return List.of(Primes.sqsTrigger(),
                Prime.of("build config YAML", () -> BuildConfig.parse(SAMPLE_CONFIG)),
                Prime.of("build lookup", () -> store.find(Primes.ABSENT_KEY)));
    }

    private static APIGatewayV2HTTPEvent request(String method, String path, Map<String, String> pathParameters, String body,
            Map<String, String> headers) {
        var request = Primes.httpApiRequest(method, path);
        request.setPathParameters(pathParameters.isEmpty() ? null : pathParameters);
        request.getHeaders().putAll(headers);
        request.setBody(body);
        return request;
    }
}
