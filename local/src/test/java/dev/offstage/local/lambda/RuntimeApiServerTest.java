package dev.offstage.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.local.lambda.RuntimeApiServer.Answer;
import dev.offstage.local.lambda.RuntimeApiServer.InitState;
import dev.offstage.local.lambda.RuntimeApiServer.NotDelivered;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Runtime API as a runtime sees it, over HTTP. */
class RuntimeApiServerTest {

    private static final String ARN = "arn:aws:lambda:us-east-1:000000000000:function:f";
    private static final String TRACE = "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0";

    private final RuntimeApiServer server = RuntimeApiServer.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    @Test
    void nextHandsOutTheEventWithEveryHeaderTheRuntimeClientNeeds() throws Exception {
        var pending = server.submit("req-1", bytes("{\"a\":1}"), Duration.ofSeconds(3), ARN, TRACE);
        var before = Instant.now();

        var next = get("invocation/next");

        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"a\":1}");
        var headers = next.headers();
        assertThat(headers.firstValue("Lambda-Runtime-Aws-Request-Id")).hasValue("req-1");
        assertThat(headers.firstValue("Lambda-Runtime-Invoked-Function-Arn")).hasValue(ARN);
        assertThat(headers.firstValue("Lambda-Runtime-Trace-Id")).hasValue(TRACE);
        assertThat(headers.firstValue("Lambda-Runtime-Client-Context")).isPresent();
        assertThat(headers.firstValue("Lambda-Runtime-Cognito-Identity")).isPresent();
        assertThat(headers.firstValue("Content-Type")).hasValue("application/json");
        var deadline = Long.parseLong(headers.firstValue("Lambda-Runtime-Deadline-Ms").orElseThrow());
        assertThat(deadline).isBetween(before.plusSeconds(3).toEpochMilli(), Instant.now().plusSeconds(3).toEpochMilli());
        assertThat(pending.deadline.get().toEpochMilli()).isEqualTo(deadline);
        assertThat(server.init().get()).isEqualTo(new InitState.Ready(false));
    }

    @Test
    void responseCompletesTheInvocation() throws Exception {
        var pending = server.submit("req-2", bytes("{}"), Duration.ofSeconds(3), ARN, TRACE);
        get("invocation/next");

        var posted = post("invocation/req-2/response", "{\"ok\":true}", null);

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(pending.answer.get()).isInstanceOfSatisfying(Answer.Response.class,
                response -> assertThat(new String(response.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}"));
    }

    @Test
    void errorCarriesTheDocumentAndTheErrorTypeHeader() throws Exception {
        var pending = server.submit("req-3", bytes("{}"), Duration.ofSeconds(3), ARN, TRACE);
        get("invocation/next");

        var posted = post("invocation/req-3/error", "{\"errorMessage\":\"no\",\"errorType\":\"java.lang.Error\"}",
                "Runtime.Unknown");

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(pending.answer.get()).isInstanceOfSatisfying(Answer.Failed.class, failed -> {
            assertThat(failed.errorTypeHeader()).isEqualTo("Runtime.Unknown");
            assertThat(ErrorDocument.parse(failed.document(), "").errorMessage()).isEqualTo("no");
        });
    }

    @Test
    void answerForAnUnknownRequestIdIsRejected() throws Exception {
        assertThat(post("invocation/nobody/response", "{}", null).statusCode()).isEqualTo(400);
    }

    @Test
    void oversizedResponseBecomesLambdasResponseSizeError() throws Exception {
        var pending = server.submit("req-4", bytes("{}"), Duration.ofSeconds(30), ARN, TRACE);
        get("invocation/next");

        post("invocation/req-4/response", "x".repeat(RuntimeApiServer.MAX_RESPONSE_BYTES + 1), null);

        assertThat(pending.answer.get()).isInstanceOfSatisfying(Answer.Failed.class, failed ->
                assertThat(ErrorDocument.parse(failed.document(), "").errorType()).isEqualTo("Function.ResponseSizeTooLarge"));
    }

    @Test
    void restoreNextAnswersAtOnceAndTheFirstNextMarksTheInitAsRestored() throws Exception {
        server.submit("req-5", bytes("{}"), Duration.ofSeconds(3), ARN, TRACE);

        assertThat(get("restore/next").statusCode()).isEqualTo(200);
        get("invocation/next");

        assertThat(server.init().get()).isEqualTo(new InitState.Ready(true));
    }

    @Test
    void restoreErrorFailsTheInitAsAnInitErrorDoes() throws Exception {
        get("restore/next");

        var posted = post("restore/error", "{\"errorMessage\":\"no\",\"errorType\":\"java.lang.Error\"}",
                "Runtime.AfterRestoreError");

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(server.init().get()).isInstanceOfSatisfying(InitState.Failed.class,
                failed -> assertThat(failed.errorTypeHeader()).isEqualTo("Runtime.AfterRestoreError"));
    }

    @Test
    void initErrorIsReported() throws Exception {
        var posted = post("init/error", "{\"errorMessage\":\"Error loading class X\",\"errorType\":\"java.lang.Error\"}",
                "Runtime.BadFunctionCode");

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(server.init().get()).isInstanceOfSatisfying(InitState.Failed.class,
                failed -> assertThat(failed.errorTypeHeader()).isEqualTo("Runtime.BadFunctionCode"));
    }

    @Test
    void exitAnswersEveryoneWaitingOnTheEnvironment() throws Exception {
        var queued = server.submit("req-5", bytes("{}"), Duration.ofSeconds(3), ARN, TRACE);

        server.environmentExited("Runtime exited with error: exit status 1");

        assertThat(server.init().get()).isInstanceOf(InitState.Exited.class);
        assertThat(queued.deadline).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOf(NotDelivered.class).withMessageContaining("exit status 1");
        var late = server.submit("req-6", bytes("{}"), Duration.ofSeconds(3), ARN, TRACE);
        assertThat(late.deadline).isCompletedExceptionally();
    }

    private HttpResponse<String> get(String resource) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(resource)).timeout(Duration.ofSeconds(10)).GET().build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String resource, String body, String errorType) throws Exception {
        var request = HttpRequest.newBuilder(uri(resource)).timeout(Duration.ofSeconds(10))
                .POST(BodyPublishers.ofString(body));
        if (errorType != null) {
            request.header("Lambda-Runtime-Function-Error-Type", errorType);
        }
        return http.send(request.build(), BodyHandlers.ofString());
    }

    private URI uri(String resource) {
        return URI.create("http://" + server.address() + "/2018-06-01/runtime/" + resource);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
