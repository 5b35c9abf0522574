package dev.offstage.ci.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.ci.CiStack;
import dev.offstage.ci.Webhooks;
import dev.offstage.ci.build.BuildQueue;
import dev.offstage.ci.pages.BuildPages;
import dev.offstage.ci.webhook.SignatureVerifier;
import dev.offstage.ci.webhook.WebhookIntake;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.LogCapture;
import dev.offstage.testing.fuzz.Fuzz;
import dev.offstage.testing.fuzz.Gen;
import dev.offstage.testing.fuzz.HostileBody;
import dev.offstage.testing.fuzz.HostileHeaders;
import dev.offstage.testing.fuzz.HostileJson;
import dev.offstage.testing.fuzz.HostileText;
import dev.offstage.testing.fuzz.HttpEvents;
import dev.offstage.testing.fuzz.SafeAnswers;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CI pipeline's entry points fed hostile input ({@link Fuzz}): the webhook, the build pages
 * and the build queue's message parser. Bad input gets a 4xx in the one error format, never a
 * 5xx, a stack trace or the webhook secret, and queues nothing.
 */
@Tag("fuzz")
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CiEntryPointsFuzzTest {

    private static final String SECRET = Webhooks.LOCAL_SECRET;
    private static final byte[] PUSH_BODY = HttpEvents.sampleBody(Webhooks.PUSH);

    private CiStack stack;
    private WebhookIntake intake;
    private BuildPages pages;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new CiStack(emulators);
        intake = stack.setup("GitHubWebhookFunction").webhookIntake();
        pages = stack.setup("BuildPagesFunction").buildPages();
    }

    @AfterAll
    void close() {
        stack.close();
    }

    /** A delivery of a hostile body with hostile headers, the signature header set by {@code signature}. */
    private record Delivery(HostileBody body, HostileHeaders.Variant headers, HttpEvents.Encoding encoding, Signature signature) {
        APIGatewayV2HTTPEvent event() {
            var headers = new HashMap<>(headers().headers());
            headers.keySet().removeIf(name -> name.equalsIgnoreCase("x-hub-signature-256"));
            signature.header(body.bytes()).ifPresent(value -> headers.put("x-hub-signature-256", value));
            return HttpEvents.of(Webhooks.PUSH, body.bytes(), headers, encoding);
        }
    }

    /** How the delivery is signed. */
    private record Signature(String kind, java.util.function.Function<byte[], java.util.Optional<String>> sign) {
        java.util.Optional<String> header(byte[] body) {
            return sign.apply(body);
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    private static final Signature VALID = new Signature("valid", body -> java.util.Optional.of(new SignatureVerifier(SECRET).sign(body)));

    /** Every way a signature can be missing or wrong, none of which may reach the parser. */
    private static final List<Signature> WRONG = List.of(
            new Signature("missing", body -> java.util.Optional.empty()),
            new Signature("empty", body -> java.util.Optional.of("")),
            new Signature("prefix only", body -> java.util.Optional.of("sha256=")),
            new Signature("truncated", body -> java.util.Optional.of(new SignatureVerifier(SECRET).sign(body).substring(0, 40))),
            new Signature("one digit changed", body -> {
                var valid = new SignatureVerifier(SECRET).sign(body);
                var last = valid.charAt(valid.length() - 1);
                return java.util.Optional.of(valid.substring(0, valid.length() - 1) + (last == '0' ? '1' : '0'));
            }),
            new Signature("other secret", body -> java.util.Optional.of(new SignatureVerifier("not-the-secret").sign(body))),
            new Signature("of the body and a newline", body -> java.util.Optional.of(new SignatureVerifier(SECRET).sign(
                    (new String(body, StandardCharsets.ISO_8859_1) + "\n").getBytes(StandardCharsets.ISO_8859_1)))),
            new Signature("sha1 form", body -> java.util.Optional.of("sha1=" + "0".repeat(40))),
            new Signature("non-hex", body -> java.util.Optional.of("sha256=" + "z".repeat(64))),
            new Signature("twice", body -> {
                var valid = new SignatureVerifier(SECRET).sign(body);
                return java.util.Optional.of(valid + "," + valid);
            }),
            new Signature("huge", body -> java.util.Optional.of("sha256=" + "a".repeat(100_000))),
            new Signature("the secret itself", body -> java.util.Optional.of(SECRET)));

    private APIGatewayV2HTTPResponse deliver(APIGatewayV2HTTPEvent event) {
        return ApiResponses.handle(event, intake::receive);
    }

    @Test
    void wronglySignedDeliveriesAreUnauthorizedAndQueueNothing() {
        var before = stack.contents();
        LogCapture.start();
        var deliveries = deliveries(Gen.pick(WRONG));

        Fuzz.forAll("wrongly signed webhook", deliveries, delivery -> {
            var response = deliver(delivery.event());

            SafeAnswers.assertSafe(response, SECRET);
            // The signature is over the decoded bytes: a body flagged base64 that is not is refused before it (400).
            var undecodable = delivery.encoding() == HttpEvents.Encoding.FALSELY_BASE64;
            assertThat(response.getStatusCode()).as(response.getBody()).isIn(undecodable ? List.of(400, 413) : List.of(401, 413));
        });

        SafeAnswers.assertLogsClean(LogCapture.lines(), SECRET);
        assertThat(stack.drain("BuildsQueue")).isEmpty();
        assertThat(stack.contents()).isEqualTo(before);
    }

    @Test
    void signedHostileDeliveriesNeverFailAndQueueOnlyWhatTheyAccept() {
        LogCapture.start();
        var queued = new java.util.HashSet<String>();
        var events = Gen.pick(List.of("push", "push", "pull_request", "ping", "PUSH", "", "issues", "push,push"));
        Gen<Map.Entry<Delivery, Map<String, String>>> inputs = random -> {
            var delivery = deliveries(random1 -> VALID).next(random);
            var extra = new HashMap<String, String>();
            extra.put("x-github-event", events.next(random));
            extra.put("x-github-delivery", random.nextInt(5) == 0 ? HostileText.strings().next(random)
                    : new UUID(random.nextLong(), random.nextLong()).toString());
            return Map.entry(delivery, extra);
        };

        Fuzz.forAll("signed hostile webhook", inputs, input -> {
            var event = input.getKey().event();
            var headers = new HashMap<>(event.getHeaders());
            input.getValue().forEach((name, value) -> {
                if (headers.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                    headers.keySet().removeIf(name::equalsIgnoreCase);
                    headers.put(name, value);
                }
            });
            event.setHeaders(headers);

            var response = deliver(event);

            SafeAnswers.assertSafe(response, SECRET);
            if (response.getStatusCode() == 202 && Json.tree(response.getBody()).path("status").asText().equals("queued")) {
                queued.add(Json.tree(response.getBody()).path("buildId").asText()); // a redelivery answers "queued" again, queuing nothing
            }
        });

        SafeAnswers.assertLogsClean(LogCapture.lines(), SECRET);
        assertThat(stack.drain("BuildsQueue")).hasSize(queued.size());
    }

    private static Gen<Delivery> deliveries(Gen<Signature> signatures) {
        var bodies = HostileJson.variantsOf(new String(PUSH_BODY, StandardCharsets.UTF_8));
        var headers = HostileHeaders.variantsOf(HttpEvents.load(Webhooks.PUSH).getHeaders());
        var encodings = HttpEvents.encodings();
        return random -> new Delivery(bodies.next(random), headers.next(random), encodings.next(random), signatures.next(random));
    }

    @Test
    void buildPagesAnswerHostileRequestsWithoutFailing() {
        var methods = Gen.pick(List.of("GET", "HEAD", "POST", "DELETE", "get", "", "OPTIONS"));
        var headers = HostileHeaders.variantsOf(HttpEvents.load("events/build-page.json").getHeaders());
        var texts = HostileText.strings();
        record Page(String method, Map<String, String> pathParameters, Map<String, String> query, HostileHeaders.Variant headers) {}
        Gen<Page> requests = random -> {
            var path = new HashMap<String, String>();
            switch (random.nextInt(4)) {
                case 0 -> path.put("id", texts.next(random));
                case 1 -> {
                    path.put("owner", texts.next(random));
                    path.put("repo", texts.next(random));
                }
                case 2 -> path.put("owner", texts.next(random));
                default -> { }
            }
            var query = new HashMap<String, String>();
            if (random.nextBoolean()) {
                query.put("format", texts.next(random));
            }
            return new Page(methods.next(random), path, query, headers.next(random));
        };

        Fuzz.forAll("build pages", requests, page -> {
            var event = HttpEvents.load("events/build-page.json");
            event.getRequestContext().getHttp().setMethod(page.method());
            event.setPathParameters(page.pathParameters().isEmpty() ? null : page.pathParameters());
            event.setQueryStringParameters(page.query().isEmpty() ? null : page.query());
            event.setHeaders(page.headers().headers());

            var response = ApiResponses.handle(event, pages::respond);

            SafeAnswers.assertSafe(response, SECRET);
            assertThat(response.getStatusCode()).isIn(200, 404, 405);
        });
    }

    @Test
    void buildMessagesParseOrAreRejectedAsPermanent() {
        var bodies = Gen.oneOf(HostileJson.variantsOf("{\"buildId\":\"72d3162e-cc78-11e3-81ab-4c9367dc0958\"}"), HostileJson::randomBytes);

        Fuzz.forAll("build message", bodies, body -> {
            var outcome = catchThrowable(() -> assertThat(BuildQueue.isBuildId(BuildQueue.buildId(body.text()))).isTrue());

            assertThat(outcome).as("the parser's answer").satisfiesAnyOf(
                    thrown -> assertThat(thrown).isNull(),
                    thrown -> assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class));
        });
        assertThatThrownBy(() -> BuildQueue.buildId(null)).isExactlyInstanceOf(IllegalArgumentException.class);
    }
}
