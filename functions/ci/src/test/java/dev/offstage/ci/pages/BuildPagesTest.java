package dev.offstage.ci.pages;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.offstage.ci.CiStack;
import dev.offstage.ci.Webhooks;
import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildStatus;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The build pages, configured as template.yaml configures BuildPagesFunction, over builds queued through the webhook. */
@ExtendWith(EmulatorsExtension.class)
class BuildPagesTest {

    private static final String ID = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    private final CiStack stack;
    private final BuildPages pages;

    BuildPagesTest(Emulators emulators) {
        this.stack = new CiStack(emulators);
        this.pages = stack.setup("BuildPagesFunction").buildPages();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void queue(APIGatewayV2HTTPEvent webhook) {
        var response = ApiResponses.handle(webhook, stack.setup("GitHubWebhookFunction").webhookIntake()::receive);
        assertThat(response.getStatusCode()).isEqualTo(202);
    }

    private APIGatewayV2HTTPResponse get(APIGatewayV2HTTPEvent event) {
        return ApiResponses.handle(event, pages::respond);
    }

    private static APIGatewayV2HTTPEvent page(String id, String accept) {
        var event = EventLoader.loadApiGatewayHttpEvent("events/build-page.json");
        event.setPathParameters(Map.of("id", id));
        var headers = new HashMap<>(event.getHeaders());
        headers.put("accept", accept);
        event.setHeaders(headers);
        return event;
    }

    private void finishWithLog(String id, String log, List<String> artifacts, @TempDir Path folder) throws Exception {
        var files = new BuildFiles(stack.aws.s3(), stack.aws.s3Presigner(), stack.resources.bucket("ArtifactsBucket").name());
        var file = Files.writeString(folder.resolve("log.txt"), log);
        var keys = artifacts.stream().map(name -> files.putArtifact(id, name, file)).toList();
        stack.buildStore().start(id, stack.clock.instant());
        stack.buildStore().finish(id, BuildStatus.FAILED, "'make test' exited 2", 2, files.putLog(id, file), keys, stack.clock.instant());
    }

    @Test
    void buildPageShowsTheBuildItsLogTailAndArtifactLinks(@TempDir Path folder) throws Exception {
        queue(Webhooks.load(Webhooks.PUSH));
        var log = "x".repeat(100) + "\n" + "line\n".repeat(20_000) + "the last line\n";
        finishWithLog(ID, log, List.of("dist/app.jar"), folder);

        var response = get(EventLoader.loadApiGatewayHttpEvent("events/build-page.json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getHeaders()).containsEntry("content-type", "text/html; charset=utf-8");
        var html = response.getBody();
        assertThat(html).contains("Add the build config 🚀", "failed", "&#39;make test&#39; exited 2", "main",
                "6dcb09b5b57875f334f61aebed695e2e4193db5e", "the last line", "dist/app.jar", "Whole log");
        assertThat(html).doesNotContain("<script", "xxxxxxxxxx").doesNotContainPattern("(src|href)=\"https?://(?!github\\.com|127\\.0\\.0\\.1|localhost)");
    }

    @Test
    void jsonAnswersWithPresignedLinksThatWork(@TempDir Path folder) throws Exception {
        queue(Webhooks.load(Webhooks.PUSH));
        finishWithLog(ID, "compiling\ntests failed\n", List.of("reports/result.txt"), folder);

        var response = get(page(ID, "application/json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        var build = Json.tree(response.getBody());
        assertThat(build.get("status").asText()).isEqualTo("FAILED");
        assertThat(build.get("exitCode").asInt()).isEqualTo(2);
        assertThat(build.get("repository").asText()).isEqualTo("octo-org/hello-offstage");
        assertThat(build.at("/log/tail").asText()).isEqualTo("compiling\ntests failed\n");
        try (var http = HttpClient.newHttpClient()) {
            var log = http.send(HttpRequest.newBuilder(URI.create(build.at("/log/url").asText())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(log.body()).isEqualTo("compiling\ntests failed\n");
            var artifact = build.get("artifacts").get(0);
            assertThat(artifact.get("name").asText()).isEqualTo("reports/result.txt");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(artifact.get("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void titlesAndBranchesFromWebhooksAreEscaped() {
        queue(Webhooks.delivery(Webhooks.PUSH, "d-xss", payload -> {
            payload.put("ref", "refs/heads/<img src=x onerror=alert(1)>");
            ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("head_commit")).put("message", "<script>alert('pwned')</script>\"&");
        }));

        var html = get(page("d-xss", "text/html")).getBody();

        assertThat(html).doesNotContain("<script>alert", "<img src=x")
                .contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&quot;&amp;", "&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void queuedBuildPageReloadsItselfAndHasNoLogYet() {
        queue(Webhooks.load(Webhooks.PUSH));

        var html = get(page(ID, "text/html")).getBody();

        assertThat(html).contains("http-equiv=\"refresh\"", "queued", "No log yet");
    }

    @Test
    void repositoryListShowsTheNewestBuildsFirst() {
        queue(Webhooks.load(Webhooks.PUSH));
        stack.testClock().advance(java.time.Duration.ofMinutes(1));
        queue(Webhooks.delivery(Webhooks.PUSH, "d-second", payload -> payload.put("after", "b".repeat(40))));
        var event = page(ID, "application/json");
        event.setPathParameters(Map.of("owner", "octo-org", "repo", "hello-offstage"));

        var list = Json.tree(get(event).getBody());

        assertThat(list.get("repository").asText()).isEqualTo("octo-org/hello-offstage");
        assertThat(list.get("builds").findValuesAsText("id")).containsExactly("d-second", ID);
        event.getHeaders().put("accept", "text/html");
        assertThat(get(event).getBody()).contains("Builds of octo-org/hello-offstage", "../../../builds/d-second");
    }

    @Test
    void privateRepositorysLogAndArtifactsStayOffThePublicPages(@TempDir Path folder) throws Exception {
        queue(Webhooks.delivery(Webhooks.PUSH, "d-private", payload ->
                ((com.fasterxml.jackson.databind.node.ObjectNode) payload.get("repository")).put("private", true)));
        finishWithLog("d-private", "SECRET_SOURCE_LINE\n", List.of("dist/private.jar"), folder);

        var json = Json.tree(get(page("d-private", "application/json")).getBody());
        var html = get(page("d-private", "text/html")).getBody();

        assertThat(json.has("log")).isFalse();
        assertThat(json.get("artifacts")).isEmpty();
        assertThat(json.get("notice").asText()).contains("private");
        assertThat(html).contains("The repository is private").doesNotContain("SECRET_SOURCE_LINE", "private.jar");
        assertThat(json.get("status").asText()).isEqualTo("FAILED");
    }

    @Test
    void buildWhoseLogExpiredStillHasItsPage(@TempDir Path folder) throws Exception {
        queue(Webhooks.load(Webhooks.PUSH));
        finishWithLog(ID, "old log\n", List.of(), folder);
        // The bucket's lifecycle rule removed it.
        stack.aws.s3().deleteObject(delete -> delete.bucket(stack.resources.bucket("ArtifactsBucket").name()).key(BuildFiles.logKey(ID)));

        var response = get(page(ID, "application/json"));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).at("/log/tail").isMissingNode()).isTrue();
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        assertThat(get(page("no-such-build", "application/json")).getStatusCode()).isEqualTo(404);
        assertThat(get(page("head#octo-org/hello-offstage#refs/heads/main", "application/json")).getStatusCode()).isEqualTo(404);
        assertThat(get(page("../../etc/passwd", "text/html")).getStatusCode()).isEqualTo(404);
        var badRepository = page(ID, "text/html");
        badRepository.setPathParameters(Map.of("owner", "..", "repo", "x"));
        assertThat(get(badRepository).getStatusCode()).isEqualTo(404);
    }

    @Test
    void formatQueryParameterAsksForJson() {
        queue(Webhooks.load(Webhooks.PUSH));
        var event = page(ID, "text/html");
        event.setQueryStringParameters(Map.of("format", "json"));

        assertThat(Json.tree(get(event).getBody()).get("id").asText()).isEqualTo(ID);
    }
}
