package dev.offstage.e2e.chaos;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.offstage.ci.Tarballs;
import dev.offstage.e2e.CiDeliveries;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 9's CI scenario: a burst of signed push webhooks — several repositories, branches pushed
 * more than once, one commit pushed to two branches, GitHub redelivering deliveries (the same
 * {@code X-GitHub-Delivery}) one after the other and at the same moment — while the runtime
 * duplicates, reorders, holds back, kills and overruns the webhook and the runner, and their AWS
 * calls are throttled, fail with 5xx, fail after the write landed and slow down. GitHub is played
 * by WireMock: it serves each commit's tarball and records every commit status.
 *
 * <p>What the product promises, and this checks:
 * <ul>
 *   <li>one build per delivery: every answer to a delivery names the build its id derives from, and
 *       the repositories' build lists hold exactly those builds — a redelivery never adds one, while
 *       the same commit under another delivery id is a build of its own;</li>
 *   <li>no build runs twice at once: each build's commands write {@code start}/{@code end} lines to
 *       a ledger outside the runtime and, when they start, look for another live run of the same
 *       build (its process still alive, its {@code end} not written) and write {@code overlap} if
 *       there is one; no run starts after its build was recorded final;</li>
 *   <li>every build ends final — SUCCEEDED or FAILED as its commit's script says, SUPERSEDED only
 *       by a newer push to its branch, or ERROR with a reason — and the last commit status GitHub
 *       got for it is that outcome's (success, failure, error).</li>
 * </ul>
 *
 * <p>GitHub's side: a delivery answered with anything but 2xx (a killed or timed-out webhook, 409
 * while another copy of it is being handled, 500 from an exhausted retry) is redelivered after a
 * second, then backing off, as a script redelivering failed deliveries does. Those redeliveries
 * are counted, by the answer that made them necessary (429: the runtime throttled the webhook,
 * whose three environments a burst of fifty outnumbers).
 *
 * <p>Time compression: chaos brings a failed message back after 2 s instead of the queue's
 * visibility timeout, while a killed run holds its build until its invocation's deadline
 * (BuildTimeoutSeconds, 10 s here). The receive count is raised to match, so that a killed build's
 * message outlives the hold as it does in AWS, where the visibility timeout is six times the
 * function's timeout.
 */
class CiChaosTest {

