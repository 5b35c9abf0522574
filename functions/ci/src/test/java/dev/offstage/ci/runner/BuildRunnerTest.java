package dev.offstage.ci.runner;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.offstage.ci.CiConfig;
import dev.offstage.ci.CiSetup;
import dev.offstage.ci.CiStack;
import dev.offstage.ci.TarballBuilder;
import dev.offstage.ci.Tarballs;
import dev.offstage.ci.Webhooks;
import dev.offstage.ci.build.Build;
import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildStatus;
import dev.offstage.ci.github.GitHubApiException;
import dev.offstage.ci.webhook.WebhookIntake;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.idempotency.IdempotencyInProgressException;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestContext;
import dev.offstage.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BuildRunner's logic, configured as template.yaml configures BuildRunnerFunction, running
 * builds queued through the webhook intake, with WireMock playing the GitHub API.
 */
@ExtendWith(EmulatorsExtension.class)
class BuildRunnerTest {

    @RegisterExtension
    static final WireMockExtension GITHUB = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final String REPOSITORY = "octo-org/hello-offstage";
    private static final String PUSH_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private static final String PR_SHA = "e3f1c0a9b8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3";

    private final CiStack stack;
    private final WebhookIntake intake;

    BuildRunnerTest(Emulators emulators) {
        this.stack = new CiStack(emulators, Map.of("GitHubApiUrl", GITHUB.baseUrl()), Clock.systemUTC());
        stack.putSecret("GitHubCredentials", "{\"token\": \"ghp_test_token\"}");
        stack.putSecret("BuildSecrets", TestSecrets.BUILD_SECRETS);
        this.intake = stack.setup("GitHubWebhookFunction").webhookIntake();
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .willReturn(aResponse().withStatus(201).withHeader("content-type", "application/json").withBody("{}")));
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private BuildRunner runner() {
        return stack.setup("BuildRunnerFunction").buildRunner();
    }

    private static TestContext context() {
        return TestContext.forFunction("BuildRunnerFunction").timeout(Duration.ofMinutes(5));
    }

    private String queue(String eventFile, String deliveryId, java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
        var response = ApiResponses.handle(Webhooks.delivery(eventFile, deliveryId, change), intake::receive);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(202);
        return Json.tree(response.getBody()).get("buildId").asText();
    }

    private String queuePush(String deliveryId) {
        return queue(Webhooks.PUSH, deliveryId, payload -> {});
    }

    private static void serveTarball(String sha, byte[] tarball) {
        GITHUB.stubFor(get(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + sha))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/x-gzip").withBody(tarball)));
    }

    private Build build(String id) {
        return stack.buildStore().find(id).orElseThrow();
    }

    private String log(Build build) {
        return new String(stack.aws.s3().getObjectAsBytes(get -> get.bucket(stack.resources.bucket("ArtifactsBucket").name())
                .key(build.logKey())).asByteArray(), StandardCharsets.UTF_8);
    }

