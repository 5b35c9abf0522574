package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Post processing as an application meets it: {@code template.yaml} under the local runtime, post
 * events sent to the posts queue and to {@code POST /posts}, results read back through search,
 * moderation and analytics. A seeded stream of events, every one sent twice and all shuffled,
 * must end in exactly what a plain in-memory model of the same events says: the newest version
 * of each post counts, a deletion wins, spam never shows in search. Bad events never get through:
 * HTTP callers get 400 naming the field, queue messages end in the posts dead-letter queue with
 * the reason logged, and the good events around them are not lost.
 */
class PostsPipelineEndToEndTest {

    /** Bounds every wait; a bad queue message needs PostsMaxReceiveCount visibility timeouts (4 × 30 s) to reach the DLQ. */
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final long SEED = 20261127L;
    private static final List<String> QUEUES = List.of("PostsQueue", "PostsIndexQueue", "PostsSpamQueue", "PostsAnalyticsQueue");

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static PrintStream originalOut;
    private static LocalRuntime runtime;
    private static AwsClients aws;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        // Functions' JSON log lines go to the runtime's standard output: keep a copy to find the
        // reasons bad messages were logged with.
        originalOut = System.out;
        System.setOut(new PrintStream(new Tee(originalOut, LOG), true, StandardCharsets.UTF_8));
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                // Receives are spent by more than bad input: a throttled batch, and a retry while the
                // post's index lease (60 s) is still held by an invocation that timed out (cold starts
                // on a small machine). 4 × 30 s outlasts the lease; 2 receives lost good events.
                .withParameters(Map.of("PostsMaxReceiveCount", "4", "PostsVisibilityTimeoutSeconds", "30"))
                // As many environments per function as an SQS mapping runs batches at once (five, as
                // Lambda's pollers), so that no batch is throttled.
                .withLambdaSettings(new LambdaSettings(5, Emulators.ACCOUNT_ID))
                .withHttpPort(0));
        aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
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
        if (originalOut != null) {
            System.setOut(originalOut);
        }
    }

    // ---- the story ------------------------------------------------------------------------------

    @Test
    void shuffledDuplicatedEventsEndInExactlyTheModelsIndexVerdictsAndCounters() throws Exception {
        var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        var model = PostsModel.generate(new Random(SEED), now, 24);
        model.checkSpamRulesFire();
        var random = new Random(SEED + 1);
        var deliveries = new ArrayList<PostEvent>();
        for (var post : model.posts()) {
            deliveries.addAll(post.events());
            deliveries.addAll(post.events());
        }
        Collections.shuffle(deliveries, random);
        var bad = badQueueMessages(now);

        // Bad messages go in among the good ones: the fan-out batches them together.
        var badIds = new HashMap<String, BadMessage>();
        var badAt = new TreeMap<Integer, BadMessage>();
        for (var message : bad) {
            badAt.put(random.nextInt(deliveries.size()) * 100 + badAt.size(), message);
        }
        var queue = runtime.endpoints().queues().get("PostsQueue");
        var viaHttp = 0;
        for (int i = 0; i < deliveries.size(); i++) {
            for (var message : badAt.subMap(i * 100, (i + 1) * 100).values()) {
                var sent = aws.sqs().sendMessage(send -> send.queueUrl(queue).messageBody(message.body()));
                badIds.put(sent.messageId(), message);
            }
            var body = PostEventFormat.write(deliveries.get(i));
            if (random.nextBoolean()) {
                var response = post("/posts", body);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                viaHttp++;
            } else {
                aws.sqs().sendMessage(send -> send.queueUrl(queue).messageBody(new String(body, StandardCharsets.UTF_8)));
            }
        }
        assertThat(viaHttp).as("both ways in are used").isBetween(deliveries.size() / 4, deliveries.size() * 3 / 4);

        // Every bad message ends in the posts DLQ, its reason logged with its message id.
        var deadLetters = awaitDeadLetters("PostsDeadLetterQueue", bad.size());
        assertThat(deadLetters).extracting(Message::body).containsExactlyInAnyOrderElementsOf(
                bad.stream().map(BadMessage::body).toList());
        for (var letter : deadLetters) {
            var sent = badIds.get(letter.messageId());
            assertThat(sent).as("dead letter %s keeps the message id it was sent with", letter.messageId()).isNotNull();
            assertThat(logLines()).as("the reason for %s (%s) is logged", letter.messageId(), sent.field())
                    .anyMatch(line -> line.contains(letter.messageId()) && line.contains("ERROR") && line.contains(sent.reason()));
        }

        // Everything else arrives, exactly as the model says.
        await("queues drained and results equal to the model", () -> {
            var queued = QUEUES.stream().filter(name -> messagesIn(name) > 0).toList();
            return queued.isEmpty() ? model.differences(PostsPipelineEndToEndTest::getJson) : List.of("messages still in " + queued);
        });
        for (var dlq : List.of("PostsIndexDeadLetterQueue", "PostsSpamDeadLetterQueue", "PostsAnalyticsDeadLetterQueue")) {
            assertThat(messagesIn(dlq)).as("%s: no good event is lost", dlq).isZero();
        }

        // A clear ranking case: the short post that is mostly "kumquat" before the long one that says it once.
        assertThat(searchIds("kumquat")).containsExactly("rank-strong", "rank-weak");
        var hits = search("quokka").get("hits");
        for (var hit : hits) {
            assertThat(hit.get("snippet").asText().toLowerCase(Locale.ROOT)).contains("quokka");
        }

        // Spam never shows up, until a moderator says it is not spam.
        assertThat(searchIds("zorblax")).isEmpty();
        var verdict = moderate("spam-1", false, "e2e-unhide-1");
        assertThat(verdict.statusCode()).as(verdict.body()).isEqualTo(200);
        assertThat(Json.tree(verdict.body())).isEqualTo(Json.tree(
                "{\"postId\":\"spam-1\",\"outcome\":\"applied\",\"spam\":false,\"source\":\"moderator\"}"));
        assertThat(searchIds("zorblax")).containsExactly("spam-1");
        var retried = moderate("spam-1", false, "e2e-unhide-1");
        assertThat(Json.tree(retried.body()).get("outcome").asText()).isEqualTo("duplicate");
        assertThat(moderate("never-sent", true, "e2e-unknown").statusCode()).isEqualTo(404);
    }

    @Test
    void badHttpInputIsRefusedWith400NamingTheField() throws Exception {
        var good = "{\"type\":\"post.created\",\"postId\":\"bad-http\",\"version\":1,\"authorId\":\"alice\",\"text\":\"%s\","
                + "\"createdAt\":\"2026-11-27T08:30:00Z\",\"occurredAt\":\"2026-11-27T08:30:00Z\"}";
        var cases = new LinkedHashMap<String, byte[]>();
        cases.put("The event", utf8("{\"type\":\"post.created\",\"postId\":"));
        cases.put("/authorId:", utf8(good.formatted("hello").replace("\"authorId\":\"alice\",", "")));
        cases.put("/version:", utf8(good.formatted("hello").replace("\"version\":1", "\"version\":\"1\"")));
        cases.put("/type:", utf8(good.formatted("hello").replace("post.created", "post.liked")));
        cases.put("/text:", utf8(good.formatted("a".repeat(PostEventFormat.MAX_TEXT_LENGTH + 1))));
        var invalidUtf8 = utf8(good.formatted("caf__"));
        var at = new String(invalidUtf8, StandardCharsets.UTF_8).indexOf("__");
        invalidUtf8[at] = (byte) 0xC3;
        invalidUtf8[at + 1] = (byte) 0x28;
        cases.put("The event is not valid UTF-8", invalidUtf8);

        for (var entry : cases.entrySet()) {
            // Bytes as they are: API Gateway hands a JSON-typed body to the function as text, with
            // invalid UTF-8 already replaced by U+FFFD; a body of another type arrives base64.
            var contentType = entry.getValue() == invalidUtf8 ? "application/octet-stream" : "application/json";
            var response = post("/posts", contentType, entry.getValue());
            assertThat(response.statusCode()).as("%s: %s", entry.getKey(), response.body()).isEqualTo(400);
            var error = Json.tree(response.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("invalid_event");
            assertThat(error.get("message").asText()).startsWith(entry.getKey());
        }
        assertThat(post("/posts", utf8(good.formatted("x".repeat(PostEventFormat.MAX_EVENT_BYTES)))).statusCode())
                .isEqualTo(413);
    }

    /** A queue message that is not a post event, and the field its reason names ("" for the whole document). */
    private record BadMessage(String field, String body) {

        /** The start of the reason logged for it. */
        String reason() {
            return field.isEmpty() ? "The event" : field + ":";
        }
    }

    /** One message per kind of bad input. */
    private static List<BadMessage> badQueueMessages(Instant now) {
        var good = "{\"type\":\"post.created\",\"postId\":\"bad-sqs-%s\",\"version\":1,\"authorId\":\"alice\",\"text\":\"%s\","
                + "\"createdAt\":\"" + now + "\",\"occurredAt\":\"" + now + "\"}";
        return List.of(
                new BadMessage("", "{\"type\":\"post.created\",\"postId\":\"bad-sqs-json\","),
                new BadMessage("/authorId", good.formatted("missing", "hello").replace("\"authorId\":\"alice\",", "")),
                new BadMessage("/version", good.formatted("type", "hello").replace("\"version\":1", "\"version\":\"1\"")),
                new BadMessage("/type", good.formatted("unknown", "hello").replace("post.created", "post.liked")),
                new BadMessage("/text", good.formatted("long", "a".repeat(PostEventFormat.MAX_TEXT_LENGTH + 1))),
                // SQS bodies are Unicode text, so a queue cannot carry invalid UTF-8 bytes; an escaped
                // lone surrogate is the same defect written in JSON.
                new BadMessage("/text", good.formatted("surrogate", "broken \\ud800 text")));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static URI api(String path) {
        return URI.create(runtime.endpoints().httpApi() + path);
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return post(path, "application/json", body);
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(api(path)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> moderate(String postId, boolean spam, String requestId) throws Exception {
        var body = Json.write(Map.of("spam", spam, "moderator", "e2e", "note", "end-to-end test", "requestId", requestId));
        return post("/moderation/" + postId, utf8(body));
    }

    private static JsonNode getJson(String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(api(path)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.tree(response.body());
    }

    private static JsonNode search(String query) throws Exception {
        return getJson("/search?limit=50&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }

    private static List<String> searchIds(String query) throws Exception {
        return PostsModel.searchIds(PostsPipelineEndToEndTest::getJson, query);
    }

    private static long messagesIn(String queueName) {
        var attributes = aws.sqs().getQueueAttributes(get -> get.queueUrl(runtime.endpoints().queues().get(queueName))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    private static List<Message> awaitDeadLetters(String queueName, int count) {
        var queue = runtime.endpoints().queues().get(queueName);
        var letters = new LinkedHashMap<String, Message>();
        var deadline = Instant.now().plus(WAIT);
        while (letters.size() < count && Instant.now().isBefore(deadline)) {
            // Received, not deleted: they come back after the DLQ's visibility timeout, long after this test.
            aws.sqs().receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1).maxNumberOfMessages(10)).messages()
                    .forEach(message -> letters.put(message.messageId(), message));
        }
        assertThat(letters).as("dead letters in %s within %s", queueName, WAIT).hasSize(count);
        return List.copyOf(letters.values());
    }

    private interface Check {
        List<String> differences() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        var deadline = Instant.now().plus(WAIT);
        var differences = check.differences();
        while (!differences.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            differences = check.differences();
        }
        assertThat(differences).as("%s within %s", what, WAIT).isEmpty();
    }

    private static List<String> logLines() {
        synchronized (LOG) {
            return LOG.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {

        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) throws IOException {
            console.write(b);
            synchronized (copy) {
                copy.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            console.write(bytes, offset, length);
            synchronized (copy) {
                copy.write(bytes, offset, length);
            }
        }

        @Override
        public void flush() throws IOException {
            console.flush();
        }
    }
}
