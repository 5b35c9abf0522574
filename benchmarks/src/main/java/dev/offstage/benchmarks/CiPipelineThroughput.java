package dev.offstage.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.offstage.ci.Webhooks;
import dev.offstage.local.github.GitHubPlayer;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Push webhooks per second through the whole CI pipeline on the local runtime: {@code template.yaml}
 * under {@link LocalRuntime}, GitHub played by {@link GitHubPlayer} (a folder holding only an
 * {@code .offstage-ci.yml} that runs {@code echo ok} is every commit). N signed pushes (each its own
 * delivery id, commit and branch, so none supersedes another) are posted one after the other to
 * {@code POST /github/webhook}, as GitHub delivers them; each is timed from the start of its POST
 * until the player holds its final commit status (not {@code pending}), sampled every
 * {@link #SAMPLE_EVERY}: webhook intake, BuildsQueue, the runner's tarball download, the build,
 * DynamoDB and both status posts. The 202's own latency is recorded too.
 *
 * <p>Baseline, in the same run: the same N request bodies and headers posted the same way to a
 * plain JDK HTTP server in this JVM that reads the body and answers 202 — what delivering the
 * webhooks costs without the pipeline (HTTP on loopback, the client, the bodies). A warm-up round
 * first (it starts the functions' environments), then measured rounds, each baseline then pipeline.
 * Writes one line per round, tab-separated ({@code round webhooks pipeline_ms baseline_ms
 * final_p50_ms final_p99_ms accepted_p50_ms accepted_p99_ms baseline_p50_ms baseline_p99_ms}),
 * to the file given as the first argument.
 *
 * <pre>{@code CiPipelineThroughput <results.tsv> [webhooks=20] [rounds=2]}</pre>
 */
public final class CiPipelineThroughput {

    private static final Duration SAMPLE_EVERY = Duration.ofMillis(20);
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(5);
    private static final String BUILD = "commands:\n  - echo ok\n";

    private final LocalRuntime runtime;
    private final GitHubPlayer github;
    private final HttpServer echo;
    private final HttpClient http;
    private final String repository;

    private CiPipelineThroughput(LocalRuntime runtime, GitHubPlayer github, HttpServer echo, String repository) {
        this.runtime = runtime;
        this.github = github;
        this.echo = echo;
        this.repository = repository;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public static void main(String[] args) throws Exception {
        var results = Path.of(args[0]);
        int webhooks = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        var repository = Webhooks.payload(Webhooks.PUSH).get("repository").get("full_name").asText();
        var folder = Files.createTempDirectory("bench-ci-repository");
        Files.writeString(folder.resolve(".offstage-ci.yml"), BUILD);
        var settings = LambdaSettings.from(Environment.system());
        System.out.printf("Starting template.yaml: %d environments per function at most; %s builds %s%n",
                settings.defaultConcurrency(), repository, BUILD.replace('\n', ' '));
        try (var github = GitHubPlayer.start(0, Map.of(repository, folder), Clock.systemUTC());
             // Short build limits, as the end-to-end tests use: a failed invocation's retry waits out
             // the visibility timeout (5400 s by default), which would stall a round past its limit.
             var runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                     .withParameters(Map.of("GitHubApiUrl", github.url().toString(),
                             "BuildTimeoutSeconds", "60", "BuildSafetyMarginSeconds", "10",
                             "BuildsQueueVisibilityTimeoutSeconds", "120"))
                     .withSecrets(Map.of("GitHubCredentials", "{\"token\": \"ghp_benchmark\"}"))
                     .withHttpPort(0).withInitializeFunctions(false).withLambdaSettings(settings))) {
            var echo = startEcho();
            try {
                var bench = new CiPipelineThroughput(runtime, github, echo, repository);
                var lines = new ArrayList<String>();
                for (int round = 0; round <= rounds; round++) {
                    var name = round == 0 ? "warm-up" : Integer.toString(round);
                    var baseline = bench.baseline(bench.deliveries(name, webhooks));
                    var pipeline = bench.pipeline(bench.deliveries(name, webhooks));
                    System.out.printf("round %s: %d webhooks, pipeline %,d ms (%.1f webhooks/s; to final status p50 %,d ms, "
                                    + "p99 %,d ms; 202 p50 %d ms, p99 %d ms), baseline %,d ms (%.0f requests/s; p50 %d ms, p99 %d ms)%n",
                            name, webhooks, pipeline.millis, webhooks * 1000.0 / pipeline.millis, pipeline.toFinalStatus.p50(),
                            pipeline.toFinalStatus.p99(), pipeline.toAnswer.p50(), pipeline.toAnswer.p99(), baseline.millis,
                            webhooks * 1000.0 / baseline.millis, baseline.toAnswer.p50(), baseline.toAnswer.p99());
                    lines.add(String.join("\t", name, Integer.toString(webhooks), Long.toString(pipeline.millis),
                            Long.toString(baseline.millis), Long.toString(pipeline.toFinalStatus.p50()),
                            Long.toString(pipeline.toFinalStatus.p99()), Long.toString(pipeline.toAnswer.p50()),
                            Long.toString(pipeline.toAnswer.p99()), Long.toString(baseline.toAnswer.p50()),
                            Long.toString(baseline.toAnswer.p99())));
                }
                Files.write(results, lines);
                bench.http.close();
            } finally {
                echo.stop(0);
            }
        }
    }

    /** A signed push, ready to post: its commit, body and the headers GitHub sends. */
    private record Delivery(String sha, byte[] body, Map<String, String> headers) {}

    /** {@code count} pushes of {@code events/github-push.json}, each its own delivery id, commit and branch. */
    private List<Delivery> deliveries(String round, int count) {
        var deliveries = new ArrayList<Delivery>();
        var batch = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < count; i++) {
            var sha = HexFormat.of().formatHex(randomBytes(20));
            var branch = "bench-" + round + "-" + batch + "-" + i;
            APIGatewayV2HTTPEvent event = Webhooks.delivery(Webhooks.PUSH, UUID.randomUUID().toString(), payload -> {
                payload.put("ref", "refs/heads/" + branch).put("after", sha);
                ((ObjectNode) payload.get("head_commit")).put("id", sha);
            });
            var headers = new LinkedHashMap<String, String>();
            event.getHeaders().forEach((name, value) -> {
                if (name.startsWith("x-github-") || name.startsWith("x-hub-") || name.equals("content-type") || name.equals("user-agent")) {
                    headers.put(name, value);
                }
            });
            deliveries.add(new Delivery(sha, Base64.getDecoder().decode(event.getBody()), headers));
        }
        return deliveries;
    }

    /**
     * One round of one variant: the wall time from the first POST until the last webhook is done,
     * each webhook's latency until its final status (pipeline only), and until its 202.
     */
    private record Measured(long millis, Latencies toFinalStatus, Latencies toAnswer) {}

    Measured pipeline(List<Delivery> deliveries) throws IOException, InterruptedException {
        var pending = new LinkedHashMap<String, Long>();
        var accepted = new ArrayList<Long>();
        long start = System.nanoTime();
        for (var delivery : deliveries) {
            long sent = System.nanoTime();
            var response = post(URI.create(runtime.endpoints().httpApi() + "/github/webhook"), delivery);
            accepted.add(Duration.ofNanos(System.nanoTime() - sent).toMillis());
            if (response.statusCode() != 202 || !Json.tree(response.body()).path("status").asText().equals("queued")) {
                throw new IllegalStateException("The webhook answered " + response.statusCode() + " " + response.body());
            }
            pending.put(delivery.sha, sent);
        }
        var finals = new ArrayList<Long>();
        var deadline = start + ROUND_LIMIT.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending.size() + " of " + deliveries.size() + " commits without a final status in " + ROUND_LIMIT);
            }
            for (var iterator = pending.entrySet().iterator(); iterator.hasNext(); ) {
                var commit = iterator.next();
                var statuses = github.statuses(repository, commit.getKey());
                if (!statuses.isEmpty() && !statuses.getFirst().state().equals("pending")) {
                    if (!statuses.getFirst().state().equals("success")) {
                        throw new IllegalStateException("Commit " + commit.getKey() + " ended " + statuses.getFirst());
                    }
                    finals.add(Duration.ofNanos(System.nanoTime() - commit.getValue()).toMillis());
                    iterator.remove();
                }
            }
            Thread.sleep(SAMPLE_EVERY.toMillis());
        }
        return new Measured(Duration.ofNanos(System.nanoTime() - start).toMillis(), Latencies.of(finals), Latencies.of(accepted));
    }

    /** The same requests to the echo server, one after the other. */
    Measured baseline(List<Delivery> deliveries) throws IOException, InterruptedException {
        var uri = URI.create("http://" + echo.getAddress().getAddress().getHostAddress() + ":" + echo.getAddress().getPort() + "/github/webhook");
        var accepted = new ArrayList<Long>();
        long start = System.nanoTime();
        for (var delivery : deliveries) {
            long sent = System.nanoTime();
            var response = post(uri, delivery);
            accepted.add(Duration.ofNanos(System.nanoTime() - sent).toMillis());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("The echo answered " + response.statusCode());
            }
        }
        var latencies = Latencies.of(accepted);
        return new Measured(Duration.ofNanos(System.nanoTime() - start).toMillis(), latencies, latencies);
    }

    private HttpResponse<String> post(URI uri, Delivery delivery) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body));
        delivery.headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads the whole body, answers 202 with a body the size of the webhook's answer. */
    private static HttpServer startEcho() throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        var answer = "{\"status\":\"queued\",\"buildId\":\"%s\",\"url\":\"http://127.0.0.1/builds/%s\"}"
                .formatted(UUID.randomUUID(), UUID.randomUUID()).getBytes(UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(202, answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        return server;
    }

    private static byte[] randomBytes(int count) {
        var bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
