package dev.offstage.local.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.ops.QueueStatus;
import dev.offstage.ops.local.EndpointsFile;
import dev.offstage.ops.local.LocalConsole;
import dev.offstage.ops.local.RuntimeConsoleApi;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's JSON API on a running runtime ({@code templates/console.yaml}): what it answers,
 * and how it refuses bad input and cross-site requests. Functions start on first use.
 */
class ConsoleApiTest {

    static final Path TEMPLATE = Path.of("local/src/test/resources/templates/console.yaml");
    private static final String CRASH_EVENT = """
            {"Records":[{"messageId":"direct-1","body":"crash","eventSource":"aws:sqs",
              "attributes":{"ApproximateReceiveCount":"1"}}]}""";

    @TempDir
    static Path directory;
    private static LocalRuntime runtime;
    private static HttpClient http;
    private static Path endpointsFile;

    @BeforeAll
    static void start() {
        endpointsFile = directory.resolve("endpoints.json");
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(TEMPLATE).withHttpPort(0).withInitializeFunctions(false)
                .withEndpointsFile(endpointsFile));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void consoleUrlIsPrintedAndWrittenBesideTheHttpApi() throws Exception {
        var console = runtime.endpoints().console();
        assertThat(console).isEqualTo(runtime.endpoints().httpApi().resolve("/_offstage/"));
        assertThat(runtime.endpoints().summary()).contains("Console    " + console);
        assertThat(Json.tree(Files.readString(endpointsFile)).path("console").asText()).isEqualTo(console.toString());
    }

