package dev.offstage.benchmarks;

import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Post events per second through the whole pipeline on the local runtime: {@code template.yaml}
 * under {@link LocalRuntime}, N events sent with SendMessageBatch to PostsQueue, timed until every
 * one is applied — the posts, index, spam and analytics queues empty (nothing waiting, nothing in
 * flight) and {@code GET /analytics/authors/{id}} counting all N. Each function runs in its own
 * JVMs, up to {@code OFFSTAGE_LOCAL_FUNCTION_CONCURRENCY} environments each (LambdaSettings).
 *
 * <p>Baseline, in the same run and ElasticMQ: the same N messages sent with SendMessageBatch to
 * one queue, then received and deleted in batches of 10 by one thread. A warm-up round first
 * (it starts the functions' environments), then measured rounds, each baseline then pipeline,
 * each round with its own author. Writes one line per round, tab-separated
 * ({@code round events pipeline_ms baseline_ms}), to the file given as the first argument.
 *
 * <pre>{@code PostsPipelineThroughput <results.tsv> [events=500] [rounds=3]}</pre>
 */
public final class PostsPipelineThroughput {

    private static final Duration ROUND_LIMIT = Duration.ofMinutes(2);
    /**
     * The warm-up starts every environment at once on a small machine: cold batches can time out
     * (30 s), and their retries wait out the visibility timeout and the index's per-post lease (60 s each).
     */
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(4);
    private static final List<String> PIPELINE_QUEUES =
            List.of("PostsQueue", "PostsIndexQueue", "PostsSpamQueue", "PostsAnalyticsQueue");
    private static final List<String> DEAD_LETTER_QUEUES = List.of("PostsDeadLetterQueue",
            "PostsIndexDeadLetterQueue", "PostsSpamDeadLetterQueue", "PostsAnalyticsDeadLetterQueue");

    private final LocalRuntime runtime;
    private final AwsClients aws;
    private final HttpClient http;
    private final String baselineQueueUrl;

    private PostsPipelineThroughput(LocalRuntime runtime) {
        this.runtime = runtime;
        this.aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        this.baselineQueueUrl = aws.sqs().createQueue(create -> create.queueName("bench-baseline-" + shortId())).queueUrl();
    }

    public static void main(String[] args) throws Exception {
        var results = Path.of(args[0]);
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        var settings = LambdaSettings.from(Environment.system());
        System.out.printf("Starting template.yaml: %d environments per function at most%n", settings.defaultConcurrency());
        // Lazily: only the post functions start, on first use, in the warm-up round.
        try (var runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                .withHttpPort(0).withInitializeFunctions(false).withLambdaSettings(settings))) {
            var bench = new PostsPipelineThroughput(runtime);
            var lines = new ArrayList<String>();
            for (int round = 0; round <= rounds; round++) {
                long baseline = bench.baseline(events);
                long pipeline = bench.pipeline(events, round == 0 ? WARM_UP_LIMIT : ROUND_LIMIT);
                var name = round == 0 ? "warm-up" : Integer.toString(round);
                System.out.printf("round %s: %d events, pipeline %d ms (%.0f events/s), baseline %d ms (%.0f messages/s)%n",
                        name, events, pipeline, events * 1000.0 / pipeline, baseline, events * 1000.0 / baseline);
                lines.add(name + "\t" + events + "\t" + pipeline + "\t" + baseline);
            }
            bench.expectEmptyDeadLetterQueues();
            Files.write(results, lines);
            bench.aws.close();
        }
    }

    /** Milliseconds from the first send until all {@code events} are applied by every consumer. */
    long pipeline(int events, Duration limit) throws IOException, InterruptedException {
        var author = "bench_" + shortId();
        var postsQueue = runtime.endpoints().queues().get("PostsQueue");
        long start = System.nanoTime();
        send(postsQueue, events, i -> PostEvents.created(author + "-" + i, author, i));
        var deadline = start + limit.toNanos();
        while (!(pipelineQueuesEmpty() && postsCounted(author) == events)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Not applied within " + limit + ": " + postsCounted(author)
                        + " of " + events + " counted");
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    /** Milliseconds to send {@code events} messages to one queue and receive and delete them all. */
    long baseline(int events) {
        long start = System.nanoTime();
        send(baselineQueueUrl, events, i -> PostEvents.created("baseline-" + i, "baseline", i));
        int received = 0;
        while (received < events) {
            var messages = aws.sqs().receiveMessage(receive -> receive.queueUrl(baselineQueueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                continue;
            }
            aws.sqs().deleteMessageBatch(delete -> delete.queueUrl(baselineQueueUrl).entries(messages.stream()
                    .map(message -> DeleteMessageBatchRequestEntry.builder()
                            .id(message.messageId()).receiptHandle(message.receiptHandle()).build())
                    .toList()));
            received += messages.size();
        }
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private void send(String queueUrl, int events, IntFunction<String> body) {
        for (int first = 0; first < events; first += 10) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            for (int i = first; i < Math.min(first + 10, events); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(body.apply(i)).build());
            }
            var answer = aws.sqs().sendMessageBatch(batch -> batch.queueUrl(queueUrl).entries(entries));
            if (!answer.failed().isEmpty()) {
                throw new IllegalStateException("SendMessageBatch failed: " + answer.failed());
            }
        }
    }

    /**
     * Nothing waiting or in flight. PostsQueue is read first: once it is empty the fan-out has
     * sent everything on (it deletes a message only after its sends), so the others are final.
     */
    private boolean pipelineQueuesEmpty() {
        for (var queue : PIPELINE_QUEUES) {
            if (messagesIn(queue) > 0) {
                return false;
            }
        }
        return true;
    }

    private long messagesIn(String queueLogicalId) {
        var attributes = aws.sqs().getQueueAttributes(get -> get.queueUrl(runtime.endpoints().queues().get(queueLogicalId))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    /** The author's posts of all time, as {@code GET /analytics/authors/{id}} answers. */
    private long postsCounted(String author) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(runtime.endpoints().httpApi() + "/analytics/authors/" + author)).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /analytics/authors answered " + response.statusCode() + " " + response.body());
        }
        return Json.tree(response.body()).get("total").asLong();
    }

    private void expectEmptyDeadLetterQueues() {
        for (var queue : DEAD_LETTER_QUEUES) {
            if (messagesIn(queue) > 0) {
                throw new IllegalStateException(queue + " holds " + messagesIn(queue) + " messages: events failed");
            }
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