    @RegisterExtension
    static final WireMockExtension GITHUB = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort().containerThreads(40)).build();

    private static final long DEFAULT_SEED = 20261109L;
    /** Bounds every wait, so that a run that does not converge fails instead of hanging; no timing is asserted. */
    private static final Duration WAIT = Duration.ofMinutes(8);
    /** The longest wait before redelivering a failed delivery (the first is 1 s, then twice as long each time). */
    private static final Duration MAX_BACK_OFF = Duration.ofSeconds(8);
    private static final List<String> REPOSITORIES = List.of("octo-org/api", "octo-org/web", "octo-org/tools");
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "ERROR", "SUPERSEDED");
    private static final Map<String, String> FINAL_STATE = Map.of("SUCCEEDED", "success", "FAILED", "failure",
            "TIMED_OUT", "failure", "ERROR", "error", "SUPERSEDED", "error");
    private static final String FUNCTIONS = "GitHubWebhookFunction,BuildRunnerFunction";

    /**
     * The build every commit of the scenario runs: its ledger lines, a second's work, then the
     * commit's exit code. {@code $$} is the script's process, which the runtime kills with its
     * environment.
     */
    private static final String LEDGER_SCRIPT = """
            #!/bin/sh
            ledger="$1"; code="$2"; id="$OFFSTAGE_BUILD_ID"
            echo "start $id $$ $(date +%s%3N)" >> "$ledger"
            grep "^start $id " "$ledger" | while read -r _ _ pid _; do
              if [ "$pid" != "$$" ] && ! grep -q "^end $id $pid " "$ledger" && kill -0 "$pid" 2>/dev/null; then
                echo "overlap $id $$ $pid $(date +%s%3N)" >> "$ledger"
              fi
            done
            sleep 1
            echo "end $id $$ $(date +%s%3N) $code" >> "$ledger"
            exit "$code"
            """;

    @TempDir
    Path work;

    /** One push GitHub delivers. */
    private record Push(String deliveryId, String repository, String branch, String sha, Instant pushedAt, int exitCode) {
        String buildId() {
            return deliveryId.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private LocalRuntime runtime;
    private HttpClient http;
    private final AtomicLong sends = new AtomicLong();
    private final AtomicLong failedDeliveries = new AtomicLong();
    private final Map<String, Set<String>> answeredBuildIds = new ConcurrentHashMap<>();
    private final Map<String, Long> answers = new ConcurrentHashMap<>();

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES) // FULL: about 10 minutes on the shared machine
    void burstOfWebhooksWithRedeliveriesBuildsEachDeliveryOnceNeverConcurrentlyAndReportsEveryOutcome() throws Exception {
        var scale = ChaosScale.current();
        var seed = ChaosScale.seed(DEFAULT_SEED);
        var random = new Random(seed);
        var ledger = Files.createFile(work.resolve("ledger"));
        var pushes = pushes(random, scale == ChaosScale.FAST ? 10 : 50, ledger);
        // GitHub redelivers some deliveries after they were answered, and sends some twice at once.
        var redelivered = new ArrayList<Push>();
        var twice = new ArrayList<Push>();
        for (var push : pushes) {
            var draw = random.nextDouble();
            if (draw < 0.3) {
                redelivered.add(push);
            } else if (draw < 0.5) {
                twice.add(push);
            }
        }
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/[a-z]+/statuses/[0-9a-f]{40}"))
                .willReturn(aResponse().withStatus(201).withHeader("content-type", "application/json").withBody("{}")));

        var chaos = ChaosPlan.parse("seed=" + seed + ";duplicate=0.3;reorder=0.3;kill=0.15;overrun=0.1;redeliver=2s;functions="
                + FUNCTIONS);
        var faults = "seed=" + seed + ";throttle=0.05;error5xx=0.05;failAfterWrite=0.05;latency=0-50ms";
        try (var out = CapturedOutput.start();
                var runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                        .withParameters(Map.of(
                                "GitHubApiUrl", GITHUB.baseUrl(),
                                "BuildTimeoutSeconds", "10",
                                "BuildSafetyMarginSeconds", "2",
                                "BuildsQueueVisibilityTimeoutSeconds", "60",
                                "BuildsMaxReceiveCount", "12",
                                "BuildConcurrency", "2"))
                        .withSecrets(Map.of(
                                "GitHubCredentials", "{\"token\": \"ghp_chaos\"}",
                                "BuildSecrets", TestSecrets.BUILD_SECRETS))
                        // Two builds at a time, and room beside them for the duplicate deliveries'
                        // extra invocations, as a function's concurrency above its mapping's maximum leaves in Lambda.
                        .withLambdaSettings(new LambdaSettings(3, Emulators.ACCOUNT_ID))
                        .withInitializeFunctions(false)
                        .withHttpPort(0)
                        .withChaos(chaos)
                        .withFaults(faults));
                var aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
                var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build()) {
            this.runtime = runtime;
            this.http = http;
            var started = System.nanoTime();

            // The burst: every delivery at once, some of them twice at the same moment; then
            // redeliveries of answered deliveries, while their builds queue or run.
            var burst = new ArrayList<>(pushes);
            burst.addAll(twice);
            deliverAll(burst);
            deliverAll(redelivered);

            var builds = awaitSettled(pushes, aws, runtime.endpoints().queues().get("BuildsQueue"));
            var statuses = awaitFinalStatuses(builds);
            var converged = Duration.ofNanos(System.nanoTime() - started);
            var runs = CiLedger.read(ledger);
            var deadLetters = approximateMessages(aws, runtime.endpoints().queues().get("BuildsDeadLetterQueue"));

            // One build per delivery: each delivery's answers name its one build, and no other build exists.
            var listed = new java.util.TreeSet<String>();
            for (var repository : REPOSITORIES) {
                getJson("/repos/" + repository + "/builds?limit=100").get("builds").findValuesAsText("id").forEach(listed::add);
            }
            var expectedIds = new java.util.TreeSet<String>();
            pushes.forEach(push -> expectedIds.add(push.buildId()));
            var extraBuilds = new java.util.TreeSet<>(listed);
            extraBuilds.removeAll(expectedIds);
            long otherAnswers = pushes.stream().filter(push -> answeredBuildIds.containsKey(push.deliveryId())
                    && !Set.of(push.buildId()).equals(answeredBuildIds.get(push.deliveryId()))).count();

            // Outcomes, against what each commit's script and its branch's pushes say.
            var outcomes = new TreeMap<String, Long>();
            var wrong = new ArrayList<String>();
            long lost = 0;
            for (var push : pushes) {
                var build = builds.get(push.buildId());
                var status = !answeredBuildIds.containsKey(push.deliveryId()) ? "NEVER ACCEPTED"
                        : build == null ? "MISSING" : build.get("status").asText();
                outcomes.merge("build " + status, 1L, Long::sum);
                var states = statuses.getOrDefault(push.buildId(), List.of());
                var last = states.isEmpty() ? "none" : states.getLast();
                if (!FINAL.contains(status) || !last.equals(FINAL_STATE.get(status))) {
                    lost++;
                    wrong.add(push.buildId() + " " + status + ", commit statuses " + states);
                    continue;
                }
                switch (status) {
                    case "SUCCEEDED" -> check(push.exitCode() == 0, wrong, push, build);
                    case "FAILED" -> check(push.exitCode() != 0 && build.get("exitCode").asInt() == push.exitCode(), wrong, push, build);
                    case "SUPERSEDED" -> check(pushes.stream().anyMatch(newer -> newer.repository().equals(push.repository())
                            && newer.branch().equals(push.branch()) && newer.pushedAt().isAfter(push.pushedAt())), wrong, push, build);
                    case "ERROR" -> check(build.hasNonNull("reason"), wrong, push, build);
                    default -> wrong.add(push.buildId() + " " + status + ": a status no push of this scenario should end in");
                }
            }

            // Never twice at once, never again once final.
            var overlaps = runs.overlaps();
            var runsAfterFinal = new ArrayList<String>();
            for (var run : runs.starts()) {
                var build = builds.get(run.buildId());
                if (build != null && build.hasNonNull("finishedAt") && FINAL.contains(build.get("status").asText())
                        && run.at().isAfter(Instant.parse(build.get("finishedAt").asText()))) {
                    runsAfterFinal.add(run + " after " + build.get("status").asText() + " at " + build.get("finishedAt").asText());
                }
            }
            long reruns = runs.starts().size() - runs.starts().stream().map(CiLedger.Run::buildId).distinct().count();

            var deliveries = pushes.size() + twice.size() + redelivered.size();
            outcomes.put("commit statuses posted", statuses.values().stream().mapToLong(List::size).sum());
            outcomes.put("deliveries sent (planned, incl. redeliveries)", (long) deliveries);
            outcomes.put("redeliveries after a failed delivery", failedDeliveries.get());
            answers.forEach((answer, count) -> outcomes.put("answer " + answer, count));
            outcomes.put("build runs started (ledger)", (long) runs.starts().size());
            outcomes.put("build runs cut short (no end in the ledger)", runs.starts().stream().filter(run -> run.end() == null).count());
            outcomes.put("builds re-run after a crash (one after the other)", reruns);
            outcomes.put("builds dead-lettered", deadLetters);
            var report = new ChaosReport("ci", seed, scale, pushes.size(), out.faultsByKind(), runtime.chaosCounts(), outcomes,
                    lost, overlaps.size() + runsAfterFinal.size() + extraBuilds.size() + otherAnswers, converged);
            System.err.println(report.write());

            assertThat(extraBuilds).as("builds no delivery asked for (a redelivery built twice)").isEmpty();
            assertThat(otherAnswers).as("deliveries answered with another build than their own: " + answeredBuildIds).isZero();
            assertThat(listed).as("every delivery's build is listed").containsAll(expectedIds);
            assertThat(wrong).as("builds not ending as their commit says, with that outcome's commit status last").isEmpty();
            assertThat(overlaps).as("runs of one build at the same time (ledger)").isEmpty();
            assertThat(runsAfterFinal).as("runs started after their build was final").isEmpty();
            assertThat(runs.starts()).as("the ledger saw the builds run").isNotEmpty();
            assertThat(runtime.chaosCounts().values().stream().mapToLong(Long::longValue).sum()).as("chaos happened").isPositive();
            assertThat(out.faultsByKind()).as("faults happened").isNotEmpty();
        }
    }

    private static void check(boolean expected, List<String> wrong, Push push, JsonNode build) {
        if (!expected) {
            wrong.add(push + " ended " + build.get("status").asText() + " (" + build.path("reason").asText() + ", exit "
                    + build.path("exitCode").asText() + ")");
        }
    }

    /**
     * The scenario's pushes: each branch pushed one to three times (a later push is newer), every
     * fourth commit failing, and one commit pushed to a second branch under its own delivery id.
     */
    private List<Push> pushes(Random random, int count, Path ledger) {
        var pushes = new ArrayList<Push>();
        var start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(count);
        var branches = Math.max(2, count * 2 / 3);
        for (int i = 0; i < count - 1; i++) {
            var repository = REPOSITORIES.get(i % REPOSITORIES.size());
            var branch = "feature-" + random.nextInt(branches);
            var sha = HexFormat.of().formatHex(randomBytes(random, 20));
            pushes.add(new Push(new UUID(random.nextLong(), random.nextLong()).toString(), repository, branch, sha,
                    start.plusSeconds(i), i % 4 == 3 ? 1 : 0));
        }
        var first = pushes.getFirst();
        pushes.add(new Push(new UUID(random.nextLong(), random.nextLong()).toString(), first.repository(), "release",
                first.sha(), start.plusSeconds(count), first.exitCode()));
        for (var push : pushes) {
            var config = "commands:\n  - sh ./ledger.sh " + ledger + " " + push.exitCode() + "\ntimeout: 30\n";
            GITHUB.stubFor(get(urlEqualTo("/repos/" + push.repository() + "/tarball/" + push.sha()))
                    .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/x-gzip")
                            .withBody(Tarballs.githubTarball(push.repository(), push.sha(),
                                    Map.of(".offstage-ci.yml", config, "ledger.sh", LEDGER_SCRIPT)))));
        }
        return pushes;
    }

    private static byte[] randomBytes(Random random, int count) {
        var bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Delivers every push at once, each until it is accepted. */
    private void deliverAll(List<Push> pushes) throws Exception {
        try (var github = Executors.newVirtualThreadPerTaskExecutor()) {
            var deliveries = new ArrayList<java.util.concurrent.Future<?>>();
            for (var push : pushes) {
                deliveries.add(github.submit(() -> deliverUntilAccepted(push)));
            }
            for (var delivery : deliveries) {
                delivery.get();
            }
        }
    }

    /**
     * Delivers the push, and redelivers it while GitHub sees a failed delivery: after 1 s, then
     * twice as long each time up to {@link #MAX_BACK_OFF}, as a redelivery script backs off.
     */
    private void deliverUntilAccepted(Push push) {
        var event = CiDeliveries.push(push.deliveryId(), push.repository(), push.branch(), push.sha(), push.pushedAt());
        var deadline = Instant.now().plus(WAIT);
        var backOff = Duration.ofSeconds(1);
        while (Instant.now().isBefore(deadline)) {
            sends.incrementAndGet();
            try {
                var response = http.send(CiDeliveries.request(runtime.endpoints().httpApi(), event),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    var answer = Json.tree(response.body());
                    answers.merge(response.statusCode() + " " + answer.path("status").asText(), 1L, Long::sum);
                    answeredBuildIds.computeIfAbsent(push.deliveryId(), id -> ConcurrentHashMap.newKeySet())
                            .add(answer.path("buildId").asText());
                    return;
                }
                answers.merge(Integer.toString(response.statusCode()), 1L, Long::sum);
            } catch (java.io.IOException e) {
                answers.merge("no answer (" + e.getClass().getSimpleName() + ")", 1L, Long::sum);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            failedDeliveries.incrementAndGet();
            try {
                Thread.sleep(backOff);
                backOff = backOff.multipliedBy(2).compareTo(MAX_BACK_OFF) > 0 ? MAX_BACK_OFF : backOff.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Waits until the builds queue holds nothing, visible or in flight, and every build is final:
     * then nothing more will happen to them. Returns each build's JSON by id.
     */
    private Map<String, JsonNode> awaitSettled(List<Push> pushes, AwsClients aws, String queueUrl) throws Exception {
        var deadline = Instant.now().plus(WAIT);
        var builds = new HashMap<String, JsonNode>();
        while (Instant.now().isBefore(deadline)) {
            builds.clear();
            for (var push : pushes) {
                var response = http.send(HttpRequest.newBuilder(api("/builds/" + push.buildId())).header("Accept", "application/json").build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    builds.put(push.buildId(), Json.tree(response.body()));
                }
            }
            var allFinal = builds.size() == pushes.size()
                    && builds.values().stream().allMatch(build -> FINAL.contains(build.get("status").asText()));
            if (allFinal && approximateMessages(aws, queueUrl) == 0) {
                return builds;
            }
            Thread.sleep(500);
        }
        return builds;
    }

    /** Each build's commit statuses in the order GitHub got them, once the last of every build is not pending. */
    private Map<String, List<String>> awaitFinalStatuses(Map<String, JsonNode> builds) throws InterruptedException {
        var deadline = Instant.now().plus(Duration.ofSeconds(30));
        var statuses = statuses();
        while (Instant.now().isBefore(deadline) && builds.keySet().stream()
                .anyMatch(id -> statuses.getOrDefault(id, List.of("pending")).getLast().equals("pending"))) {
            Thread.sleep(200);
            statuses.clear();
            statuses.putAll(statuses());
        }
        return statuses;
    }

    /** The commit statuses GitHub got, by the build their link names, in the order they came. */
    private static Map<String, List<String>> statuses() {
        var byBuild = new LinkedHashMap<String, List<String>>();
        var requests = new ArrayList<>(GITHUB.findAll(postRequestedFor(urlPathMatching("/repos/octo-org/[a-z]+/statuses/[0-9a-f]{40}"))));
        requests.sort(java.util.Comparator.comparing(request -> request.getLoggedDate()));
        for (var request : requests) {
            var status = Json.tree(request.getBodyAsString());
            var link = status.path("target_url").asText();
            byBuild.computeIfAbsent(link.substring(link.lastIndexOf('/') + 1), id -> new ArrayList<>()).add(status.get("state").asText());
        }
        return byBuild;
    }

    private static long approximateMessages(AwsClients aws, String queueUrl) {
        var attributes = aws.sqs().getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    private JsonNode getJson(String path) throws Exception {
        var response = http.send(HttpRequest.newBuilder(api(path)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.tree(response.body());
    }

    private URI api(String path) {
        return URI.create(runtime.endpoints().httpApi() + path);
    }
}