    @Test
    void pageIsOneSelfContainedDocumentThatMayNotBeFramed() throws Exception {
        var response = get("/_offstage/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("content-security-policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'"));
        assertThat(response.headers().firstValue("x-frame-options")).hasValue("DENY");
        // No external asset: nothing is loaded from another URL, and no data goes in as HTML.
        assertThat(response.body()).doesNotContain("src=", "href=", "@import", "url(", "innerHTML", "outerHTML",
                "insertAdjacentHTML", "document.write");
        assertThat(response.body()).contains("id=\"functions\"", "id=\"invocations\"", "id=\"queues\"", "id=\"builds\"",
                "id=\"videos\"", "id=\"errors\"");
    }

    @Test
    void functionsAreListedWithTheirSettings() throws Exception {
        var functions = json(get("/_offstage/api/functions"));

        assertThat(functions).extracting(f -> f.path("logicalId").asText()).containsExactly("BatchFunction", "EchoFunction");
        var echo = functions.get(1);
        assertThat(echo.path("name").asText()).isEqualTo(runtime.endpoints().functions().get("EchoFunction"));
        assertThat(echo.path("memoryMb").asInt()).isEqualTo(256);
        assertThat(echo.path("timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(echo.path("environments").isInt()).isTrue();
        assertThat(echo.path("invocations").isObject()).isTrue();
    }

    @Test
    void invocationsShowTriggerOutcomeAndDurationAndConsoleRequestsAreNoInvocations() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(runtime.endpoints().httpApi().resolve("/echo/ada")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        var crash = runtime.invoker().invoke("BatchFunction", CRASH_EVENT.getBytes(StandardCharsets.UTF_8));
        assertThat(crash.succeeded()).isFalse();

        var invocations = json(get("/_offstage/api/invocations?limit=500"));
        var echo = find(invocations, "function", "EchoFunction");
        assertThat(echo.path("trigger").asText()).isEqualTo("http");
        assertThat(echo.path("source").asText()).isEqualTo("GET /echo/{name}");
        assertThat(echo.path("outcome").asText()).isEqualTo("OK");
        assertThat(echo.path("durationMs").asLong()).isNotNegative();
        assertThat(echo.path("startedAt").asText()).isNotEmpty();
        var failed = find(invocations, "requestId", crash.requestId());
        assertThat(failed.path("trigger").asText()).isEqualTo("direct");
        assertThat(failed.path("outcome").asText()).isEqualTo("ERROR");
        assertThat(failed.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.path("errorMessage").asText()).contains("crash");

        var before = json(get("/_offstage/api/invocations?limit=500")).size();
        get("/_offstage/api/functions");
        get("/_offstage/");
        assertThat(json(get("/_offstage/api/invocations?limit=500")).size()).isEqualTo(before);
        var counts = find(json(get("/_offstage/api/functions")), "logicalId", "BatchFunction").path("invocations");
        assertThat(counts.path("ERROR").asLong()).isPositive();
    }

    @Test
    void limitsAreClampedAndMustBeNumbers() throws Exception {
        runtime.invoker().invoke("BatchFunction", CRASH_EVENT.getBytes(StandardCharsets.UTF_8));
        runtime.invoker().invoke("BatchFunction", CRASH_EVENT.getBytes(StandardCharsets.UTF_8));

        assertThat(json(get("/_offstage/api/invocations?limit=1"))).hasSize(1);
        assertThat(json(get("/_offstage/api/invocations?limit=-5"))).hasSize(1);
        assertThat(get("/_offstage/api/invocations?limit=99999999999").statusCode()).isEqualTo(200);
        assertThat(json(get("/_offstage/api/invocations?limit=99999999999999999999999"))).isNotEmpty();
        assertError(get("/_offstage/api/invocations?limit=ten"), 400, "invalid_limit");
        assertError(get("/_offstage/api/errors?limit=1.5"), 400, "invalid_limit");
        assertError(getAsConsole("/_offstage/api/queues/JobsDeadLetterQueue/messages?max=x"), 400, "invalid_max");
    }

    @Test
    void errorsAreListedAndSearchedByMessageIdOnlyWithAWellFormedId() throws Exception {
        assertThat(json(get("/_offstage/api/errors")).isArray()).isTrue();
        assertThat(json(get("/_offstage/api/errors?messageId=0b7e6c1a-5d0e-4a53-8f3c-9f0d6e2b1a77"))).isEmpty();
        assertError(get("/_offstage/api/errors?messageId=%3Cscript%3E"), 400, "invalid_message_id");
    }

    @Test
    void agesAreAnObjectByQueueLogicalId() throws Exception {
        var ages = json(get("/_offstage/api/ages"));
        assertThat(ages.isObject()).isTrue();
        ages.fieldNames().forEachRemaining(queue -> assertThat(runtime.endpoints().queues()).containsKey(queue));
    }

    @Test
    void scriptsOffstageReadsAgesAndErrorsFromTheConsole() throws Exception {
        // The CLI's local adapter against the real API: the same contract from both sides.
        runtime.invoker().invoke("BatchFunction", CRASH_EVENT.getBytes(StandardCharsets.UTF_8));
        try (var client = new RuntimeConsoleApi(runtime.endpoints().httpApi(), Duration.ofSeconds(10))) {
            // The ERROR line comes on the function's output stream, a moment after the invocation's answer.
            var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            var errors = client.recent(50);
            while (errors.stream().noneMatch(line -> line.message().contains("crash")) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                errors = client.recent(50);
            }
            assertThat(errors).isNotEmpty().allSatisfy(line -> {
                assertThat(line.function()).isIn("BatchFunction", "EchoFunction");
                assertThat(line.time()).isNotNull();
            });
            assertThat(errors).anySatisfy(line -> assertThat(line.message()).contains("crash"));
            assertThat(client.reasonFor("0b7e6c1a-5d0e-4a53-8f3c-9f0d6e2b1a77")).isEmpty();
            assertThat(client.oldestAgeSeconds(runtime.endpoints().queues())).isNotNull();
        }
    }

    @Test
    void scriptsOffstageReadsTheEndpointsFileTheRuntimeWrites() throws Exception {
        // The CLI's reader against the runtime's writer: the same contract from both sides.
        var file = EndpointsFile.read(endpointsFile);
        var endpoints = runtime.endpoints();

        assertThat(file.httpApi()).isEqualTo(endpoints.httpApi());
        assertThat(file.endpoints()).containsEntry("sqs", endpoints.sqs().toString())
                .containsEntry("dynamodb", endpoints.dynamoDb().toString());
        assertThat(file.deployment().queues()).isEqualTo(endpoints.queues());
        assertThat(file.deployment().tables()).isEqualTo(endpoints.tables());
        assertThat(file.deployment().functions()).isEqualTo(endpoints.functions());
        try (var session = LocalConsole.open(endpointsFile)) {
            assertThat(session.console().queues()).extracting(QueueStatus::logicalId)
                    .containsExactlyInAnyOrderElementsOf(endpoints.queues().keySet());
        }
    }

    @Test
    void unknownPathsAreNotFoundAndWrongMethodsNotAllowed() throws Exception {
        assertError(get("/_offstage/api/nothing"), 404, "not_found");
        assertError(get("/_offstage/elsewhere"), 404, "not_found");
        assertError(get("/_offstage/api/queues/JobsQueue/purge"), 404, "not_found");
        var post = send(HttpRequest.newBuilder(console("/_offstage/api/functions"))
                .header(ConsoleServer.CONSOLE_HEADER, "1").POST(HttpRequest.BodyPublishers.noBody()));
        assertError(post, 405, "method_not_allowed");
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        var getRedrive = get("/_offstage/api/queues/JobsDeadLetterQueue/redrive");
        assertError(getRedrive, 405, "method_not_allowed");
        assertThat(getRedrive.headers().firstValue("allow")).hasValue("POST");
    }

    @Test
    void malformedQueueIdsAreRefused() throws Exception {
        assertError(get("/_offstage/api/queues/Jobs%20Queue/messages"), 400, "invalid_queue_id");
        // Not even a URI: the JDK's client will not send it, a plain socket does.
        assertThat(raw("GET /_offstage/api/queues/Jobs%zzQueue/messages", "127.0.0.1")).startsWith("HTTP/1.1 400");
        assertThat(raw("GET /_offstage/api/invocations?limit=%zz", "127.0.0.1")).startsWith("HTTP/1.1 400");
        assertError(redrive("Jobs-Queue", true, null), 400, "invalid_queue_id");
    }

    @Test
    void redriveNeedsTheConsolesHeader() throws Exception {
        // A plain cross-site form post carries no custom header: refused before anything moves.
        var response = redrive("JobsDeadLetterQueue", false, null);
        assertError(response, 403, "forbidden");
        assertThat(Json.tree(response.body()).path("error").path("message").asText()).contains(ConsoleServer.CONSOLE_HEADER);
    }

    @Test
    void readingDeadLettersNeedsTheConsolesHeader() throws Exception {
        // Reading receives the messages (their receive counts grow): another page's <img> must not.
        assertError(get("/_offstage/api/queues/JobsDeadLetterQueue/messages"), 403, "forbidden");
        assertThat(json(getAsConsole("/_offstage/api/queues/JobsDeadLetterQueue/messages")).isArray()).isTrue();
    }

    @Test
    void redriveFromAnotherOriginIsRefused() throws Exception {
        assertError(redrive("JobsDeadLetterQueue", true, "http://evil.example"), 403, "forbidden");
        var port = runtime.endpoints().httpApi().getPort();
        assertError(redrive("JobsDeadLetterQueue", true, "http://127.0.0.1:" + (port == 1 ? 2 : port - 1)), 403, "forbidden");
    }

    @Test
    void requestsForAnotherHostNameAreRefused() throws Exception {
        // DNS rebinding: a hostile name resolving to 127.0.0.1 would make its page same-origin with
        // the console. The JDK's client will not send another Host: a plain socket does.
        assertThat(raw("GET /_offstage/api/functions", "rebound.example"))
                .startsWith("HTTP/1.1 403").contains("\"code\":\"forbidden\"");
        assertThat(raw("GET /_offstage/api/functions", "localhost")).startsWith("HTTP/1.1 200");
    }

    /** The whole answer to a request line sent as is, with {@code Host: <host>:<port>}. */
    private static String raw(String requestLine, String host) throws IOException {
        var port = runtime.endpoints().httpApi().getPort();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void redriveOfAQueueThatIsNoDeadLetterQueueSaysWhy() throws Exception {
        var response = redrive("JobsQueue", true, null);
        assertError(response, 400, "invalid_queue");
        assertThat(Json.tree(response.body()).path("error").path("message").asText()).contains("JobsQueue");
        assertError(redrive("NoSuchQueue", true, null), 400, "invalid_queue");
    }

    private static HttpResponse<String> redrive(String queue, boolean withHeader, String origin) throws Exception {
        var request = HttpRequest.newBuilder(console("/_offstage/api/queues/" + queue + "/redrive"))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (withHeader) {
            request.header(ConsoleServer.CONSOLE_HEADER, "1");
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return send(request);
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        var error = Json.tree(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText()).isNotBlank();
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (var element : array) {
            if (element.path(field).asText().equals(value)) {
                return element;
            }
        }
        throw new AssertionError("No element with " + field + " = " + value + " in " + array);
    }

    private static JsonNode json(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        return Json.tree(response.body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(console(path)).GET());
    }

    private static HttpResponse<String> getAsConsole(String path) throws Exception {
        return send(HttpRequest.newBuilder(console(path)).header(ConsoleServer.CONSOLE_HEADER, "1").GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI console(String path) {
        return runtime.endpoints().httpApi().resolve(path);
    }
}
