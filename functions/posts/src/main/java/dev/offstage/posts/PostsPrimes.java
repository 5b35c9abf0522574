package dev.offstage.posts;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.offstage.posts.api.AnalyticsApi;
import dev.offstage.posts.api.ModerationApi;
import dev.offstage.posts.api.SearchApi;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.index.PostAnalyzers;
import dev.offstage.posts.intake.PostIntake;
import dev.offstage.posts.spam.Signals;
import dev.offstage.posts.spam.SpamConfig;
import dev.offstage.posts.spam.SpamScorer;
import dev.offstage.posts.spam.SpamStore;
import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Primes;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What each post function's first request does, done once before a SnapStart snapshot (see
 * {@link dev.offstage.shared.priming.Priming}): its trigger's JSON, the post event format, its
 * reads through the same clients, its API route on a request that only reads or is rejected before
 * anything is written. Nothing here writes: the queue producers send an empty batch, the consumers
 * only read, or make conditional writes whose condition can never hold.
 */
public final class PostsPrimes {

    /** A post the pipeline never receives: Lucene, the scorer and the parser see realistic text. */
    static final String SAMPLE_POST = """
            {"type":"post.created","postId":"offstage-priming","version":1,"authorId":"priming",
            "text":"Priming the analyzers: running searches, stemmed words & #hashtags for @someone https://example.com",
            "createdAt":"2026-11-27T09:14:03Z","occurredAt":"2026-11-27T09:14:03Z","lang":"en"}
            """;

    private PostsPrimes() {
    }

    /** {@code POST /posts}: a post that fails validation is answered 400 before anything is queued. */
    public static List<Prime> intake(PostsSetup setup, PostIntake intake) {
        return List.of(Primes.httpApiTrigger(), postEvent(),
                Primes.apiRoute("POST /posts (invalid, 400)", post("/posts", Map.of(), "{}"), intake::receive, 400),
                Primes.sqsSend(setup.aws().sqs(), setup.environment().require(PostsSetup.POSTS_QUEUE_URL)));
    }

    public static List<Prime> fanOut(PostsSetup setup) {
        var sqs = setup.aws().sqs();
        var environment = setup.environment();
        return List.of(Primes.sqsTrigger(), postEvent(),
                Primes.sqsSend(sqs, environment.require(PostsSetup.INDEX_QUEUE_URL)),
                Primes.sqsSend(sqs, environment.require(PostsSetup.SPAM_QUEUE_URL)),
                Primes.sqsSend(sqs, environment.require(PostsSetup.ANALYTICS_QUEUE_URL)));
    }

    /** Indexing: the analyzers on a post, and a search (a Query of the index table) for a word no post has. */
    public static List<Prime> index(PostsSetup setup) {
        var index = setup.searchIndex();
        return List.of(Primes.sqsTrigger(), postEvent(), analyzers(),
                Prime.of("search index query", () -> index.search("offstagepriming", 1, null)),
                rejectedUpdate(setup, PostsSetup.INDEX_TABLE));
    }

    /** Spam: the scorer on a post (no stored signals), and a verdict lookup of a post never seen. */
    public static List<Prime> spam(PostsSetup setup) {
        var spam = setup.spam();
        var scorer = new SpamScorer(SpamConfig.from(setup.environment()));
        return List.of(Primes.sqsTrigger(), postEvent(),
                Prime.of("spam scorer", () -> scorer.score(PostEvent.parse(SAMPLE_POST), Signals.none())),
                Prime.of("spam verdict lookup", () -> spam.verdict(Primes.ABSENT_KEY)),
                rejectedUpdate(setup, SpamStore.TABLE_VARIABLE));
    }

    public static List<Prime> analytics(PostsSetup setup) {
        var analytics = setup.analytics();
        return List.of(Primes.sqsTrigger(), postEvent(),
                Prime.of("analytics query", () -> analytics.trending(setup.clock().instant(), 1, 1)),
                rejectedUpdate(setup, PostsSetup.ANALYTICS_TABLE));
    }

    /** {@code GET /search} for a word no post has. */
    public static List<Prime> search(SearchApi api) {
        return List.of(Primes.httpApiTrigger(), analyzers(),
                Primes.apiRoute("GET /search", get("/search", Map.of("q", "offstagepriming primingzzq")), api::search, 200));
    }

    /**
     * {@code POST /moderation/{postId}}: a verdict without {@code spam} is answered 400 before it is
     * recorded; the spam table is read through a verdict lookup.
     */
    public static List<Prime> moderation(PostsSetup setup, ModerationApi api) {
        var spam = setup.spam();
        return List.of(Primes.httpApiTrigger(),
                Primes.apiRoute("POST /moderation (invalid, 400)", post("/moderation/" + Primes.ABSENT_KEY, Map.of("postId", Primes.ABSENT_KEY),
                        "{\"spam\":\"maybe\"}"), api::moderate, 400),
                Prime.of("spam verdict lookup", () -> spam.verdict(Primes.ABSENT_KEY)));
    }

    /** {@code GET /analytics/trending} over the last hour. */
    public static List<Prime> analyticsApi(AnalyticsApi api) {
        return List.of(Primes.httpApiTrigger(),
                Primes.apiRoute("GET /analytics/trending", get("/analytics/trending", Map.of("hours", "1", "limit", "1")),
                        api::respond, 200));
    }

    /** The conditional-write path every consumer takes (version guards, counters, verdicts), rejected by DynamoDB. */
    private static Prime rejectedUpdate(PostsSetup setup, String tableVariable) {
        return Primes.dynamoDbRejectedUpdate(setup.aws().dynamoDb(), setup.environment().require(tableVariable),
                Map.of("pk", AttributeValue.fromS(Primes.ABSENT_KEY), "sk", AttributeValue.fromS(Primes.ABSENT_KEY)));
    }

    private static Prime postEvent() {
        return Prime.of("post event JSON", () -> PostEvent.parse(SAMPLE_POST));
    }

    private static Prime analyzers() {
        var analyzers = new PostAnalyzers();
        return Prime.of("post analyzers", () -> {
            var text = PostEvent.parse(SAMPLE_POST).text();
            analyzers.termFrequencies(text, "en");
            analyzers.termFrequencies(text, null);
            analyzers.queryTerms("running searches", null);
        });
    }

    private static APIGatewayV2HTTPEvent get(String path, Map<String, String> query) {
        var request = Primes.httpApiRequest("GET", path);
        request.setQueryStringParameters(query);
        return request;
    }

    private static APIGatewayV2HTTPEvent post(String path, Map<String, String> pathParameters, String body) {
        var request = Primes.httpApiRequest("POST", path);
        request.setPathParameters(pathParameters.isEmpty() ? null : pathParameters);
        request.setBody(body);
        return request;
    }
}
