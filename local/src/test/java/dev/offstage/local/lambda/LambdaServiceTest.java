package dev.offstage.local.lambda;

import dev.offstage.testing.LogCapture;
import dev.offstage.testing.LogCapture.LogLine;
import static dev.offstage.local.lambda.FixtureFunctions.function;
import static dev.offstage.local.lambda.FixtureFunctions.withEnvironment;
import static dev.offstage.local.lambda.FixtureFunctions.withLogging;
import static dev.offstage.local.lambda.FixtureFunctions.withReservedConcurrency;
import static dev.offstage.local.lambda.FixtureFunctions.withTimeout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.Invocation.Outcome;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.local.model.LoggingSettings.Format;
import dev.offstage.local.model.LoggingSettings.Level;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Functions run in real execution environments: JVMs running Lambda's runtime interface client
 * against the local Runtime API. One service for the class; each test uses functions of its own.
 */
class LambdaServiceTest {

    @TempDir
    static Path directory;

    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private static LambdaService lambda;

    @BeforeAll
    static void startService() {
        var code = FixtureFunctions.codeModule(directory);
        var application = FixtureFunctions.application(
                withEnvironment(function(code, "Echo", "EchoHandler"), Map.of("GREETING", "hello from the template")),
                function(code, "WarmEcho", "EchoHandler"),
                withLogging(function(code, "JsonEcho", "EchoHandler"), new LoggingSettings(Format.JSON,
                        Optional.of(Level.DEBUG), Optional.of(Level.WARN), Optional.of("/offstage/json-echo"))),
                function(code, "UpperCase", "UpperCaseStreamHandler"),
                function(code, "Failing", "FailingHandler"),
                withTimeout(function(code, "Sleepy", "SleepyStreamHandler"), Duration.ofSeconds(1)),
                function(code, "Missing", "NoSuchHandler"),
                function(code, "BrokenInit", "BrokenInitHandler"),
                withReservedConcurrency(function(code, "Gate", "GateHandler"), 1),
                withReservedConcurrency(function(code, "Disabled", "EchoHandler"), 0),
                function(code, "HttpApi", "HttpApiHandler"),
                function(code, "Queue", "QueueHandler"));
        lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(), LambdaSettings.defaults());
    }

    @AfterAll
    static void stopService() {
        if (lambda != null) {
            lambda.close();
        }
    }

    @Test
    void handlerSeesALambdaContextWithRemainingTimeCountingDownFromTheTimeout() {
        var invocation = lambda.invoke("Echo", json("{\"name\":\"Ada\"}"));

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.SUCCESS);
        var answer = Json.tree(invocation.payloadText());
        assertThat(answer.path("event").path("name").asText()).isEqualTo("Ada");
        assertThat(answer.path("requestId").asText()).isEqualTo(invocation.requestId());
        assertThat(answer.path("functionName").asText()).isEqualTo("offstage-test-Echo");
        assertThat(answer.path("functionVersion").asText()).isEqualTo("$LATEST");
        assertThat(answer.path("invokedFunctionArn").asText())
                .isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:offstage-test-Echo");
        assertThat(answer.path("memoryLimitInMB").asInt()).isEqualTo(256);
        assertThat(answer.path("remainingTimeInMillis").asLong()).isPositive().isLessThanOrEqualTo(30_000);
        assertThat(answer.path("logGroupName").asText()).isEqualTo("/aws/lambda/offstage-test-Echo");
        assertThat(answer.path("logStreamName").asText()).contains("[$LATEST]");
        assertThat(answer.path("clientContext").asText()).isEqualTo("null");
        assertThat(answer.path("identity").asText()).isEqualTo("null");
        assertThat(answer.path("javaVersion").asInt()).isEqualTo(25);
    }

    @Test
    void requestIdTheCallerChoosesIsTheOneTheFunctionSees() {
        var invocation = lambda.invoke("Echo", json("{}"), "async retry", "0b6e2e55-5c6c-4b8e-9a43-2f1f5d1b7c11");

        assertThat(invocation.requestId()).isEqualTo("0b6e2e55-5c6c-4b8e-9a43-2f1f5d1b7c11");
        assertThat(Json.tree(invocation.payloadText()).path("requestId").asText())
                .isEqualTo("0b6e2e55-5c6c-4b8e-9a43-2f1f5d1b7c11");
    }

    @Test
    void processEnvironmentIsTheTemplatesPlusWhatLambdaAndThePlatformSet() {
        var answer = Json.tree(lambda.invoke("Echo", json("{}")).payloadText());

        assertThat(answer.path("greeting").asText()).isEqualTo("hello from the template");
        var variables = answer.path("variables");
        assertThat(variables.path("AWS_LAMBDA_FUNCTION_NAME").asText()).isEqualTo("offstage-test-Echo");
        assertThat(variables.path("AWS_EXECUTION_ENV").asText()).isEqualTo("AWS_Lambda_java25");
        assertThat(variables.path("AWS_ENDPOINT_URL_S3").asText()).isEqualTo("http://127.0.0.1:9");
        assertThat(variables.path("AWS_REGION").asText()).isEqualTo("us-east-1");
        assertThat(variables.path("TZ").asText()).isEqualTo(":UTC");
        assertThat(variables.path("_HANDLER").asText()).isEqualTo(FixtureFunctions.FIXTURES + "EchoHandler");
        var names = new ArrayList<String>();
        answer.path("environment").forEach(name -> names.add(name.asText()));
        // Nothing of the test JVM's own environment (HOME, JAVA_HOME, MAVEN_*, USER…) leaks in.
        assertThat(names).containsExactlyInAnyOrderElementsOf(Set.of(
                "GREETING", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_EXECUTION_ENV",
                "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_LOG_FORMAT",
                "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "TZ", "LANG", "PATH", "TMPDIR"));
        assertThat(answer.path("workingDirectory").asText()).endsWith("fixture-function/target/classes");
        // 85% of 256 MB, as Lambda sizes the heap.
        assertThat(answer.path("maxHeapMb").asLong()).isBetween(180L, 218L);
    }

    @Test
    void eachEnvironmentHasItsOwnTmpRemovedWithIt() throws Exception {
        var echo = Json.tree(lambda.invoke("Echo", json("{}")).payloadText());
        var warm = Json.tree(lambda.invoke("WarmEcho", json("{}")).payloadText());

        var tmp = Path.of(echo.path("tmpdir").asText());
        assertThat(echo.path("variables").path("TMPDIR").asText()).isEqualTo(tmp.toString());
        assertThat(tmp).isDirectory().isNotEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(Path.of(warm.path("tmpdir").asText())).as("another environment's /tmp").isNotEqualTo(tmp).isDirectory();

        // An environment's /tmp goes with it: the next one starts empty, as in Lambda.
        var code = FixtureFunctions.codeModule(Files.createDirectories(directory.resolve("own")));
        try (var own = LambdaService.create(FixtureFunctions.application(function(code, "Own", "EchoHandler")),
                FixtureFunctions.platformEnvironment(), LambdaSettings.defaults())) {
            var ownTmp = Path.of(Json.tree(own.invoke("Own", json("{}")).payloadText()).path("tmpdir").asText());
            assertThat(ownTmp).isDirectory();
            own.close();
            assertThat(ownTmp).doesNotExist();
        }
    }

    @Test
    void functionWithoutLoggingConfigLogsAsLambdasDefaultText() {
        var variables = Json.tree(lambda.invoke("Echo", json("{}")).payloadText()).path("variables");

        assertThat(variables.path("AWS_LAMBDA_LOG_FORMAT").asText()).isEqualTo("Text");
        assertThat(variables.path("AWS_LAMBDA_LOG_LEVEL").asText()).isEqualTo("null");
        assertThat(variables.path("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/aws/lambda/offstage-test-Echo");
    }

    @Test
    void functionSeesTheLogFormatLevelAndGroupLambdaDerivesFromItsLoggingConfig() {
        var invocation = lambda.invoke("JsonEcho", json("{}"));

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.SUCCESS);
        var answer = Json.tree(invocation.payloadText());
        var variables = answer.path("variables");
        assertThat(variables.path("AWS_LAMBDA_LOG_FORMAT").asText()).isEqualTo("JSON");
        assertThat(variables.path("AWS_LAMBDA_LOG_LEVEL").asText()).isEqualTo("DEBUG");
        assertThat(variables.path("AWS_LAMBDA_LOG_GROUP_NAME").asText()).isEqualTo("/offstage/json-echo");
        // The runtime interface client builds the Context from the same variable.
        assertThat(answer.path("logGroupName").asText()).isEqualTo("/offstage/json-echo");
    }

    @Test
    void warmEnvironmentIsReusedForTheNextInvocation() {
        var first = Json.tree(lambda.invoke("WarmEcho", json("{}")).payloadText());
        var second = Json.tree(lambda.invoke("WarmEcho", json("{}")).payloadText());

        assertThat(second.path("pid").asLong()).isEqualTo(first.path("pid").asLong());
        assertThat(second.path("invocation").asInt()).isEqualTo(first.path("invocation").asInt() + 1);
    }

    @Test
    void streamHandlerGetsTheEventBytesAndItsOutputIsThePayload() {
        var invocation = lambda.invoke("UpperCase", json("{\"word\":\"quiet\"}"));

        assertThat(invocation.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(invocation.payloadText()).isEqualTo("{\"WORD\":\"QUIET\"}");
    }

    @Test
    void thrownExceptionIsAFunctionErrorWithTypeMessageAndStackTrace() {
        var invocation = lambda.invoke("Failing", json("{\"reason\":\"disk full\"}"));

        assertThat(invocation.outcome()).isEqualTo(Outcome.FUNCTION_ERROR);
        assertThat(invocation.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(invocation.errorMessage()).isEqualTo("boom: disk full");
        assertThat(invocation.stackTrace()).anySatisfy(frame -> assertThat(frame).contains("FailingHandler.handleRequest"));
        var payload = Json.tree(invocation.payloadText());
        assertThat(payload.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(payload.path("errorMessage").asText()).isEqualTo("boom: disk full");
    }

    @Test
    void environmentStaysWarmAfterAFunctionError() {
        var before = lambda.invoke("Failing", json("{}")).payloadText();
        lambda.invoke("Failing", json("{\"reason\":\"again\"}"));
        var after = lambda.invoke("Failing", json("{}")).payloadText();

        assertThat(after).isEqualTo(before);
    }

    @Test
    void timeoutKillsTheEnvironmentAndTheNextInvocationGetsAFreshOne() {
        var firstPid = Long.parseLong(lambda.invoke("Sleepy", json("0")).payloadText());

        var timedOut = lambda.invoke("Sleepy", json("60000"));

        assertThat(timedOut.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(timedOut.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat(timedOut.errorMessage()).contains(timedOut.requestId()).contains("Task timed out after 1.00 seconds");
        assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
        var next = lambda.invoke("Sleepy", json("0"));
        assertThat(next.outcome()).as(next.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(Long.parseLong(next.payloadText())).isNotEqualTo(firstPid);
    }

    @Test
    void unknownHandlerClassIsAnInitErrorNamingTheClass() {
        var invocation = lambda.invoke("Missing", json("{}"));

        assertThat(invocation.outcome()).isEqualTo(Outcome.INIT_ERROR);
        assertThat(invocation.errorType()).isEqualTo("java.lang.ClassNotFoundException");
        assertThat(invocation.errorMessage()).isEqualTo("Class not found: " + FixtureFunctions.FIXTURES + "NoSuchHandler");
    }

    @Test
    void staticInitializerFailureIsAnInitErrorCarryingTheCause() {
        var invocation = lambda.invoke("BrokenInit", json("{}"));

        assertThat(invocation.outcome()).isEqualTo(Outcome.INIT_ERROR);
        assertThat(invocation.errorType()).isEqualTo("java.lang.ExceptionInInitializerError");
        assertThat(invocation.errorMessage()).contains(FixtureFunctions.FIXTURES + "BrokenInitHandler");
        assertThat(invocation.stackTrace()).as(invocation.payloadText())
                .contains("Caused by: java.lang.IllegalStateException: Missing required environment variable TABLE_NAME")
                .noneMatch(String::isBlank);
    }

    @Test
    void reservedConcurrencyOfOneThrottlesASecondConcurrentInvocation() throws Exception {
        var started = directory.resolve("gate-started");
        var release = directory.resolve("gate-release");
        var event = json(Json.write(Map.of("started", started.toString(), "release", release.toString())));
        var first = CompletableFuture.supplyAsync(() -> lambda.invoke("Gate", event));
        awaitFile(started, first);

        var second = lambda.invoke("Gate", event);

        assertThat(second.outcome()).isEqualTo(Outcome.THROTTLED);
        assertThat(second.errorType()).isEqualTo("TooManyRequestsException");
        Files.createFile(release);
        var firstResult = first.get();
        assertThat(firstResult.outcome()).as(firstResult.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(firstResult.payloadText()).isEqualTo("\"released\"");
    }

    @Test
    void reservedConcurrencyOfZeroThrottlesEverything() {
        assertThat(lambda.invoke("Disabled", json("{}")).outcome()).isEqualTo(Outcome.THROTTLED);
    }

    @Test
    void httpApiEventReachesTheHandlerThroughTheRuntimesSerializers() throws Exception {
        var event = Files.readAllBytes(Path.of("events/http-api-request.json"));

        var invocation = lambda.invoke("HttpApi", event, "HttpApi:Echo");

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.SUCCESS);
        JsonNode response = Json.tree(invocation.payloadText());
        assertThat(response.path("statusCode").asInt()).isEqualTo(201);
        assertThat(response.path("headers").path("content-type").asText()).isEqualTo("text/plain");
        assertThat(response.path("body").asText())
                .isEqualTo("POST /echo route=POST /echo q=lambda agent=curl/8.5.0 base64=true cookies=[session=abc]");
    }

    @Test
    void sqsEventReachesTheHandlerThroughTheRuntimesSerializers() throws Exception {
        var event = Files.readAllBytes(Path.of("events/sqs-batch.json"));

        var invocation = lambda.invoke("Queue", event, "SQS:Posts");

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.SUCCESS);
        assertThat(Json.tree(invocation.payloadText()).path("batchItemFailures").findValuesAsText("itemIdentifier"))
                .containsExactly("5f1c6a8e-3b1d-4c2a-9f0e-7d2b8a41c002", "5f1c6a8e-3b1d-4c2a-9f0e-7d2b8a41c003");
    }

    @Test
    void everyInvocationIsLoggedWithItsFunctionTriggerOutcomeAndDuration() {
        LogCapture.start();

        var invocation = lambda.invoke("Failing", json("{\"reason\":\"logged\"}"), "SQS:Posts");

        assertThat(LogCapture.lines())
                .filteredOn(line -> line.logger().equals("dev.offstage.local.lambda.Invocations"))
                .singleElement()
                .satisfies(line -> assertThat(line.fields())
                        .containsEntry("function", "Failing")
                        .containsEntry("request_id", invocation.requestId())
                        .containsEntry("trigger", "SQS:Posts")
                        .containsEntry("outcome", "FUNCTION_ERROR")
                        .containsEntry("error_type", "java.lang.IllegalStateException")
                        .containsKey("duration_ms"));
    }

    @Test
    void initFailureIsLoggedAsAColdStart() {
        LogCapture.start();

        var invocation = lambda.invoke("Missing", json("{}"), "HttpApi:Missing");

        assertThat(LogCapture.lines())
                .filteredOn(line -> line.logger().equals("dev.offstage.local.lambda.Invocations"))
                .singleElement()
                .satisfies(line -> assertThat(line.fields())
                        .containsEntry("request_id", invocation.requestId())
                        .containsEntry("outcome", "INIT_ERROR")
                        .containsEntry("cold_start", "true"));
    }

    @Test
    void functionOutputLinesAreTaggedWithTheFunction() throws InterruptedException {
        LogCapture.start();

        var invocation = lambda.invoke("WarmEcho", json("{}"));

        awaitLogLine("echo handled " + invocation.requestId());
        assertThat(LogCapture.lines())
                .filteredOn(line -> line.message().equals("echo handled " + invocation.requestId()))
                .singleElement()
                .satisfies(line -> {
                    assertThat(line.logger()).isEqualTo("function.WarmEcho");
                    assertThat(line.fields()).containsEntry("function", "WarmEcho");
                });
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Output is pumped on its own thread: it may land just after the invocation returns. */
    private static void awaitLogLine(String message) throws InterruptedException {
        var deadline = Instant.now().plusSeconds(10);
        while (LogCapture.lines().stream().noneMatch(line -> line.message().equals(message))) {
            assertThat(Instant.now()).as("log line '%s' within 10 s", message).isBefore(deadline);
            Thread.sleep(POLL_INTERVAL);
        }
    }

    private static void awaitFile(Path file, CompletableFuture<Invocation> invocation) throws InterruptedException {
        var deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(file)) {
            assertThat(invocation).as("the gate invocation ended before it started: %s", invocation).isNotDone();
            assertThat(Instant.now()).as("%s within 30 s", file).isBefore(deadline);
            Thread.sleep(POLL_INTERVAL);
        }
    }
}
