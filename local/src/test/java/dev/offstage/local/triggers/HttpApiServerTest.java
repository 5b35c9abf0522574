package dev.offstage.local.triggers;

import static dev.offstage.local.triggers.TestApplications.application;
import static dev.offstage.local.triggers.TestApplications.function;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.model.EventSource;
import dev.offstage.shared.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpApiServerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final FakeInvoker invoker = new FakeInvoker();
    private final HttpClient client = HttpClient.newHttpClient();
    private final CountDownLatch releaseSlowFunction = new CountDownLatch(1);
    private HttpApiServer server;

    @BeforeEach
    void start() {
        var app = application(
                function("Builds", new EventSource.HttpApi("GetBuild", "GET", "/builds/{id}"),
                        new EventSource.HttpApi("Upload", "POST", "/uploads")),
                function("Files", new EventSource.HttpApi("Files", "ANY", "/files/{proxy+}")),
                function("Slow", new EventSource.HttpApi("Slow", "GET", "/slow")),
                function("Responder", new EventSource.HttpApi("Respond", "POST", "/respond")));
        invoker.on("Builds", event -> Map.of("statusCode", 200, "body", "ok"))
                .on("Files", event -> Map.of("statusCode", 200))
                .on("Slow", event -> {
                    releaseSlowFunction.await();
                    return "late";
                })
                // Returns whatever JSON the request body holds, so each test scripts the function's response.
                .on("Responder", event -> Json.tree(event).path("body").asText().getBytes(StandardCharsets.UTF_8));
        server = HttpApiServer.start(app, invoker, HttpApiServer.Options.apiGateway()
                .withIntegrationTimeout(Duration.ofMillis(300))
                .withMaxRequestBytes(64 * 1024));
    }

    @AfterEach
    void stop() {
        releaseSlowFunction.countDown();
        server.close();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(server.baseUri() + pathAndQuery)).timeout(WAIT);
    }

    private HttpResponse<byte[]> respondWith(String functionResponse) throws Exception {
        return send(request("/respond").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(functionResponse)));
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void requestBecomesPayloadFormat2EventThatLambdasSerializerReads() throws Exception {
        var response = send(request("/builds/b%20%C3%A9?page=2&tag=a&tag=b&empty")
                .header("Cookie", "session=abc; theme=dark")
                .header("X-Trace", "one")
                .header("User-Agent", "offstage-test")
                .GET());

        assertThat(response.statusCode()).isEqualTo(200);
        var json = invoker.next("Builds", WAIT);
        var event = FakeInvoker.asLambdaEvent(json, APIGatewayV2HTTPEvent.class);
        assertThat(event.getVersion()).isEqualTo("2.0");
        assertThat(event.getRouteKey()).isEqualTo("GET /builds/{id}");
        assertThat(event.getRawPath()).isEqualTo("/builds/b é");
        assertThat(event.getRawQueryString()).isEqualTo("page=2&tag=a&tag=b&empty");
        assertThat(event.getCookies()).containsExactly("session=abc", "theme=dark");
        assertThat(event.getHeaders()).containsEntry("x-trace", "one").containsEntry("user-agent", "offstage-test")
                .containsEntry("x-forwarded-proto", "http").containsKey("x-amzn-trace-id").doesNotContainKey("cookie");
        assertThat(event.getHeaders().keySet()).allMatch(name -> name.equals(name.toLowerCase()));
        assertThat(event.getQueryStringParameters()).isEqualTo(Map.of("page", "2", "tag", "a,b", "empty", ""));
        assertThat(event.getPathParameters()).isEqualTo(Map.of("id", "b é"));
        assertThat(event.getBody()).isNull();
        assertThat(event.getIsBase64Encoded()).isFalse();
        var context = event.getRequestContext();
        assertThat(context.getAccountId()).isEqualTo("000000000000");
        assertThat(context.getApiId()).hasSize(10);
        assertThat(context.getDomainName()).isEqualTo("127.0.0.1");
        assertThat(context.getStage()).isEqualTo("$default");
        assertThat(context.getRouteKey()).isEqualTo("GET /builds/{id}");
        assertThat(context.getRequestId()).isEqualTo(response.headers().firstValue("apigw-requestid").orElseThrow());
        assertThat(context.getTime()).matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000");
        assertThat(context.getTimeEpoch()).isPositive();
        assertThat(context.getHttp().getMethod()).isEqualTo("GET");
        assertThat(context.getHttp().getPath()).isEqualTo("/builds/b é");
        assertThat(context.getHttp().getProtocol()).isEqualTo("HTTP/1.1");
        assertThat(context.getHttp().getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(context.getHttp().getUserAgent()).isEqualTo("offstage-test");
    }

    @Test
    void repeatedHeadersAreJoinedWithCommas() throws Exception {
        send(request("/builds/1").header("X-Multi", "a").header("X-Multi", "b").GET());

        var event = FakeInvoker.asLambdaEvent(invoker.next("Builds", WAIT), APIGatewayV2HTTPEvent.class);
        assertThat(event.getHeaders()).containsEntry("x-multi", "a,b");
    }

    @Test
    void textBodiesArePlainAndOtherBodiesBase64() throws Exception {
        send(request("/uploads").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        var json = FakeInvoker.asLambdaEvent(invoker.next("Builds", WAIT), APIGatewayV2HTTPEvent.class);
        assertThat(json.getBody()).isEqualTo("{\"a\":1}");
        assertThat(json.getIsBase64Encoded()).isFalse();

        var png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2};
        send(request("/uploads").header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)));
        var binary = FakeInvoker.asLambdaEvent(invoker.next("Builds", WAIT), APIGatewayV2HTTPEvent.class);
        assertThat(binary.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(binary.getBody())).isEqualTo(png);

        // HTTP APIs famously base64-encode form posts too.
        send(request("/uploads").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1&b=2")));
        var form = FakeInvoker.asLambdaEvent(invoker.next("Builds", WAIT), APIGatewayV2HTTPEvent.class);
        assertThat(form.getIsBase64Encoded()).isTrue();
        assertThat(new String(Base64.getDecoder().decode(form.getBody()), StandardCharsets.UTF_8)).isEqualTo("a=1&b=2");
    }

    @Test
    void greedyRouteGetsTheRestOfThePathAsProxyParameter() throws Exception {
        var response = send(request("/files/a/b/c.txt").DELETE());

        assertThat(response.statusCode()).isEqualTo(200);
        var event = Json.tree(invoker.next("Files", WAIT));
        assertThat(event.path("routeKey").asText()).isEqualTo("ANY /files/{proxy+}");
        assertThat(event.path("pathParameters").path("proxy").asText()).isEqualTo("a/b/c.txt");
        assertThat(event.path("requestContext").path("http").path("method").asText()).isEqualTo("DELETE");
    }

    @Test
    void optionalFieldsAreAbsentWhenTheRequestHasNothingForThem() throws Exception {
        send(request("/uploads").POST(HttpRequest.BodyPublishers.noBody()));

        JsonNode event = Json.tree(invoker.next("Builds", WAIT));
        assertThat(event.has("cookies")).isFalse();
        assertThat(event.has("queryStringParameters")).isFalse();
        assertThat(event.has("pathParameters")).isFalse();
        assertThat(event.has("body")).isFalse();
        assertThat(event.path("rawQueryString").asText()).isEmpty();
    }

    @Test
    void unknownRouteIsApiGatewaysNotFound() throws Exception {
        var response = send(request("/nothing/here").GET());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(text(response)).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(invoker.received("Builds")).isEmpty();
    }

    @Test
    void structuredResponseSetsStatusHeadersCookiesAndBody() throws Exception {
        var response = respondWith("""
                {"statusCode": 201, "headers": {"content-type": "text/plain", "x-count": 3},
                 "multiValueHeaders": {"x-many": ["1", "2"]},
                 "cookies": ["a=1; Path=/", "b=2; HttpOnly"], "body": "created"}""");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(text(response)).isEqualTo("created");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(response.headers().firstValue("x-count")).hasValue("3");
        assertThat(response.headers().allValues("x-many")).containsExactly("1", "2");
        assertThat(response.headers().allValues("set-cookie")).containsExactly("a=1; Path=/", "b=2; HttpOnly");
        assertThat(response.headers().firstValue("apigw-requestid")).isPresent();
    }

    @Test
    void base64EncodedResponseBodyIsDecoded() throws Exception {
        var bytes = new byte[] {0, (byte) 0xff, 10, 13, 'x'};
        var response = respondWith("{\"statusCode\": 200, \"isBase64Encoded\": true, \"headers\": {\"content-type\": \"application/octet-stream\"},"
                + " \"body\": \"" + Base64.getEncoder().encodeToString(bytes) + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
    }

    @Test
    void jsonWithoutStatusCodeIsInferredAsOkApplicationJson() throws Exception {
        var object = respondWith("{\"message\": \"hi\"}");
        assertThat(object.statusCode()).isEqualTo(200);
        assertThat(object.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Json.tree(text(object)).path("message").asText()).isEqualTo("hi");

        var string = respondWith("\"Hello from Lambda!\"");
        assertThat(string.statusCode()).isEqualTo(200);
        assertThat(text(string)).isEqualTo("Hello from Lambda!");
    }

    @Test
    void responseThatIsNotJsonIsInternalServerError() throws Exception {
        var response = respondWith("not json at all {");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(text(response)).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void functionErrorsAreInternalServerErrorAndThrottlesTooManyRequests() {
        var failed = HttpApiResponse.of(FakeInvoker.failure(Invocation.Outcome.FUNCTION_ERROR, "java.lang.IllegalStateException",
                "boom", new byte[0], Duration.ZERO));
        var timedOut = HttpApiResponse.of(FakeInvoker.failure(Invocation.Outcome.TIMEOUT, "Sandbox.Timedout", "timed out",
                new byte[0], Duration.ZERO));
        var initFailed = HttpApiResponse.of(FakeInvoker.failure(Invocation.Outcome.INIT_ERROR, "Runtime.ExitError", "exit",
                new byte[0], Duration.ZERO));
        var throttled = HttpApiResponse.of(FakeInvoker.throttled());

        assertThat(List.of(failed.status(), timedOut.status(), initFailed.status())).containsOnly(500);
        assertThat(new String(failed.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Internal Server Error\"}");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(new String(throttled.body(), StandardCharsets.UTF_8)).isEqualTo("{\"message\":\"Too Many Requests\"}");
    }

    @Test
    void thrownExceptionIsInternalServerErrorOverHttp() throws Exception {
        invoker.on("Files", event -> {
            throw new IllegalStateException("boom");
        });

        var response = send(request("/files/x").GET());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(text(response)).isEqualTo("{\"message\":\"Internal Server Error\"}");
    }

    @Test
    void bodyOverTheLimitIsRejectedWithoutInvoking() throws Exception {
        var response = send(request("/uploads").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[64 * 1024 + 1])));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(invoker.received("Builds")).isEmpty();
    }

    @Test
    void functionSlowerThanTheIntegrationTimeoutIsServiceUnavailable() throws Exception {
        var response = send(request("/slow").GET());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(text(response)).isEqualTo("{\"message\":\"Service Unavailable\"}");
    }

    @Test
    void routeKeysAreListedForTheStartupSummary() {
        assertThat(server.routeKeys()).containsExactly("ANY /files/{proxy+}", "GET /builds/{id}", "GET /slow",
                "POST /respond", "POST /uploads");
        assertThat(server.baseUri().getHost()).isEqualTo("127.0.0.1");
    }
}
