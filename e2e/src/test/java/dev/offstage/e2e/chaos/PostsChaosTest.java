package dev.offstage.e2e.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.e2e.PostsModel;
import dev.offstage.e2e.chaos.PostsEffects.Consumer;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.posts.index.PostAnalyzers;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import java.net.URI;
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
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Issue 9's posts scenario: post events go in once each, shuffled, while the runtime duplicates,
 * reorders, holds back, kills and overruns the fan-out and the three consumers, and their AWS
 * calls are throttled, fail with 5xx, fail after the write landed, lose entries of batch writes and
 * slow down. With two receives allowed before the dead-letter queue, some events end there. Then:
 * <ol>
 *   <li>once the queues are drained, every event has been applied (or superseded by a newer
 *       version or a deletion) by each consumer, or is in a dead-letter queue — none is lost;</li>
 *   <li>redriving the dead-letter queues (SQS {@code StartMessageMoveTask}, what
 *       {@code scripts/offstage redrive} does) until they stay empty ends in exactly what the
 *       in-memory model of the same events says: the index (tables and search), the spam verdicts
 *       and the counters, no change counted twice.</li>
 * </ol>
 *
 * <p>Why the redrive runs under the same faults: a runtime's chaos and faults last as long as it
 * does, and stopping it loses the emulators' state. So the faults never stop; the redrive is
 * repeated while dead letters come back, which asks more than the "after faults stop"
 * (a redriven message must get through the same faults, and a redrive into a half-applied post
 * must finish it, not double it) and shows how many rounds it takes. Each redrive waits until
 * no index lease is held, as an operator redrives once the cause is gone.
 *
 * <p>The report counts each dead letter's logged reason: the function's ERROR line naming the
 * message (its exception), or only the runtime's chaos lines holding it back. A message whose
 * every receive ended with the whole invocation (killed, timed out, throttled) has no line naming
 * it — neither Lambda nor the local runtime log a failed batch's message ids — so that count is
 * reported, not asserted to be zero.
 *
 * <p>Scale: {@link ChaosScale#FAST} (about 200 events) in every {@code ./mvnw verify},
 * {@link ChaosScale#FULL} (about 2,200) from {@code scripts/chaos}; the seed is fixed unless
 * {@code -Doffstage.chaos.seed} says otherwise. The numbers go to {@code target/chaos/posts.md}.
 */
class PostsChaosTest {

    private static final long DEFAULT_SEED = 20261127L;
    /**
     * Bounds every wait, so that a run that does not converge fails instead of hanging; no timing is
     * asserted. The full scale's first drain took over 10 minutes at a load average of 13.
     */
    private static final Duration WAIT = Duration.ofMinutes(ChaosScale.current() == ChaosScale.FAST ? 10 : 30);
    /** Redrives tried before the test gives up on convergence. */
    private static final int MAX_REDRIVES = 10;
    /** Each source queue and its dead-letter queue (template.yaml). */
    private static final Map<String, String> DEAD_LETTER_QUEUES = new LinkedHashMap<>(Map.of(
            "PostsQueue", "PostsDeadLetterQueue",
            "PostsIndexQueue", "PostsIndexDeadLetterQueue",
            "PostsSpamQueue", "PostsSpamDeadLetterQueue",
            "PostsAnalyticsQueue", "PostsAnalyticsDeadLetterQueue"));
    private static final Map<Consumer, String> CONSUMER_DEAD_LETTER_QUEUES = Map.of(
            Consumer.INDEX, "PostsIndexDeadLetterQueue",
            Consumer.SPAM, "PostsSpamDeadLetterQueue",
            Consumer.ANALYTICS, "PostsAnalyticsDeadLetterQueue");
    private static final String FUNCTIONS = "PostsFanOutFunction,PostsIndexFunction,PostsSpamFunction,PostsAnalyticsFunction";

    private final PostAnalyzers analyzers = new PostAnalyzers();
    private LocalRuntime runtime;
    private AwsClients aws;
    private HttpClient http;

    @Test
    // Above the build's 5-minute default: the full scale takes many minutes on a shared machine.
    // Every wait inside is bounded (WAIT); this only stops a run that hangs.
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void everyEventIsAppliedOrDeadLetteredAndRedrivingConvergesToTheModel() throws Exception {
        var scale = ChaosScale.current();
        var seed = ChaosScale.seed(DEFAULT_SEED);
        // About 2.2 events a post (one to three versions, a fifth deleted): some 200 events, or 2,200.
        var model = PostsModel.generate(new Random(seed), Instant.now().truncatedTo(ChronoUnit.SECONDS),
                scale == ChaosScale.FAST ? 90 : 1000);
        model.checkSpamRulesFire();
        var events = new ArrayList<>(model.events());
        Collections.shuffle(events, new Random(seed + 1));

        var chaos = ChaosPlan.parse("seed=" + seed + ";duplicate=0.1;reorder=0.2;kill=0.03;overrun=0.02;redeliver=2s;functions="
                + FUNCTIONS);
        var faults = "seed=" + seed + ";throttle=0.05;error5xx=0.02;failAfterWrite=0.02;partialBatch=0.05;latency=0-50ms";
        try (var out = CapturedOutput.start();
                var runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                        // Two receives: a message fails twice (a killed batch, a hold-back, a timeout)
                        // and it is dead-lettered, so the dead-letter path is exercised.
                        // Each mapping runs two batches at once and its function has four environments:
                        // room for the duplicate deliveries' extra invocations, as a function's
                        // concurrency above its mapping's maximum leaves room in Lambda.
                        .withParameters(Map.of("PostsMaxReceiveCount", "2", "PostsVisibilityTimeoutSeconds", "30",
                                "PostsConcurrency", "2"))
                        .withLambdaSettings(new LambdaSettings(4, Emulators.ACCOUNT_ID))
                        .withInitializeFunctions(false)
                        .withHttpPort(0)
                        .withChaos(chaos)
                        .withFaults(faults));
                var aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
                var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build()) {
            this.runtime = runtime;
            this.aws = aws;
            this.http = http;
            var started = System.nanoTime();
            send(events);

            // 1. Under faults: drained, each event applied or dead-lettered by every consumer.
            awaitDrained(DEAD_LETTER_QUEUES.keySet());
            var drained = Duration.ofNanos(System.nanoTime() - started);
            var before = effects();
            var deadLetters = peekDeadLetters();
            var outcomes = new LinkedHashMap<String, Long>();
            long lost = 0;
            var lostExamples = new ArrayList<String>();
            for (var consumer : Consumer.values()) {
                long applied = 0;
                long deadLettered = 0;
                for (var event : events) {
                    if (before.appliedOrSuperseded(consumer, event)) {
                        applied++;
                    } else if (deadLettered(deadLetters, consumer, event)) {
                        deadLettered++;
                    } else {
                        lost++;
                        lostExamples.add(consumer + " " + event.postId() + " v" + event.version());
                    }
                }
                var name = consumer.name().toLowerCase(java.util.Locale.ROOT);
                outcomes.put(name + ": applied or superseded before redrive", applied);
                outcomes.put(name + ": in a DLQ before redrive", deadLettered);
            }
            var letters = deadLetters.values().stream().mapToLong(List::size).sum();
            outcomes.put("dead letters before redrive", letters);
            deadLetters.forEach((dlq, messages) -> outcomes.put("  in " + dlq, (long) messages.size()));
            var reasons = reasons(out, deadLetters);
            reasons.forEach((reason, count) -> outcomes.put("dead letters " + reason, count));
            assertThat(lostExamples).as("events neither applied nor dead-lettered").isEmpty();

            // 2. Redrive until the dead-letter queues stay empty; the faults go on. Like an operator
            // who redrives once the cause is gone, each redrive waits until no index lease is held:
            // a killed invocation's lease (60 s) outlasts the compressed redeliveries (2 s), so an
            // earlier redrive would only send the post's events back to the dead-letter queue.
            int redrives = 0;
            while (deadLettersLeft() > 0) {
                assertThat(redrives).as("redrives before the dead-letter queues stay empty").isLessThan(MAX_REDRIVES);
                awaitNoLeaseHeld();
                redrive();
                redrives++;
                awaitDrained(DEAD_LETTER_QUEUES.keySet());
            }
            outcomes.put("redrives", (long) redrives);
            var drainedAndRedriven = Duration.ofNanos(System.nanoTime() - started);
            outcomes.put("dead letters after redrive", deadLettersLeft());

            // 3. Exactly the model: tables and API.
            var after = awaitModel(model);
            var converged = Duration.ofNanos(System.nanoTime() - started);
            long duplicates = after.excessOver(model, analyzers) + analyticsExcess(model);
            for (var consumer : Consumer.values()) {
                outcomes.put(consumer.name().toLowerCase(java.util.Locale.ROOT) + ": applied after redrive",
                        events.stream().filter(event -> after.appliedOrSuperseded(consumer, event)).count());
            }
            var faultCounts = out.faultsByKind();
            var chaosCounts = runtime.chaosCounts();
            var report = new ChaosReport("posts", seed, scale, events.size(), faultCounts, chaosCounts, outcomes, lost,
                    duplicates, converged);
            System.err.println(report.write());
            System.err.printf("posts chaos: drained under faults after %d s, redriven after %d s, equal to the model after %d s%n",
                    drained.toSeconds(), drainedAndRedriven.toSeconds(), converged.toSeconds());

            assertThat(duplicates).as("changes counted twice").isZero();
            assertThat(faultCounts.values().stream().mapToLong(Long::longValue).sum()).as("faults injected").isPositive();
            assertThat(chaosCounts.values().stream().mapToLong(Long::longValue).sum()).as("chaos done").isPositive();
        }
    }

    // ---- sending and waiting ---------------------------------------------------------------------

    /** Sends each event once to the posts queue, as the application does, ten to a request. */
    private void send(List<PostEvent> events) {
        var queue = queueUrl("PostsQueue");
        for (int from = 0; from < events.size(); from += 10) {
            var entries = new ArrayList<SendMessageBatchRequestEntry>();
            for (int i = from; i < Math.min(events.size(), from + 10); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(new String(PostEventFormat.write(events.get(i)), StandardCharsets.UTF_8)).build());
            }
            var response = aws.sqs().sendMessageBatch(batch -> batch.queueUrl(queue).entries(entries));
            assertThat(response.failed()).as("events the posts queue refused").isEmpty();
        }
    }

    /** Waits until the queues hold nothing, visible, in flight or delayed, twice a second apart. */
    private void awaitDrained(Set<String> queues) throws InterruptedException {
        var deadline = Instant.now().plus(WAIT);
        int emptyInARow = 0;
        while (emptyInARow < 2) {
            assertThat(Instant.now()).as("queues %s drained within %s", queues, WAIT).isBefore(deadline);
            Thread.sleep(1000);
            emptyInARow = queues.stream().mapToLong(this::messagesIn).sum() == 0 ? emptyInARow + 1 : 0;
        }
    }

    private void awaitNoLeaseHeld() throws InterruptedException {
        var deadline = Instant.now().plus(WAIT);
        while (effects().heldLeases(Instant.now()) > 0) {
            assertThat(Instant.now()).as("index leases run out within %s", WAIT).isBefore(deadline);
            Thread.sleep(1000);
        }
    }

    private PostsEffects effects() {
        return PostsEffects.read(aws.dynamoDb(), table("PostsIndexTable"), table("PostsSpamTable"), table("PostsAnalyticsTable"));
    }

    private PostsEffects awaitModel(PostsModel model) throws Exception {
        var deadline = Instant.now().plus(WAIT);
        while (true) {
            var effects = effects();
            var differences = new ArrayList<>(effects.differences(model, analyzers));
            differences.addAll(model.differences(this::getJson));
            if (differences.isEmpty()) {
                return effects;
            }
            if (Instant.now().isAfter(deadline)) {
                assertThat(differences).as("tables and API equal to the model within %s", WAIT).isEmpty();
            }
            Thread.sleep(1000);
        }
    }

    // ---- dead letters and redrive ----------------------------------------------------------------

    /**
     * Every message in the dead-letter queues, by queue, read without consuming them: received,
     * then made visible again at once (SQS has no peek; the dead-letter queues have no redrive of
     * their own, so the receives count toward nothing).
     */
    private Map<String, List<Message>> peekDeadLetters() {
        var letters = new TreeMap<String, List<Message>>();
        for (var dlq : DEAD_LETTER_QUEUES.values()) {
            var url = queueUrl(dlq);
            var received = new LinkedHashMap<String, Message>();
            while (true) {
                var batch = aws.sqs().receiveMessage(receive -> receive.queueUrl(url).maxNumberOfMessages(10)
                        .visibilityTimeout(60).waitTimeSeconds(1)).messages();
                if (batch.isEmpty()) {
                    break;
                }
                batch.forEach(message -> received.put(message.messageId(), message));
            }
            var messages = List.copyOf(received.values());
            for (int from = 0; from < messages.size(); from += 10) {
                var entries = new ArrayList<ChangeMessageVisibilityBatchRequestEntry>();
                for (int i = from; i < Math.min(messages.size(), from + 10); i++) {
                    entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                            .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(0).build());
                }
                aws.sqs().changeMessageVisibilityBatch(change -> change.queueUrl(url).entries(entries));
            }
            letters.put(dlq, messages);
        }
        return letters;
    }

    /** Whether a copy of {@code event} is in {@code consumer}'s dead-letter queue or the fan-out's. */
    private static boolean deadLettered(Map<String, List<Message>> letters, Consumer consumer, PostEvent event) {
        for (var dlq : List.of("PostsDeadLetterQueue", CONSUMER_DEAD_LETTER_QUEUES.get(consumer))) {
            for (var message : letters.getOrDefault(dlq, List.of())) {
                var letter = PostEvent.parse(message.body());
                if (letter.postId().equals(event.postId()) && letter.version() == event.version()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Why each dead letter got there, as the log says: a function's ERROR line naming the message
     * (the toolkit's batch processor logs each failed message with its exception), or the
     * runtime's chaos line for a receive it held back; or nothing naming it at all.
     */
    private static Map<String, Long> reasons(CapturedOutput out, Map<String, List<Message>> letters) {
        var ids = new HashMap<String, String>();
        letters.values().forEach(messages -> messages.forEach(message -> ids.put(message.messageId(), "with no reason logged")));
        for (var line : out.lines()) {
            for (var id : ids.keySet()) {
                if (!line.contains(id)) {
                    continue;
                }
                if (line.contains("\"ERROR\"") && line.contains("failed")) {
                    ids.put(id, "with a function's ERROR logged");
                } else if (line.contains("held back message " + id) && ids.get(id).equals("with no reason logged")) {
                    ids.put(id, "with only chaos hold-backs logged");
                }
            }
        }
        var counts = new TreeMap<String, Long>();
        ids.values().forEach(reason -> counts.merge(reason, 1L, Long::sum));
        return counts;
    }

    /** Starts a message move task from each dead-letter queue holding messages back to its source queue. */
    private void redrive() throws InterruptedException {
        for (var entry : DEAD_LETTER_QUEUES.entrySet()) {
            var dlq = entry.getValue();
            if (messagesIn(dlq) == 0) {
                continue;
            }
            var dlqArn = queueArn(dlq);
            var sourceArn = queueArn(entry.getKey());
            var task = aws.sqs().startMessageMoveTask(start -> start.sourceArn(dlqArn).destinationArn(sourceArn));
            var deadline = Instant.now().plus(WAIT);
            while (true) {
                var status = aws.sqs().listMessageMoveTasks(list -> list.sourceArn(dlqArn).maxResults(10)).results().stream()
                        .filter(result -> task.taskHandle().equals(result.taskHandle())).findFirst();
                if (status.isPresent() && !status.get().status().equals("RUNNING")) {
                    assertThat(status.get().status()).as("move task of %s: %s", dlq, status.get().failureReason())
                            .isEqualTo("COMPLETED");
                    break;
                }
                assertThat(Instant.now()).as("%s redriven within %s", dlq, WAIT).isBefore(deadline);
                Thread.sleep(250);
            }
        }
    }

    private long deadLettersLeft() {
        return DEAD_LETTER_QUEUES.values().stream().mapToLong(this::messagesIn).sum();
    }

    // ---- counters read through the API ----------------------------------------------------------

    /** How far the analytics API's counts are above the model's: trending hashtags and authors' totals. */
    private long analyticsExcess(PostsModel model) throws Exception {
        long excess = 0;
        var expected = new HashMap<String, Long>();
        model.trending().forEach(tag -> expected.put((String) tag.get("hashtag"), (Long) tag.get("posts")));
        for (var tag : getJson("/analytics/trending?hours=24&limit=100").get("hashtags")) {
            excess += Math.max(0, tag.get("posts").asLong() - expected.getOrDefault(tag.get("hashtag").asText(), 0L));
        }
        for (var author : model.authors()) {
            var total = getJson("/analytics/authors/" + author + "?days=7").get("total").asLong();
            excess += Math.max(0, total - ((Number) model.author(author, 7).get("total")).longValue());
        }
        return excess;
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private JsonNode getJson(String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(runtime.endpoints().httpApi() + path))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.tree(response.body());
    }

    private String table(String logicalId) {
        return runtime.endpoints().tables().get(logicalId);
    }

    private String queueUrl(String logicalId) {
        return runtime.endpoints().queues().get(logicalId);
    }

    private String queueArn(String logicalId) {
        return aws.sqs().getQueueAttributes(get -> get.queueUrl(queueUrl(logicalId)).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private long messagesIn(String logicalId) {
        var attributes = aws.sqs().getQueueAttributes(get -> get.queueUrl(queueUrl(logicalId))
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }
}
