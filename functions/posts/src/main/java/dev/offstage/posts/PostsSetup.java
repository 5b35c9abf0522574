package dev.offstage.posts;

import dev.offstage.posts.analytics.AnalyticsConsumer;
import dev.offstage.posts.analytics.AnalyticsStore;
import dev.offstage.posts.api.AnalyticsApi;
import dev.offstage.posts.api.ModerationApi;
import dev.offstage.posts.api.SearchApi;
import dev.offstage.posts.fanout.FanOut;
import dev.offstage.posts.index.IndexConsumer;
import dev.offstage.posts.index.PostAnalyzers;
import dev.offstage.posts.index.SearchIndex;
import dev.offstage.posts.index.SearchIndexConfig;
import dev.offstage.posts.intake.PostIntake;
import dev.offstage.posts.spam.Spam;
import dev.offstage.posts.spam.SpamConfig;
import dev.offstage.posts.spam.SpamConsumer;
import dev.offstage.posts.spam.SpamScorer;
import dev.offstage.posts.spam.SpamStore;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.shared.config.Environment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds each post-processing function's logic from an environment: the one place where clients,
 * stores and settings are put together. Handlers call it once, in a static initialiser; tests
 * call it with the emulators' environment and the template's variables.
 */
public final class PostsSetup {

    public static final String POSTS_QUEUE_URL = "POSTS_QUEUE_URL";
    public static final String INDEX_QUEUE_URL = "POSTS_INDEX_QUEUE_URL";
    public static final String SPAM_QUEUE_URL = "POSTS_SPAM_QUEUE_URL";
    public static final String ANALYTICS_QUEUE_URL = "POSTS_ANALYTICS_QUEUE_URL";
    public static final String INDEX_TABLE = "POSTS_INDEX_TABLE";
    public static final String ANALYTICS_TABLE = "POSTS_ANALYTICS_TABLE";
    /** The search index's per-post lease: at least the indexing function's timeout. */
    public static final String INDEX_LEASE_SECONDS = "POSTS_INDEX_LEASE_SECONDS";

    private final Environment environment;
    private final AwsClients aws;
    private final Clock clock;

    public PostsSetup(Environment environment, AwsClients aws, Clock clock) {
        this.environment = environment;
        this.aws = aws;
        this.clock = clock;
    }

    /** For handlers: the process environment and the toolkit's clients. */
    public static PostsSetup fromEnvironment() {
        return new PostsSetup(Environment.system(), AwsClients.fromEnvironment(), Clock.systemUTC());
    }

    Environment environment() {
        return environment;
    }

    AwsClients aws() {
        return aws;
    }

    Clock clock() {
        return clock;
    }

    /** {@code POST /posts}. */
    public PostIntake intake() {
        return new PostIntake(aws.sqs(), environment.require(POSTS_QUEUE_URL));
    }

    /** The posts queue's consumer: every event to the index, spam and analytics queues. */
    public FanOut fanOut() {
        return new FanOut(aws.sqs(), List.of(environment.require(INDEX_QUEUE_URL), environment.require(SPAM_QUEUE_URL),
                environment.require(ANALYTICS_QUEUE_URL)), batch());
    }

    /** How a queue consumer runs its batches: {@code OFFSTAGE_BATCH_*} (e.g. the template's parallelism). */
    public BatchConfig batch() {
        return BatchConfig.from(environment);
    }

    /** The index for indexing and search: Lucene's analyzers are built now, at init, as every call analyzes text. */
    public SearchIndex searchIndex() {
        var analyzers = new PostAnalyzers();
        return searchIndex(() -> analyzers);
    }

    /**
     * The index for hiding and unhiding posts (spam, moderation), which analyzes no text: Lucene is
     * loaded only if something indexes or searches through it (measured with
     * {@code scripts/bench-coldstart --class-log}: no Lucene class in these functions).
     */
    private SearchIndex visibilityIndex() {
        return searchIndex(() -> new PostAnalyzers());
    }

    private SearchIndex searchIndex(Supplier<PostAnalyzers> analyzers) {
        var config = SearchIndexConfig.of(environment.require(INDEX_TABLE));
        var lease = environment.intValue(INDEX_LEASE_SECONDS, (int) SearchIndexConfig.DEFAULT_LEASE.toSeconds());
        return new SearchIndex(aws.dynamoDb(), config.withLeaseDuration(Duration.ofSeconds(lease)), analyzers, clock);
    }

    public Spam spam() {
        var config = SpamConfig.from(environment);
        return new Spam(new SpamStore(aws.dynamoDb(), environment.require(SpamStore.TABLE_VARIABLE), config), new SpamScorer(config));
    }

    public AnalyticsStore analytics() {
        return new AnalyticsStore(aws.dynamoDb(), environment.require(ANALYTICS_TABLE));
    }

    public IndexConsumer indexConsumer() {
        return new IndexConsumer(searchIndex(), batch());
    }

    public SpamConsumer spamConsumer() {
        return new SpamConsumer(spam(), visibilityIndex(), batch());
    }

    public AnalyticsConsumer analyticsConsumer() {
        return new AnalyticsConsumer(analytics(), batch());
    }

    /** {@code GET /search}. */
    public SearchApi searchApi() {
        return new SearchApi(searchIndex());
    }

    /** {@code POST /moderation/{postId}}. */
    public ModerationApi moderationApi() {
        return new ModerationApi(spam(), visibilityIndex());
    }

    /** {@code GET /analytics/...}. */
    public AnalyticsApi analyticsApi() {
        return new AnalyticsApi(analytics(), clock);
    }
}
