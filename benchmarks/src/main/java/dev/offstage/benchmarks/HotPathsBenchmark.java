package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offstage.ci.webhook.SignatureVerifier;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.index.PostAnalyzers;
import dev.offstage.posts.index.SearchHit;
import dev.offstage.posts.spam.Signals;
import dev.offstage.posts.spam.SpamConfig;
import dev.offstage.posts.spam.SpamScorer;
import dev.offstage.posts.spam.TokenModel;
import dev.offstage.posts.spam.Verdict;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.logging.LambdaLogging;
import dev.offstage.testing.TestContext;
import dev.offstage.video.segments.SegmentMessage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU hot paths of a warm invocation, each beside a baseline that does the least the same
 * job needs, in the same run (names {@code <path>_<variant>}; {@code scripts/bench-hotpaths}
 * prints each path's ratio to its {@code …_baseline…}):
 * <ul>
 *   <li><b>signature</b>: {@link SignatureVerifier#verify} of {@code events/github-push.json}'s body
 *       against a bare {@code Mac} HmacSHA256 and {@link MessageDigest#isEqual} over the same bytes
 *       (a new {@code Mac} per call, as the verifier does, and one reused per thread: the floor);</li>
 *   <li><b>analyzer</b>: {@link PostAnalyzers#terms} of a realistic post against a
 *       {@code toLowerCase}/{@code split} tokenizer;</li>
 *   <li><b>spam</b>: {@link SpamScorer#score} of the same post (a trained token model) against
 *       the same split tokenizer ({@link TokenModel#tokens}, the scorer's own tokenizer);</li>
 *   <li><b>postEventJson, segmentJson, webhookJson, answerJson</b>: what the handlers do with a message body or answer — {@link PostEvent#parse},
 *       {@link SegmentMessage#parse}, {@code Json.read} of the webhook payload, {@code ApiResponses.json}
 *       of a search answer — against a default {@code new ObjectMapper()} doing
 *       {@code readTree} (or {@code writeValueAsString}) of the same bytes;</li>
 *   <li><b>log</b>: one INFO line with two arguments inside an invocation, through SLF4J and
 *       Offstage's backend into a {@code System.out} that discards, against the same fields
 *       built with a {@code StringBuilder} (no escaping, no redaction) and with
 *       {@code String.format}, written to the same stream.</li>
 * </ul>
 * Pure CPU, no emulators. Run with {@code scripts/bench-hotpaths}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathsBenchmark {

    private static final String SECRET = "local-github-webhook-secret";
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** A realistic post: 475 characters, a link, a mention, hashtags, an emoji, some punctuation. */
    static final String POST_TEXT = "Finally finished restoring the old lighthouse keeper's logbook from 1911! "
            + "Thanks @marta_k for the scans. The entries about the winter storms are incredible: "
            + "\"Wind NNE, heavy seas, lamp trimmed twice before midnight.\" I wrote up the whole story, "
            + "with photos of the brass fittings and the original lens, here: https://blog.example.org/lighthouse-logbook-1911 "
            + "Next weekend we're visiting the archive in Plymouth to look for the keeper's letters 🌊 "
            + "#lighthouses #history #archives";

    // Signature
    private SignatureVerifier verifier;
    private SecretKeySpec key;
    private byte[] webhookBody;
    private String signatureHeader;
    private byte[] claimedMac;
    private final ThreadLocal<Mac> reusedMac = ThreadLocal.withInitial(() -> newMac());

    // Analyzer and spam
    private PostAnalyzers analyzers;
    private SpamScorer scorer;
    private PostEvent post;
    private Signals signals;

    // JSON
    private ObjectMapper plainMapper;
    private String postEventBody;
    private String segmentBody;
    private String webhookJson;
    private Map<String, Object> searchAnswer;

    // Logging
    private PrintStream originalOut;
    private PrintStream discard;
    private Logger log;
    private LambdaLogging.Invocation invocation;
    private TestContext context;

    @Setup(Level.Trial)
    public void start() throws Exception {
        APIGatewayV2HTTPEvent push = EventLoader.loadApiGatewayHttpEvent("events/github-push.json");
        webhookBody = Base64.getDecoder().decode(push.getBody());
        signatureHeader = push.getHeaders().get("x-hub-signature-256");
        verifier = new SignatureVerifier(SECRET);
        key = new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        claimedMac = HexFormat.of().parseHex(signatureHeader.substring("sha256=".length()));
        webhookJson = new String(webhookBody, StandardCharsets.UTF_8);

        analyzers = new PostAnalyzers();
        scorer = new SpamScorer(SpamConfig.defaults().withBlocklist(java.util.Set.of("spam.example", "bit.ly")));
        var now = Instant.parse("2026-11-27T09:20:00Z");
        post = new PostEvent(PostEvent.Type.CREATED, "p-2001", 1, "ada", POST_TEXT, now, now, "en");
        // A trained model: some hundreds of learned tokens, a few of them in the post.
        var weights = new java.util.HashMap<String, Double>();
        for (int i = 0; i < 500; i++) {
            weights.put("token" + i, (i % 7 - 3) * 0.1);
        }
        weights.put("finally", -0.2);
        weights.put("photos", -0.1);
        weights.put("visiting", 0.05);
        weights.put("free", 1.2);
        signals = new Signals(1, new TokenModel(42, weights));

        plainMapper = new ObjectMapper();
        SQSEvent spam = EventLoader.loadSQSEvent("events/posts-sqs-spam.json");
        postEventBody = spam.getRecords().getFirst().getBody().replace(
                "Reading about lighthouses this evening #offstage", POST_TEXT.replace("\"", "\\\""));
        SQSEvent segment = EventLoader.loadSQSEvent("events/video-sqs-segment.json");
        segmentBody = segment.getRecords().getFirst().getBody();
        var hits = new ArrayList<SearchHit>();
        for (int i = 0; i < 10; i++) {
            hits.add(new SearchHit("p-" + (2000 + i), 3.25 - i * 0.1, POST_TEXT.substring(0, 160)));
        }
        // The answer SearchApi builds from a page of 10 hits.
        searchAnswer = new LinkedHashMap<>();
        searchAnswer.put("query", "lighthouse logbook");
        searchAnswer.put("hits", List.copyOf(hits));
        searchAnswer.put("nextCursor", "eyJvZmZzZXQiOjEwfQ");

        originalOut = System.out;
        discard = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        System.setOut(discard);
        log = LoggerFactory.getLogger("dev.offstage.posts.spam.SpamConsumer");
        context = TestContext.forFunction("PostsSpamFunction");
        invocation = LambdaLogging.begin(context);

        // Every path does its job before anything is measured.
        check(signature_verifier() && signature_baselineMacPerCall() && signature_baselineMacReused(), "signature");
        check(analyzer_postAnalyzers().contains("lighthous"), "analyzer terms " + analyzer_postAnalyzers());
        check(!spam_scorer().spam(), "spam verdict " + spam_scorer());
        check(postEventJson_parse().text().equals(POST_TEXT), "post event text");
        check(segmentJson_parse().count() == 3, "segment message");
        check(webhookJson_read().path("ref").isTextual(), "webhook payload");
        check(answerJson_apiResponses().getBody().equals(answerJson_baselineWrite()), "search answer JSON "
                + answerJson_apiResponses().getBody() + " vs " + answerJson_baselineWrite());
    }

    @TearDown(Level.Trial)
    public void stop() {
        invocation.close();
        System.setOut(originalOut);
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("Hot path did not do its job: " + what);
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- signature verification -------------------------------------------------------------

    @Benchmark
    public boolean signature_verifier() {
        return verifier.verify(webhookBody, signatureHeader);
    }

    @Benchmark
    public boolean signature_baselineMacPerCall() throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return MessageDigest.isEqual(mac.doFinal(webhookBody), claimedMac);
    }

    @Benchmark
    public boolean signature_baselineMacReused() throws Exception {
        var mac = reusedMac.get();
        mac.init(key);
        return MessageDigest.isEqual(mac.doFinal(webhookBody), claimedMac);
    }

    // ---- analyzer and spam scoring ----------------------------------------------------------

    @Benchmark
    public List<String> analyzer_postAnalyzers() {
        return analyzers.terms(POST_TEXT, "en");
    }

    @Benchmark
    public List<String> analyzer_baselineSplit() {
        var terms = new ArrayList<String>();
        for (var word : SEPARATORS.split(POST_TEXT.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                terms.add(word);
            }
        }
        return terms;
    }

    /** Its many regex paths take C2 longer than the others on a loaded machine: more warm-up. */
    @Benchmark
    @Warmup(iterations = 10, time = 1)
    public Verdict spam_scorer() {
        return scorer.score(post, signals);
    }

    @Benchmark
    public List<String> spam_baselineTokens() {
        return TokenModel.tokens(POST_TEXT);
    }

    // ---- JSON -------------------------------------------------------------------------------

    @Benchmark
    public PostEvent postEventJson_parse() {
        return PostEvent.parse(postEventBody);
    }

    @Benchmark
    public JsonNode postEventJson_baselineReadTree() throws Exception {
        return plainMapper.readTree(postEventBody);
    }

    @Benchmark
    public SegmentMessage segmentJson_parse() {
        return SegmentMessage.parse(segmentBody);
    }

    @Benchmark
    public JsonNode segmentJson_baselineReadTree() throws Exception {
        return plainMapper.readTree(segmentBody);
    }

    @Benchmark
    public JsonNode webhookJson_read() {
        return Json.read(webhookJson, JsonNode.class);
    }

    @Benchmark
    public JsonNode webhookJson_baselineReadTree() throws Exception {
        return plainMapper.readTree(webhookJson);
    }

    @Benchmark
    public APIGatewayV2HTTPResponse answerJson_apiResponses() {
        return ApiResponses.json(200, searchAnswer);
    }

    @Benchmark
    public String answerJson_baselineWrite() throws Exception {
        return plainMapper.writeValueAsString(searchAnswer);
    }

    // ---- log line formatting ----------------------------------------------------------------

    @Benchmark
    public void log_offstageInfo() {
        log.info("Scored post {} version {} as not spam", "p-2001", 1);
    }

    @Benchmark
    public void log_baselineStringBuilder() {
        var line = new StringBuilder(256)
                .append("{\"timestamp\":\"").append(Instant.ofEpochMilli(System.currentTimeMillis()))
                .append("\",\"level\":\"INFO\",\"message\":\"Scored post ").append("p-2001")
                .append(" version ").append(1).append(" as not spam")
                .append("\",\"logger\":\"dev.offstage.posts.spam.SpamConsumer\",\"function_name\":\"")
                .append(context.getFunctionName()).append("\",\"function_request_id\":\"")
                .append(context.getAwsRequestId()).append("\",\"cold_start\":true}\n");
        discard.write(line.toString().getBytes(StandardCharsets.UTF_8), 0, line.length());
        discard.flush();
    }

    @Benchmark
    public void log_baselineStringFormat() {
        var line = String.format(Locale.ROOT,
                "{\"timestamp\":\"%s\",\"level\":\"INFO\",\"message\":\"Scored post %s version %d as not spam\","
                        + "\"logger\":\"%s\",\"function_name\":\"%s\",\"function_request_id\":\"%s\",\"cold_start\":%b}%n",
                Instant.ofEpochMilli(System.currentTimeMillis()), "p-2001", 1,
                "dev.offstage.posts.spam.SpamConsumer", context.getFunctionName(), context.getAwsRequestId(), true);
        var bytes = line.getBytes(StandardCharsets.UTF_8);
        discard.write(bytes, 0, bytes.length);
        discard.flush();
    }
}