    private static List<String> states(String sha) {
        return GITHUB.findAll(postRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/statuses/" + sha))).stream()
                .map(LoggedRequest::getBodyAsString)
                .map(body -> Json.tree(body).get("state").asText())
                .toList();
    }

    @Test
    void pushBuildRunsItsCommandsAndReportsSuccess() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        var id = queuePush("d-success");

        var status = runner().run(id, context());

        assertThat(status).isEqualTo(BuildStatus.SUCCEEDED);
        var build = build(id);
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.exitCode()).isZero();
        assertThat(build.startedAt()).isNotNull();
        assertThat(build.finishedAt()).isNotNull();
        assertThat(build.attempts()).isEqualTo(1);
        assertThat(build.logKey()).isEqualTo(BuildFiles.logKey(id));
        var log = log(build);
        assertThat(log).contains("$ echo \"Building $OFFSTAGE_REPOSITORY at $OFFSTAGE_COMMIT\"")
                .contains("Building octo-org/hello-offstage at " + PUSH_SHA)
                .contains("build secrets: present")
                .contains("AWS variables: absent")
                .contains("tests passed");
        assertThat(log.lines().filter(line -> line.contains("tests passed")).findFirst().orElseThrow())
                .matches("^\\d{4}-\\d{2}-\\d{2}T.*tests passed$");
        assertThat(build.artifactKeys()).containsExactlyInAnyOrder(
                BuildFiles.artifactKey(id, "dist/greeting.txt"), BuildFiles.artifactKey(id, "dist/unicode.txt"));
        var greeting = stack.aws.s3().getObjectAsBytes(get -> get.bucket(stack.resources.bucket("ArtifactsBucket").name())
                .key(BuildFiles.artifactKey(id, "dist/greeting.txt"))).asUtf8String();
        assertThat(greeting).isEqualTo("hello from .offstage-ci.yml\n");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "success");
        GITHUB.verify(postRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/statuses/" + PUSH_SHA))
                .withHeader("Authorization", equalTo("Bearer ghp_test_token"))
                .withRequestBody(matchingJsonPath("$.target_url", equalTo(build.pageUrl())))
                .withRequestBody(matchingJsonPath("$.context", equalTo("offstage/ci"))));
    }

    @Test
    void failingCommandFailsTheBuildAndStopsTheRest() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml",
                "commands:\n  - echo before\n  - sh -c 'echo broken >&2; exit 3'\n  - echo never-printed\n")));
        var id = queuePush("d-failure");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.FAILED);

        var build = build(id);
        assertThat(build.exitCode()).isEqualTo(3);
        assertThat(build.reason()).contains("exited 3");
        assertThat(log(build)).contains("before").contains("broken").doesNotContain("never-printed");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "failure");
    }

    @Test
    void buildPastItsTimeoutIsKilledAndTimedOut() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml",
                "timeout: 2\ncommands:\n  - echo starting\n  - sleep 300\n")));
        var id = queuePush("d-timeout");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.TIMED_OUT);

        var build = build(id);
        assertThat(build.reason()).contains("Timed out");
        assertThat(log(build)).contains("starting");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "failure");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 300")))
                .as("the build's processes are gone").isEmpty();
    }

    @Test
    void deadlineComesFromTheInvocationsRemainingTime() {
        // The config allows 10 minutes; the invocation has 8 s left, minus the template's 60 s margin.
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        var id = queuePush("d-short");

        var status = runner().run(id, TestContext.forFunction("BuildRunnerFunction").timeout(Duration.ofSeconds(8)));

        assertThat(status).isEqualTo(BuildStatus.ERROR);
        assertThat(build(id).reason()).contains("Not enough time left");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error");
    }

    @Test
    void invocationAboutToTimeOutLeavesTheBuildErrorAndItsCommitSayingSo() throws Exception {
        // The download stalls past the invocation's end, which Lambda would kill without a word.
        GITHUB.stubFor(get(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + PUSH_SHA))
                .willReturn(aResponse().withStatus(200).withFixedDelay(8_000).withBody(Tarballs.hello(PUSH_SHA, Map.of()))));
        var id = queuePush("d-stalled");
        var run = CompletableFuture.supplyAsync(() -> runner().run(id, TestContext.forFunction("BuildRunnerFunction")
                .timeout(Duration.ofSeconds(5))));

        var deadline = java.time.Instant.now().plusSeconds(30);
        // The watchdog records the build, then reports the commit status: wait for both.
        while ((build(id).status() != BuildStatus.ERROR || !states(PUSH_SHA).contains("error"))
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }

        var build = build(id);
        assertThat(build.status()).isEqualTo(BuildStatus.ERROR);
        assertThat(build.retryable()).isTrue();
        assertThat(build.reason()).contains("ran out of time");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error");
        run.get(1, TimeUnit.MINUTES);
    }

    @Test
    void outcomeOfAFinishedBuildOutlivesTheWatchdog() throws Exception {
        // No safety margin, 5 s: the watchdog wakes 2 s in, whether or not the build is done by then.
        try (var tight = new CiStack(stack.emulators, Map.of("GitHubApiUrl", GITHUB.baseUrl(), "BuildSafetyMarginSeconds", "0"),
                Clock.systemUTC())) {
            var intake = tight.setup("GitHubWebhookFunction").webhookIntake();
            serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml", "commands:\n  - echo quick\n")));
            ApiResponses.handle(Webhooks.delivery(Webhooks.PUSH, "d-watchdog", payload -> {}), intake::receive);
            var started = java.time.Instant.now();

            var status = tight.setup("BuildRunnerFunction").buildRunner()
                    .run("d-watchdog", TestContext.forFunction("BuildRunnerFunction").timeout(Duration.ofSeconds(5)));
            Thread.sleep(Math.max(0, Duration.between(java.time.Instant.now(), started.plusSeconds(3)).toMillis()));

            assertThat(status).isEqualTo(BuildStatus.SUCCEEDED);
            assertThat(tight.buildStore().find("d-watchdog").orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
        }
    }

    @Test
    void hostileTarballEndsInErrorWithoutRetry() throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            var escape = new TarArchiveEntry("octo-org-hello-offstage-6dcb09b/../../../../tmp/offstage-pwned");
            escape.setSize(5);
            tar.putArchiveEntry(escape);
            tar.write("pwned".getBytes(StandardCharsets.US_ASCII));
            tar.closeArchiveEntry();
        }
        serveTarball(PUSH_SHA, bytes.toByteArray());
        var id = queuePush("d-hostile");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.ERROR);

        var build = build(id);
        assertThat(build.reason()).isNotBlank();
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/offstage-pwned"))).isFalse();
        assertThat(log(build)).contains("Build error");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error");
    }

    /** A runner whose source limit is {@code maxSourceBytes}, building under {@code tmp}. */
    private BuildRunner runner(Path tmp, long maxSourceBytes) {
        var environment = stack.environment("BuildRunnerFunction")
                .with(Map.of("TMPDIR", tmp.toString(), CiConfig.SOURCE_MAX_BYTES, Long.toString(maxSourceBytes)));
        return new CiSetup(environment, stack.aws, stack.clock).buildRunner();
    }

    static Stream<Arguments> refusedTarballs() {
        String top = "octo-org-hello-offstage-6dcb09b/";
        byte[] cutTar = TarballBuilder.github(REPOSITORY, PUSH_SHA).file(top + "big", new byte[100_000], 0100644).tar();
        return Stream.of(
                Arguments.of("a gzip bomb", TarballBuilder.github(REPOSITORY, PUSH_SHA)
                                .file(top + "zeros", new byte[8 << 20], 0100644).gzipped(),
                        "The tarball holds more than 1048576 bytes of content (reached at entry '" + top + "zeros')"),
                Arguments.of("an entry cut short in a whole gzip stream", TarballBuilder.gzip(Arrays.copyOf(cutTar, 50_000)),
                        "The tarball is not a valid tar archive"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTarballs")
    void refusedTarballEndsInErrorWithTheReasonOnceAndLeavesNoFiles(String what, byte[] tarball, String reason,
            @TempDir Path tmp) {
        serveTarball(PUSH_SHA, tarball);
        var id = queuePush("d-refused");

        assertThat(runner(tmp, 1 << 20).run(id, context())).isEqualTo(BuildStatus.ERROR);

        var build = build(id);
        assertThat(build.reason()).startsWith(reason);
        assertThat(build.retryable()).isFalse();
        assertThat(log(build)).contains("Build error: " + reason);
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error");
        assertThat(tmp.resolve("offstage-builds")).isEmptyDirectory();
    }

    @Test
    void tarballCutShortIsRetriedSayingSo(@TempDir Path tmp) {
        byte[] whole = TarballBuilder.github(REPOSITORY, PUSH_SHA)
                .file("octo-org-hello-offstage-6dcb09b/big", new byte[4 << 20], 0100644).gzipped();
        serveTarball(PUSH_SHA, Arrays.copyOf(whole, whole.length / 2));
        var id = queuePush("d-cut-short");

        assertThatThrownBy(() -> runner(tmp, 1 << 30).run(id, context())).isInstanceOf(java.io.UncheckedIOException.class);

        var build = build(id);
        assertThat(build.status()).isEqualTo(BuildStatus.ERROR);
        assertThat(build.retryable()).isTrue();
        assertThat(build.reason()).contains("The tarball is cut short or corrupt");
        assertThat(tmp.resolve("offstage-builds")).isEmptyDirectory();
    }

    @Test
    void invalidBuildConfigEndsInErrorNamingTheProblem() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml", "commands: [unclosed\n")));
        var id = queuePush("d-badconfig");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.ERROR);

        assertThat(build(id).reason()).contains(".offstage-ci.yml");
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error");
    }

    @Test
    void buildThatCanNeverRunIsNotRunAgainWhenOnlyItsStatusFailed() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml", "commands: [unclosed\n")));
        var id = queuePush("d-permanent");
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .withRequestBody(matchingJsonPath("$.state", equalTo("error")))
                .willReturn(aResponse().withStatus(502)));

        assertThatThrownBy(() -> runner().run(id, context())).isInstanceOf(GitHubApiException.class);
        assertThat(build(id).status()).isEqualTo(BuildStatus.ERROR);
        assertThat(build(id).retryable()).isFalse();

        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .withRequestBody(matchingJsonPath("$.state", equalTo("error")))
                .willReturn(aResponse().withStatus(201).withBody("{}")));
        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.ERROR);
        assertThat(build(id).attempts()).isEqualTo(1);
        assertThat(GITHUB.findAll(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + PUSH_SHA)))).hasSize(1);
        assertThat(states(PUSH_SHA)).containsExactly("pending", "error", "error");
    }

    @Test
    void pullRequestFromAForkRunsWithoutBuildSecrets() {
        serveTarball(PR_SHA, Tarballs.hello(PR_SHA, Map.of()));
        var id = queue(Webhooks.PULL_REQUEST, "d-fork", payload -> {});

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);

        assertThat(log(build(id))).contains("build secrets: absent").doesNotContain(TestSecrets.DEPLOY_TOKEN);
        assertThat(states(PR_SHA)).containsExactly("pending", "success");
    }

    @Test
    void olderQueuedPushIsSupersededByANewerOne() {
        var newerSha = "a".repeat(40);
        serveTarball(newerSha, Tarballs.hello(newerSha, Map.of()));
        var older = queuePush("d-older");
        var newer = queue(Webhooks.PUSH, "d-newer", payload -> payload.put("after", newerSha));

        var runner = runner();
        assertThat(runner.run(older, context())).isEqualTo(BuildStatus.SUPERSEDED);
        assertThat(runner.run(newer, context())).isEqualTo(BuildStatus.SUCCEEDED);

        assertThat(build(older).reason()).contains(newer);
        assertThat(states(PUSH_SHA)).containsExactly("error");
        GITHUB.verify(postRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/statuses/" + PUSH_SHA))
                .withRequestBody(matchingJsonPath("$.description", equalTo("Superseded by a newer build; not run"))));
        assertThat(states(newerSha)).containsExactly("pending", "success");
    }

    @Test
    void newestPushWhoseHeadWriteWasLostRunsInsteadOfBeingSupersededByAnOlderBuild() {
        var newerSha = "a".repeat(40);
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        serveTarball(newerSha, Tarballs.hello(newerSha, Map.of()));
        var older = queuePush("d-older");
        assertThat(runner().run(older, context())).isEqualTo(BuildStatus.SUCCEEDED);
        var newer = queue(Webhooks.PUSH, "d-newer", payload -> {
            payload.put("after", newerSha);
            ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("repository")).put("pushed_at", 1795754300);
        });
        // The newer push's webhook queued it, then died before recording it as its branch's head.
        var request = build(older).request();
        stack.aws.dynamoDb().putItem(put -> put.tableName(stack.resources.table("BuildsTable").name()).item(Map.of(
                "id", AttributeValue.fromS("head#" + request.supersedeKey()),
                "buildId", AttributeValue.fromS(older),
                "created", AttributeValue.fromN(Long.toString(request.eventTime().toEpochMilli())))));

        assertThat(runner().run(newer, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(states(newerSha)).containsExactly("pending", "success");
    }

    @Test
    void buildIsNeverRunTwiceAtOnce() throws Exception {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of(".offstage-ci.yml", "commands:\n  - sleep 3\n")));
        var id = queuePush("d-once");
        var first = CompletableFuture.supplyAsync(() -> runner().run(id, context()));
        while (build(id).status() != BuildStatus.RUNNING) {
            Thread.sleep(20);
        }

        assertThatThrownBy(() -> runner().run(id, context())).isInstanceOf(IdempotencyInProgressException.class);

        assertThat(first.get(1, TimeUnit.MINUTES)).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build(id).attempts()).isEqualTo(1);
        // The retried duplicate finds the build done and runs nothing.
        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build(id).attempts()).isEqualTo(1);
    }

    @Test
    void gitHubServerErrorMarksTheBuildErrorAndIsRetried() {
        GITHUB.stubFor(get(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + PUSH_SHA))
                .willReturn(aResponse().withStatus(502).withBody("{\"message\":\"Server Error\"}")));
        var id = queuePush("d-502");

        assertThatThrownBy(() -> runner().run(id, context())).isInstanceOfSatisfying(GitHubApiException.class,
                e -> assertThat(e.retryable()).isTrue());

        assertThat(build(id).status()).isEqualTo(BuildStatus.ERROR);
        assertThat(build(id).retryable()).isTrue();
        assertThat(build(id).reason()).contains("Infrastructure failure").contains("502");

        // GitHub is back: the retry builds.
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build(id).attempts()).isEqualTo(2);
    }

    @Test
    void finalStatusLostToAGitHubOutageIsPostedOnTheRetry() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        var id = queuePush("d-repost");
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .withRequestBody(matchingJsonPath("$.state", equalTo("success")))
                .willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> runner().run(id, context())).isInstanceOf(GitHubApiException.class);
        assertThat(build(id).status()).as("the outcome stands").isEqualTo(BuildStatus.SUCCEEDED);

        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .withRequestBody(matchingJsonPath("$.state", equalTo("success")))
                .willReturn(aResponse().withStatus(201).withBody("{}")));
        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(states(PUSH_SHA)).containsExactly("pending", "success", "success");
        assertThat(build(id).attempts()).isEqualTo(1);
    }

    @Test
    void withoutATokenBuildsRunAndStatusesAreSkipped() {
        stack.putSecret("GitHubCredentials", "{\"token\": \"\"}");
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        var id = queuePush("d-anonymous");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(states(PUSH_SHA)).isEmpty();
        GITHUB.verify(getRequestedFor(urlEqualTo("/repos/" + REPOSITORY + "/tarball/" + PUSH_SHA)).withoutHeader("Authorization"));
    }

    @Test
    void statusThatGitHubRefusesForGoodDoesNotStopTheBuild() {
        GITHUB.stubFor(post(urlPathMatching("/repos/octo-org/hello-offstage/statuses/[0-9a-f]{40}"))
                .willReturn(aResponse().withStatus(403).withBody("{\"message\":\"Resource not accessible by personal access token\"}")));
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        var id = queuePush("d-no-permission");

        assertThat(runner().run(id, context())).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(states(PUSH_SHA)).containsExactly("pending", "success");
    }

    @Test
    void buildMessageOfTheSampleEventRunsTheQueuedBuild() {
        serveTarball(PUSH_SHA, Tarballs.hello(PUSH_SHA, Map.of()));
        ApiResponses.handle(Webhooks.load(Webhooks.PUSH), intake::receive);
        var event = EventLoader.loadSQSEvent("events/sqs-build.json");

        var response = runner().process(event, context());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(build("72d3162e-cc78-11e3-81ab-4c9367dc0958").status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void malformedBuildMessagesFailAndStayOnTheQueue() {
        var event = EventLoader.loadSQSEvent("events/sqs-build.json");
        var valid = event.getRecords().getFirst();
        var notJson = copy(valid, "m-not-json", "{not json");
        var noId = copy(valid, "m-no-id", "{\"build\": 1}");
        var hostileId = copy(valid, "m-hostile", "{\"buildId\": \"head#octo-org/hello-offstage#refs/heads/main\"}");
        var unknown = copy(valid, "m-unknown", "{\"buildId\": \"no-such-build\"}");
        event.setRecords(List.of(notJson, noId, hostileId, unknown));

        var response = runner().process(event, context());

        assertThat(response.getBatchItemFailures()).extracting(failure -> failure.getItemIdentifier())
                .containsExactly("m-not-json", "m-no-id", "m-hostile", "m-unknown");
    }

    private static SQSEvent.SQSMessage copy(SQSEvent.SQSMessage message, String id, String body) {
        var copy = new SQSEvent.SQSMessage();
        copy.setMessageId(id);
        copy.setBody(body);
        copy.setAttributes(message.getAttributes());
        copy.setMessageAttributes(message.getMessageAttributes());
        copy.setEventSourceArn(message.getEventSourceArn());
        return copy;
    }

    @Test
    void messageNamingNoBuildCannotSucceed() {
        assertThatThrownBy(() -> runner().run("no-such-build", context())).isInstanceOf(IllegalArgumentException.class);
    }
}
