package dev.offstage.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.offstage.ci.Tarballs;
import dev.offstage.ci.Webhooks;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI pipeline as a user meets it: {@code template.yaml} under the local runtime, GitHub played
 * by WireMock. A signed webhook goes to the HTTP API; the runner fetches the commit's tarball,
 * runs the fixture repository's build; the outcome shows on GitHub (commit statuses), on the build
 * pages and in S3. Each test builds its own commit on its own branch, so that builds never
 * supersede each other by accident.
 */
class CiPipelineEndToEndTest {

    @RegisterExtension
    static final WireMockExtension GITHUB = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final String REPOSITORY = "octo-org/hello-offstage";
    /** Bounds every wait; a failing message needs BuildsMaxReceiveCount visibility timeouts (2 × 20 s) to reach the DLQ. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "TIMED_OUT", "ERROR", "SUPERSEDED");

    private static LocalRuntime runtime;
    private static AwsClients aws;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                .withParameters(Map.of(
                        "GitHubApiUrl", GITHUB.baseUrl(),
                        "BuildTimeoutSeconds", "20",
                        "BuildSafetyMarginSeconds", "5",
                        "BuildsQueueVisibilityTimeoutSeconds", "20",
                        "BuildsMaxReceiveCount", "2"))
                .withSecrets(Map.of(
                        "GitHubCredentials", "{\"token\": \"ghp_end_to_end\"}",
                        "BuildSecrets", TestSecrets.BUILD_SECRETS))
                // One runner at a time, as a queue of builds on a small account would see it.
                .withLambdaSettings(new LambdaSettings(1, Emulators.ACCOUNT_ID))
                .withHttpPort(0));
        aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .willReturn(aResponse().withStatus(201).withHeader("content-type", "application/json").withBody("{}")));
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

    // ---- the story ------------------------------------------------------------------------------

    @Test
    void signedPushIsBuiltAndTheOutcomeShowsOnGitHubThePagesAndS3() throws Exception {
        var sha = sha('1');
        serveTarball(sha, Tarballs.hello(sha, Map.of()));

        var accepted = push("e2e-success", "success", sha);

        assertThat(accepted.statusCode()).isEqualTo(202);
        var answer = Json.tree(accepted.body());
        assertThat(answer.get("status").asText()).isEqualTo("queued");
        var id = answer.get("buildId").asText();
        var pageUrl = answer.get("url").asText();
        assertThat(pageUrl).isEqualTo(runtime.endpoints().httpApi() + "/builds/" + id);

        var build = awaitFinal(id);
        assertThat(build.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(build.get("exitCode").asInt()).isZero();
        assertThat(build.at("/log/tail").asText()).contains("Building octo-org/hello-offstage at " + sha)
                .contains("build secrets: present").contains("AWS variables: absent").contains("tests passed");
        assertThat(awaitStates(sha, 2)).containsExactly("pending", "success");
        GITHUB.verify(2, postRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/statuses/" + sha))
                .withHeader("Authorization", equalTo("Bearer ghp_end_to_end"))
                .withRequestBody(matchingJsonPath("$.target_url", equalTo(pageUrl))));

        // The page a developer opens from the commit status, and the artifact link on it.
        var page = http.send(HttpRequest.newBuilder(URI.create(pageUrl)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("tests passed").contains("dist/greeting.txt").doesNotContain("<script");
        var artifact = build.get("artifacts").findValuesAsText("url").stream()
                .filter(url -> url.contains("greeting.txt")).findFirst().orElseThrow();
        var download = http.send(HttpRequest.newBuilder(URI.create(artifact)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(download.body()).isEqualTo("hello from .offstage-ci.yml\n");

        var list = getJson("/repos/octo-org/hello-offstage/builds");
        assertThat(list.get("builds").findValuesAsText("id")).contains(id);
    }

    @Test
    void failingBuildIsReportedAsAFailure() throws Exception {
        var sha = sha('2');
        serveTarball(sha, Tarballs.hello(sha, Map.of(".offstage-ci.yml", "commands:\n  - echo compiling\n  - exit 7\n")));

        var id = Json.tree(push("e2e-failure", "failure", sha).body()).get("buildId").asText();

        var build = awaitFinal(id);
        assertThat(build.get("status").asText()).isEqualTo("FAILED");
        assertThat(build.get("exitCode").asInt()).isEqualTo(7);
        assertThat(awaitStates(sha, 2)).containsExactly("pending", "failure");
    }

    @Test
    void buildPastItsTimeoutIsKilledAndReportedTimedOut() throws Exception {
        var sha = sha('3');
        serveTarball(sha, Tarballs.hello(sha, Map.of(".offstage-ci.yml", "timeout: 2\ncommands:\n  - sleep 600\n")));

        var id = Json.tree(push("e2e-timeout", "timeout", sha).body()).get("buildId").asText();

        var build = awaitFinal(id);
        assertThat(build.get("status").asText()).isEqualTo("TIMED_OUT");
        assertThat(awaitStates(sha, 2)).containsExactly("pending", "failure");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 600")))
                .as("the build's processes are gone").isEmpty();
    }

    @Test
    void hostileTarballIsRefusedAndReportedAsAnError() throws Exception {
        var sha = sha('4');
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            var link = new TarArchiveEntry("octo-org-hello-offstage-4444444/escape", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        }
        serveTarball(sha, bytes.toByteArray());

        var id = Json.tree(push("e2e-hostile", "hostile", sha).body()).get("buildId").asText();

        var build = awaitFinal(id);
        assertThat(build.get("status").asText()).isEqualTo("ERROR");
        assertThat(awaitStates(sha, 2)).containsExactly("pending", "error");
        assertThat(GITHUB.findAll(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha)))).as("not retried").hasSize(1);
    }

    @Test
    void redeliveredWebhookGetsTheFirstAnswerAndBuildsOnce() throws Exception {
        var sha = sha('5');
        serveTarball(sha, Tarballs.hello(sha, Map.of()));

        var first = push("e2e-redelivery", "redelivery", sha);
        var again = push("e2e-redelivery", "redelivery", sha);

        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        awaitFinal(Json.tree(first.body()).get("buildId").asText());
        assertThat(GITHUB.findAll(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha)))).hasSize(1);
        assertThat(awaitStates(sha, 2)).containsExactly("pending", "success");
    }

    @Test
    void olderQueuedPushIsSupersededByANewerPushToTheSameBranch() throws Exception {
        // The one runner is busy with a slow build while two pushes to another branch queue up.
        var slow = sha('6');
        serveTarball(slow, Tarballs.hello(slow, Map.of(".offstage-ci.yml", "commands:\n  - sleep 4\n")));
        var older = sha('7');
        var newer = sha('8');
        serveTarball(newer, Tarballs.hello(newer, Map.of()));
        var slowId = Json.tree(push("e2e-slow", "slow", slow).body()).get("buildId").asText();
        awaitStatus(slowId, "RUNNING");

        var olderId = Json.tree(push("e2e-older", "supersede", older).body()).get("buildId").asText();
        var newerId = Json.tree(push("e2e-newer", "supersede", newer).body()).get("buildId").asText();

        assertThat(awaitFinal(olderId).get("status").asText()).isEqualTo("SUPERSEDED");
        assertThat(awaitFinal(newerId).get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(awaitStates(older, 1)).containsExactly("error");
        assertThat(GITHUB.findAll(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + older)))).isEmpty();
        assertThat(awaitStates(newer, 2)).containsExactly("pending", "success");
    }

    @Test
    void pullRequestFromAForkIsBuiltWithoutSecrets() throws Exception {
        var sha = sha('9');
        serveTarball(sha, Tarballs.hello(sha, Map.of()));

        var response = send(Webhooks.delivery(Webhooks.PULL_REQUEST, "e2e-fork", payload ->
                ((ObjectNode) payload.get("pull_request").get("head")).put("sha", sha)));
        var id = Json.tree(response.body()).get("buildId").asText();

        var build = awaitFinal(id);
        assertThat(build.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(build.get("fork").asBoolean()).isTrue();
        assertThat(build.at("/log/tail").asText()).contains("build secrets: absent").doesNotContain(TestSecrets.DEPLOY_TOKEN);
    }

    @Test
    void gitHubServerErrorIsRetriedThenTheMessageLandsInTheDeadLetterQueue() throws Exception {
        var sha = sha('a');
        GITHUB.stubFor(get(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha))
                .willReturn(aResponse().withStatus(500).withBody("{\"message\":\"Server Error\"}")));

        var id = Json.tree(push("e2e-github-down", "github-down", sha).body()).get("buildId").asText();

        var deadLetter = awaitDeadLetter(id);
        assertThat(Json.tree(deadLetter).get("buildId").asText()).isEqualTo(id);
        assertThat(GITHUB.findAll(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha)))).hasSize(2);
        var build = getJson("/builds/" + id);
        assertThat(build.get("status").asText()).isEqualTo("ERROR");
        assertThat(build.get("reason").asText()).contains("500");
        assertThat(build.get("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void badSignatureIsRejectedAndNothingIsBuilt() throws Exception {
        var response = send(Webhooks.load(Webhooks.BAD_SIGNATURE));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(api("/builds/c0ffee00-cc7a-11e3-9d7e-0a1b2c3d4e5f")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String sha(char digit) {
        return String.valueOf(digit).repeat(40);
    }

    private static void serveTarball(String sha, byte[] tarball) {
        GITHUB.stubFor(get(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/x-gzip").withBody(tarball)));
    }

    private static HttpResponse<String> push(String deliveryId, String branch, String sha) throws Exception {
        return send(CiDeliveries.push(deliveryId, branch, sha));
    }

    private static HttpResponse<String> send(com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent event) throws Exception {
        return http.send(CiDeliveries.request(runtime.endpoints().httpApi(), event), HttpResponse.BodyHandlers.ofString());
    }

    private static URI api(String path) {
        return URI.create(runtime.endpoints().httpApi() + path);
    }

    private static JsonNode getJson(String path) throws IOException, InterruptedException {
        var response = http.send(HttpRequest.newBuilder(api(path)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return Json.tree(response.body());
    }

    private static JsonNode awaitFinal(String id) throws Exception {
        return await(id, build -> FINAL.contains(build.get("status").asText()));
    }

    private static JsonNode awaitStatus(String id, String status) throws Exception {
        return await(id, build -> build.get("status").asText().equals(status));
    }

    private static JsonNode await(String id, java.util.function.Predicate<JsonNode> done) throws Exception {
        var deadline = Instant.now().plus(WAIT);
        JsonNode build = null;
        while (Instant.now().isBefore(deadline)) {
            build = getJson("/builds/" + id);
            if (done.test(build)) {
                return build;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("Build " + id + " did not get there in " + WAIT + ": " + build);
    }

    private static String awaitDeadLetter(String id) throws InterruptedException {
        var queue = runtime.endpoints().queues().get("BuildsDeadLetterQueue");
        var deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            for (var message : aws.sqs().receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(1).maxNumberOfMessages(10)).messages()) {
                if (message.body().contains(id)) {
                    return message.body();
                }
            }
        }
        throw new AssertionError("No dead letter for build " + id + " in " + WAIT);
    }

    /**
     * The commit statuses posted for {@code sha}, once there are {@code count} (or {@link #WAIT}
     * passed): the runner records a build's final status before it tells GitHub.
     */
    private static List<String> awaitStates(String sha, int count) throws InterruptedException {
        var deadline = Instant.now().plus(WAIT);
        var states = states(sha);
        while (states.size() < count && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            states = states(sha);
        }
        return states;
    }

    private static List<String> states(String sha) {
        return GITHUB.findAll(postRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/statuses/" + sha))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> Json.tree(body).get("state").asText())
                .toList();
    }
}
