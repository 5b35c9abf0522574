package dev.offstage.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.fixtures.EchoHandler;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.triggers.AsyncInvoker;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The end-to-end test template ({@code templates/e2e.yaml}) run as a user runs an application:
 * requests, messages and uploads go in through the HTTP API and the emulators' own APIs, and the
 * effects are observed where a user would see them — HTTP answers, and what the functions record
 * on the results queue. One runtime for the class; every test tags its messages and keys so that
 * it finds its own effects.
 */
class LocalRuntimeEndToEndTest {

    /** Read in place, not from target/test-classes: its CodeUri is relative to its folder. */
    static final Path TEMPLATE = Path.of("local/src/test/resources/templates/e2e.yaml");
    /** Lambda's asynchronous retry delays, from minutes down to milliseconds. */
    static final AsyncInvoker.Timing QUICK_RETRIES =
            new AsyncInvoker.Timing(Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(200));
    /** Bounds every wait; a failed SQS message needs two visibility timeouts (5 s each) to reach its DLQ. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalRuntime runtime;
    private static AwsClients aws;
    private static HttpClient http;
    private static QueueInbox results;
    private static QueueInbox deadLetters;
    private static QueueInbox uploadFailures;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(TEMPLATE)
                .withParameters(Map.of("Greeting", "hello from the test"))
                .withSecrets(Map.of("DeployToken", TestSecrets.LOCAL_SECRET_OPTION))
                .withHttpPort(0)
                .withAsyncTiming(QUICK_RETRIES));
        aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        var queues = runtime.endpoints().queues();
        results = new QueueInbox(aws.sqs(), queues.get("ResultsQueue"));
        deadLetters = new QueueInbox(aws.sqs(), queues.get("JobsDeadLetterQueue"));
        uploadFailures = new QueueInbox(aws.sqs(), queues.get("UploadFailuresQueue"));
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    // ---- HTTP API -------------------------------------------------------------------------------

    @Test
    void httpRequestReachesItsRouteAndTheHandlersResponseComesBackWithHeadersAndCookies() throws Exception {
        var request = HttpRequest.newBuilder(api("/echo/Ada%20Lovelace?lang=en&lang=fr&page=2"))
                .header("x-offstage-test", "from the story")
                .header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("title=Hello+World&tags=a%2Cb"))
                .build();

        var response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(response.headers().firstValue("x-echo-route")).hasValue("ANY /echo/{name}");
        assertThat(response.headers().allValues("set-cookie"))
                .containsExactly("visited=yes; Path=/; HttpOnly", "theme=dark; Max-Age=60");
        var echo = Json.tree(response.body());
        assertThat(echo.path("method").asText()).isEqualTo("POST");
        assertThat(echo.path("path").asText()).isEqualTo("/echo/Ada Lovelace");
        assertThat(echo.path("routeKey").asText()).isEqualTo("ANY /echo/{name}");
        assertThat(echo.path("pathParameters").path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(echo.path("query").path("lang").asText()).isEqualTo("en,fr");
        assertThat(echo.path("query").path("page").asText()).isEqualTo("2");
        // A form post travels base64-encoded, as in API Gateway; the handler reads the bytes sent.
        assertThat(echo.path("bodyWasBase64").asBoolean()).isTrue();
        assertThat(echo.path("body").asText()).isEqualTo("title=Hello+World&tags=a%2Cb");
        assertThat(echo.path("header").asText()).isEqualTo("from the story");
    }

    @Test
    void snapStartFunctionRanItsHooksBeforeItsFirstRequest() throws Exception {
        var response = http.send(HttpRequest.newBuilder(api("/echo/hooks")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        var echo = Json.tree(response.body());
        assertThat(echo.path("initializationType").asText()).isEqualTo("snap-start");
        assertThat(Json.read(echo.path("snapStartHooks").toString(), String[].class))
                .containsExactly("beforeCheckpoint", "afterRestore");
    }

    @Test
    void base64BodyFromTheHandlerArrivesAsTheOriginalBytes() throws Exception {
        var response = http.send(HttpRequest.newBuilder(api("/pixel")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(response.body()).isEqualTo(EchoHandler.pixel());
        assertThat(response.headers().allValues("set-cookie")).isEmpty();
    }

    @Test
    void handlerRejectionKeepsItsStatusAndErrorBody() throws Exception {
        var response = http.send(HttpRequest.newBuilder(api("/echo/nobody")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.tree(response.body()).path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void requestThatNoRouteTakesIsApiGatewaysNotFound() throws Exception {
        var unknownPath = http.send(HttpRequest.newBuilder(api("/nowhere")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        var unknownMethod = http.send(HttpRequest.newBuilder(api("/pixel")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThat(unknownPath.body()).isEqualTo("{\"message\":\"Not Found\"}");
        assertThat(unknownMethod.statusCode()).isEqualTo(404);
        assertThat(unknownMethod.body()).isEqualTo("{\"message\":\"Not Found\"}");
    }

    // ---- SQS ------------------------------------------------------------------------------------

    @Test
    void failedMessageIsRetriedUntilTheDeadLetterQueueWhileTheOthersAreProcessedOnce() {
        var tag = tag();
        var first = "first " + tag;
        var failing = "please fail " + tag;
        var second = "second " + tag;

        sendTogether(first, failing, second);

        var deadLetter = deadLetters.awaitOne(body(failing), WAIT);
        // The receive count travels with the message: the mapping's maxReceiveCount (2) receives, then this test's.
        assertThat(Integer.parseInt(deadLetter.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)))
                .isGreaterThan(2);
        var processed = results.current(result -> result.body().contains(tag));
        assertThat(processed).extracting(QueueInbox::json).extracting(result -> result.path("body").asText())
                .containsExactlyInAnyOrder(first, second);
        assertThat(processed).extracting(QueueInbox::json).allSatisfy(result ->
                assertThat(result.path("receiveCount").asInt()).as("delivered once").isEqualTo(1));
    }

    @Test
    void crashFailsTheWholeBatchSoEveryMessageOfItIsRetried() {
        var tag = tag();
        var bystander = "bystander " + tag;
        var crashing = "please crash " + tag;

        sendTogether(bystander, crashing);

        // Both are delivered together again and again: the bystander fails with the batch each time.
        deadLetters.await(body(bystander).or(body(crashing)), 2, WAIT);
        assertThat(results.current(result -> result.body().contains(tag))).isEmpty();
    }

    // ---- S3 -------------------------------------------------------------------------------------

    @Test
    void sdkPutObjectSendsOneEventWithTheKeyEncodedAsS3EncodesIt() {
        var key = "incoming/" + tag() + " my report+final ü.txt";
        var bytes = "quarterly numbers".getBytes(StandardCharsets.UTF_8);

        var put = aws.s3().putObject(request -> request.bucket(uploadsBucket()).key(key), RequestBody.fromBytes(bytes));

        var upload = onlyUploadOf(key);
        assertThat(upload.path("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(upload.path("bucket").asText()).isEqualTo(uploadsBucket());
        assertThat(upload.path("encodedKey").asText())
                .isEqualTo(key.substring(0, key.indexOf(' ')) + "+my+report%2Bfinal+%C3%BC.txt");
        assertThat(upload.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(upload.path("eTag").asText()).isEqualTo(put.eTag().replace("\"", ""));
    }

    @Test
    void multipartUploadSendsOneCompleteMultipartUploadEvent() {
        var key = "incoming/" + tag() + " big+file ü.txt";
        var bucket = uploadsBucket();
        var firstPart = new byte[5 * 1024 * 1024];
        var lastPart = new byte[1024];
        var s3 = aws.s3();
        var upload = s3.createMultipartUpload(request -> request.bucket(bucket).key(key));
        var part1 = s3.uploadPart(request -> request.bucket(bucket).key(key).uploadId(upload.uploadId()).partNumber(1),
                RequestBody.fromBytes(firstPart));
        var part2 = s3.uploadPart(request -> request.bucket(bucket).key(key).uploadId(upload.uploadId()).partNumber(2),
                RequestBody.fromBytes(lastPart));

        var completed = s3.completeMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(upload.uploadId())
                .multipartUpload(parts -> parts.parts(
                        CompletedPart.builder().partNumber(1).eTag(part1.eTag()).build(),
                        CompletedPart.builder().partNumber(2).eTag(part2.eTag()).build())));

        var event = onlyUploadOf(key);
        assertThat(event.path("eventName").asText()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(event.path("encodedKey").asText()).endsWith("+big%2Bfile+%C3%BC.txt");
        assertThat(event.path("size").asLong()).isEqualTo(firstPart.length + lastPart.length);
        assertThat(event.path("eTag").asText()).isEqualTo(completed.eTag().replace("\"", "")).endsWith("-2");
    }

    @Test
    void uploadsOutsideThePrefixAndSuffixFilterTriggerNothing() {
        var tag = tag();
        var wrongSuffix = "incoming/" + tag + "-notes.csv";
        var wrongPrefix = "archive/" + tag + "-notes.txt";
        var matching = "incoming/" + tag + "-notes.txt";

        for (var key : List.of(wrongSuffix, wrongPrefix, matching)) {
            aws.s3().putObject(request -> request.bucket(uploadsBucket()).key(key), RequestBody.fromString("notes"));
        }

        results.awaitOne(result -> QueueInbox.json(result).path("key").asText().equals(matching), WAIT);
        awaitAsyncEventsDone();
        assertThat(results.current(result -> result.body().contains(tag)))
                .extracting(result -> QueueInbox.json(result).path("key").asText())
                .containsExactly(matching);
    }

    @Test
    void failingUploadIsRetriedThenItsInvocationRecordGoesToTheOnFailureQueue() {
        var key = "fail/" + tag() + ".txt";

        aws.s3().putObject(request -> request.bucket(uploadsBucket()).key(key), RequestBody.fromString("refused"));

        var record = QueueInbox.json(uploadFailures.awaitOne(message -> message.body().contains(key), WAIT));
        var context = record.path("requestContext");
        assertThat(context.path("condition").asText()).isEqualTo("RetriesExhausted");
        // The first attempt and MaximumRetryAttempts: 1 more.
        assertThat(context.path("approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(context.path("functionArn").asText())
                .endsWith(":function:" + runtime.endpoints().functions().get("UploadFunction") + ":$LATEST");
        assertThat(record.path("requestPayload").path("Records").path(0).path("s3").path("object").path("key").asText())
                .isEqualTo(key);
        assertThat(record.path("responseContext").path("functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.path("responsePayload").path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        // The function saw the request id the record names, on the last attempt as on the first.
        assertThat(record.path("responsePayload").path("errorMessage").asText())
                .isEqualTo("Uploads under fail/ are refused: " + key + " (request " + context.path("requestId").asText() + ")");
        awaitAsyncEventsDone();
        assertThat(results.current(result -> result.body().contains(key))).isEmpty();
    }

    // ---- environment ----------------------------------------------------------------------------

    @Test
    void functionsGetGlobalsAndTheirOwnVariablesWithParametersAndReferencesResolved() throws Exception {
        var resultsQueueUrl = runtime.endpoints().queues().get("ResultsQueue");
        var functions = runtime.application().functions();

        assertThat(functions.get("EchoFunction").environment()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "GREETING", "hello from the test",
                "RESULTS_QUEUE_URL", resultsQueueUrl,
                "LOG_LEVEL", "DEBUG"));
        assertThat(functions.get("BatchFunction").environment()).containsEntry("LOG_LEVEL", "INFO");
        assertThat(functions.get("UploadFunction").events()).filteredOn(event -> event.name().equals("Incoming"))
                .singleElement().isInstanceOfSatisfying(EventSource.S3.class, s3 ->
                        assertThat(s3.prefix()).as("the parameter's default").isEqualTo("incoming/"));
        // The URL is one a client can use: the queue exists under it.
        assertThat(aws.sqs().getQueueAttributes(request -> request.queueUrl(resultsQueueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes()).containsKey(QueueAttributeName.QUEUE_ARN);
        // And the function's process has what the template resolved.
        var echo = http.send(HttpRequest.newBuilder(api("/echo/env")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(Json.tree(echo.body()).path("greeting").asText()).isEqualTo("hello from the test");
    }

    // ---- secrets --------------------------------------------------------------------------------

    @Test
    void functionReadsAGeneratedSecretThroughSecretsManagerAtItsRef() throws Exception {
        var answer = Json.tree(http.send(HttpRequest.newBuilder(api("/secrets/webhook_secret_arn")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());

        // Ref gives the ARN without the random suffix, which GetSecretValue accepts as AWS does.
        var secret = runtime.endpoints().secrets().get("GitHubWebhookSecret");
        assertThat(answer.path("secretId").asText()).isEqualTo("arn:aws:secretsmanager:us-east-1:000000000000:secret:" + secret.name());
        assertThat(secret.arn()).startsWith(answer.path("secretId").asText() + "-");
        assertThat(answer.path("value").asText()).isEqualTo("local-github-webhook-secret");
    }

    @Test
    void generatedKeyIsSetInsideTheSecretStringTemplate() throws Exception {
        var answer = Json.tree(http.send(HttpRequest.newBuilder(api("/secrets/app_credentials_arn")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());

        assertThat(answer.path("secretId").asText()).endsWith(":secret:offstage/app-credentials");
        var credentials = Json.tree(answer.path("value").asText());
        assertThat(credentials.path("user").asText()).isEqualTo("offstage");
        assertThat(credentials.path("password").asText()).isEqualTo("local-app-credentials");
    }

    @Test
    void secretOptionReplacesTheTemplatesValue() throws Exception {
        var answer = Json.tree(http.send(HttpRequest.newBuilder(api("/secrets/deploy_token_id")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());

        assertThat(answer.path("value").asText()).isEqualTo(TestSecrets.LOCAL_SECRET_OPTION);
        // Clients outside the functions find it too, by name, as the endpoints file tells them.
        var secret = runtime.endpoints().secrets().get("DeployToken");
        assertThat(secret.value()).isEqualTo(TestSecrets.LOCAL_SECRET_OPTION);
        assertThat(aws.secretsManager().getSecretValue(get -> get.secretId(secret.name())).secretString())
                .isEqualTo(TestSecrets.LOCAL_SECRET_OPTION);
        var endpointsJson = Json.tree(runtime.endpoints().toJson());
        assertThat(endpointsJson.path("secrets").path("DeployToken").path("value").asText()).isEqualTo(TestSecrets.LOCAL_SECRET_OPTION);
        assertThat(endpointsJson.path("secrets").path("DeployToken").path("arn").asText()).isEqualTo(secret.arn());
        assertThat(endpointsJson.path("endpoints").path("secretsmanager").asText()).startsWith("http://127.0.0.1:");
        assertThat(runtime.endpoints().summary()).contains("secret     DeployToken  " + secret.name() + " = " + TestSecrets.LOCAL_SECRET_OPTION);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static URI api(String pathAndQuery) {
        return runtime.endpoints().httpApi().resolve(pathAndQuery);
    }

    private static String uploadsBucket() {
        return runtime.endpoints().buckets().get("UploadsBucket");
    }

    /** A short unique word that keeps one test's messages and keys apart from the others'. */
    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Sends the bodies in one SendMessageBatch: they arrive together, within the mapping's batching window. */
    private static void sendTogether(String... bodies) {
        var entries = new ArrayList<SendMessageBatchRequestEntry>();
        for (int i = 0; i < bodies.length; i++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(bodies[i]).build());
        }
        var queueUrl = runtime.endpoints().queues().get("JobsQueue");
        var response = aws.sqs().sendMessageBatch(request -> request.queueUrl(queueUrl).entries(entries));
        assertThat(response.failed()).isEmpty();
    }

    private static Predicate<Message> body(String body) {
        return message -> message.body().equals(body);
    }

    /** The one event recorded for {@code key}, once every asynchronous event is done (so a second would show). */
    private static JsonNode onlyUploadOf(String key) {
        Predicate<Message> forKey = result -> QueueInbox.json(result).path("key").asText().equals(key);
        results.awaitOne(forKey, WAIT);
        awaitAsyncEventsDone();
        var events = results.current(forKey);
        assertThat(events).as("events for %s", key).hasSize(1);
        return QueueInbox.json(events.getFirst());
    }

    private static void awaitAsyncEventsDone() {
        var deadline = System.nanoTime() + WAIT.toNanos();
        while (runtime.pendingAsyncEvents() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for asynchronous events", e);
            }
        }
        assertThat(runtime.pendingAsyncEvents()).as("asynchronous events still pending after %s", WAIT).isZero();
    }
}
