package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.posts.spam.Signals;
import dev.offstage.posts.spam.SpamConfig;
import dev.offstage.posts.spam.SpamScorer;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    private static final List<String> AUTHORS = List.of("alice", "bob_2", "carol-3", "dave");
    private static final List<String> WORDS = List.of("morning", "release", "coffee", "build", "deploy", "music",
            "garden", "river", "lunch", "train", "window", "paper");
    /** Words search is checked for: each appears in some versions of some posts. */
    private static final List<String> DISTINCTIVE = List.of("quokka", "zeppelin", "marzipan");
    private static final List<String> HASHTAGS = List.of("#java", "#serverless", "#Coffee", "#offstage", "#music");
    private static final List<String> MENTIONS = List.of("@alice", "@bob_2", "@carol");
    private static final Pattern HASHTAG = Pattern.compile("#(\\w+)");
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
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
        var model = Model.generate(new Random(SEED), now);
        model.checkSpamRulesFire();
        var random = new Random(SEED + 1);
        var deliveries = new ArrayList<PostEvent>();
        for (var post : model.posts.values()) {
            deliveries.addAll(post.events);
            deliveries.addAll(post.events);
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
            return queued.isEmpty() ? model.differences() : List.of("messages still in " + queued);
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

    // ---- the model ------------------------------------------------------------------------------

    /** One post as the test made it: its events, oldest version first; spam by construction. */
    private record Post(String id, String authorId, Instant createdAt, List<PostEvent> events, boolean spam) {

        PostEvent newest() {
            return events.getLast();
        }

        boolean live() {
            return newest().type() != PostEvent.Type.DELETED;
        }

        boolean searchable() {
            return live() && !spam;
        }

        Set<String> hashtags() {
            return HASHTAG.matcher(newest().text()).results().map(match -> match.group(1).toLowerCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> words() {
            return Arrays.stream(WORD_SEPARATORS.split(newest().text().toLowerCase(Locale.ROOT))).collect(Collectors.toSet());
        }
    }

    /** What the pipeline must end in, computed from the posts alone, and how the APIs differ from it. */
    private static final class Model {

        final Map<String, Post> posts = new LinkedHashMap<>();
        final Instant now;

        private Model(Instant now) {
            this.now = now;
        }

        static Model generate(Random random, Instant now) {
            var model = new Model(now);
            for (int i = 1; i <= 24; i++) {
                var id = "p%02d".formatted(i);
                var author = AUTHORS.get(random.nextInt(AUTHORS.size()));
                var created = now.minus(5 + random.nextInt(150), ChronoUnit.MINUTES);
                var texts = new ArrayList<String>();
                for (int v = 1 + random.nextInt(3); v > 0; v--) {
                    texts.add(ordinaryText(random, id));
                }
                model.add(id, author, created, texts, random.nextInt(5) == 0, false);
            }
            var created = now.minus(30, ChronoUnit.MINUTES);
            model.add("rank-strong", "carol-3", created, List.of("kumquat kumquat kumquat jam"), false, false);
            model.add("rank-weak", "carol-3", created, List.of("the market had pears apples plums figs grapes"
                    + " lemons limes melons and one kumquat near the river on a sunny morning #market"), false, false);
            model.add("spam-1", "mallory", created, List.of(spamText("A")), false, true);
            model.add("spam-2", "mallory", created, List.of(spamText("B"), spamText("C")), false, true);
            // Ordinary first, spam once edited: whichever arrives first, the newest verdict stands.
            model.add("spam-3", "bob_2", created, List.of("a calm post about a quokka and lunch by the river", spamText("D")),
                    false, true);
            return model;
        }

        private void add(String id, String author, Instant created, List<String> texts, boolean deleted, boolean spam) {
            var events = new ArrayList<PostEvent>();
            for (int v = 1; v <= texts.size(); v++) {
                var type = v == 1 ? PostEvent.Type.CREATED : PostEvent.Type.UPDATED;
                events.add(new PostEvent(type, id, v, author, texts.get(v - 1), created, created.plusSeconds(60L * v),
                        v % 2 == 0 ? "en" : null));
            }
            if (deleted) {
                var v = texts.size() + 1;
                events.add(new PostEvent(PostEvent.Type.DELETED, id, v, author, null, created, created.plusSeconds(60L * v), null));
            }
            posts.put(id, new Post(id, author, created, List.copyOf(events), spam));
        }

        private static String ordinaryText(Random random, String id) {
            var words = new ArrayList<String>();
            words.add(id);
            for (int n = 6 + random.nextInt(5); n > 0; n--) {
                words.add(WORDS.get(random.nextInt(WORDS.size())));
            }
            for (var word : DISTINCTIVE) {
                if (random.nextInt(3) == 0) {
                    words.add(random.nextInt(words.size()), word);
                }
            }
            for (int n = random.nextInt(3); n > 0; n--) {
                words.add(HASHTAGS.get(random.nextInt(HASHTAGS.size())));
            }
            if (random.nextBoolean()) {
                words.add(MENTIONS.get(random.nextInt(MENTIONS.size())));
            }
            return String.join(" ", words);
        }

        /** Shouting, three runs of repeated characters and four links: 1.5 + 2.25 + 2.25 points over the -3 prior. */
        private static String spamText(String offer) {
            return "WIN FREE ZORBLAX PRIZES NOW!!!! OFFER " + offer + " WOOOOW $$$$ HTTP://PRIZES.EXAMPLE/1"
                    + " HTTP://PRIZES.EXAMPLE/2 HTTP://PRIZES.EXAMPLE/3 HTTP://PRIZES.EXAMPLE/4 #DEALS";
        }

        /** The spam filter's own rules, with nothing learned yet, agree with the model about every post's newest text. */
        void checkSpamRulesFire() {
            var scorer = new SpamScorer(SpamConfig.defaults());
            for (var post : posts.values()) {
                for (var event : post.events) {
                    if (event.type() == PostEvent.Type.DELETED) {
                        continue;
                    }
                    var verdict = scorer.score(event, Signals.none());
                    var spam = post.spam && event.text().contains("ZORBLAX");
                    assertThat(verdict.spam()).as("%s v%d: %s", post.id, event.version(), verdict.reasons()).isEqualTo(spam);
                    assertThat(verdict.score()).as("%s v%d is clearly on its side of the threshold", post.id, event.version())
                            .isNotCloseTo(SpamConfig.DEFAULT_THRESHOLD, org.assertj.core.data.Offset.offset(0.4));
                }
            }
        }

        List<Map<String, Object>> trending() {
            var counts = new TreeMap<String, Long>();
            posts.values().stream().filter(Post::live).forEach(post -> post.hashtags().forEach(tag -> counts.merge(tag, 1L, Long::sum)));
            return counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .map(entry -> Map.<String, Object>of("hashtag", entry.getKey(), "posts", entry.getValue()))
                    .toList();
        }

        Map<String, Object> author(String authorId, int days) {
            var today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            var perDay = new ArrayList<Map<String, Object>>();
            for (int back = days - 1; back >= 0; back--) {
                var day = today.minusDays(back);
                var count = posts.values().stream().filter(Post::live).filter(post -> post.authorId.equals(authorId))
                        .filter(post -> LocalDate.ofInstant(post.createdAt, ZoneOffset.UTC).equals(day)).count();
                perDay.add(Map.of("day", day.toString(), "count", count));
            }
            var total = posts.values().stream().filter(Post::live).filter(post -> post.authorId.equals(authorId)).count();
            return Map.of("authorId", authorId, "days", perDay, "total", total);
        }

        Set<String> searchable(String word) {
            return posts.values().stream().filter(Post::searchable).filter(post -> post.words().contains(word))
                    .map(Post::id).collect(Collectors.toCollection(TreeSet::new));
        }

        /** Where the APIs disagree with the model; empty when they agree. */
        List<String> differences() throws Exception {
            var differences = new ArrayList<String>();
            var trending = getJson("/analytics/trending?hours=24&limit=100");
            if (!trending.get("hashtags").equals(tree(trending()))) {
                differences.add("trending " + trending.get("hashtags") + " != " + Json.write(trending()));
            }
            var authors = new LinkedHashSet<>(AUTHORS);
            authors.add("mallory");
            for (var author : authors) {
                var stats = getJson("/analytics/authors/" + author + "?days=7");
                var expected = tree(author(author, 7));
                if (!stats.equals(expected)) {
                    differences.add("author " + stats + " != " + expected);
                }
            }
            for (var word : List.of("quokka", "zeppelin", "marzipan", "kumquat", "zorblax")) {
                var found = new TreeSet<>(searchIds(word));
                if (!found.equals(searchable(word))) {
                    differences.add("search " + word + " " + found + " != " + searchable(word));
                }
            }
            return differences;
        }
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

    /** The JSON tree of {@code value} as a response would carry it (numbers compare by value). */
    private static JsonNode tree(Object value) {
        return Json.tree(Json.write(value));
    }

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
        var ids = new ArrayList<String>();
        search(query).get("hits").forEach(hit -> ids.add(hit.get("postId").asText()));
        return ids;
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
