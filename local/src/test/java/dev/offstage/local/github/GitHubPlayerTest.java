package dev.offstage.local.github;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.json.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub API player answers the runner's calls as GitHub does: tarball by redirect, statuses recorded and listed. */
class GitHubPlayerTest {

    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path repository;

    private GitHubPlayer player;
    private HttpClient http;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(repository.resolve(".offstage-ci.yml"), "commands:\n  - sh ./build.sh\n");
        Files.createDirectories(repository.resolve("src"));
        Files.writeString(repository.resolve("src/main.txt"), "hello\n");
        var script = repository.resolve("build.sh");
        Files.writeString(script, "#!/bin/sh\necho built\n");
        script.toFile().setExecutable(true);
        player = GitHubPlayer.start(0, Map.of("octo-org/demo", repository),
                Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @AfterEach
    void stop() {
        http.close();
        player.close();
    }

    @Test
    void tarballIsTheFolderUnderGitHubsTopLevelDirectoryAfterARedirect() throws Exception {
        var noRedirects = HttpClient.newHttpClient();
        var redirect = noRedirects.send(get("/repos/octo-org/demo/tarball/" + SHA), HttpResponse.BodyHandlers.discarding());
        noRedirects.close();
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("location")).hasValue(player.url() + "/_codeload/octo-org/demo/legacy.tar.gz/" + SHA);

        var response = http.send(get("/repos/octo-org/demo/tarball/" + SHA), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/x-gzip");
        var entries = new LinkedHashMap<String, TarArchiveEntry>();
        var contents = new LinkedHashMap<String, String>();
        byte[] tarBytes;
        try (var gzip = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            tarBytes = gzip.readAllBytes();
        }
        try (var tar = new TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                entries.put(entry.getName(), entry);
                contents.put(entry.getName(), new String(tar.readAllBytes(), UTF_8));
            }
        }
        // First a pax global header (type 'g') carrying the commit id, as GitHub's tarballs start.
        assertThat((char) tarBytes[156]).isEqualTo('g');
        assertThat(new String(tarBytes, 512, 512, UTF_8)).contains("comment=" + SHA);
        var top = "octo-org-demo-0123456/";
        assertThat(entries.keySet()).containsExactly(top, top + ".offstage-ci.yml", top + "build.sh", top + "src/main.txt");
        assertThat(entries.get(top).isDirectory()).isTrue();
        assertThat(contents.get(top + ".offstage-ci.yml")).isEqualTo("commands:\n  - sh ./build.sh\n");
        assertThat(entries.get(top + "build.sh").getMode() & 0777).isEqualTo(0755);
        assertThat(entries.get(top + "src/main.txt").getMode() & 0777).isEqualTo(0644);
    }

    @Test
    void postedStatusesAreRecordedAndListedNewestFirst() throws Exception {
        var pending = postStatus("{\"state\":\"pending\",\"target_url\":\"http://127.0.0.1:3000/builds/b-1\","
                + "\"description\":\"Build started\",\"context\":\"offstage/ci\"}");
        var success = postStatus("{\"state\":\"success\",\"description\":\"Passed in 1 s\",\"context\":\"offstage/ci\"}");

        assertThat(pending.statusCode()).isEqualTo(201);
        assertThat(Json.tree(pending.body()).get("state").asText()).isEqualTo("pending");
        assertThat(success.statusCode()).isEqualTo(201);
        var listed = http.send(get("/repos/octo-org/demo/commits/" + SHA + "/statuses"), HttpResponse.BodyHandlers.ofString());
        assertThat(listed.statusCode()).isEqualTo(200);
        var statuses = Json.tree(listed.body());
        assertThat(statuses.findValuesAsText("state")).containsExactly("success", "pending");
        assertThat(statuses.get(1).get("target_url").asText()).isEqualTo("http://127.0.0.1:3000/builds/b-1");
        assertThat(statuses.get(1).get("context").asText()).isEqualTo("offstage/ci");
        assertThat(statuses.get(1).get("created_at").asText()).isEqualTo("2026-11-27T12:00:00Z");
        assertThat(player.statuses("octo-org/demo", SHA)).extracting(GitHubPlayer.CommitStatus::description)
                .containsExactly("Passed in 1 s", "Build started");
    }

    @Test
    void statusWithoutCredentialsOrWithAnUnknownStateIsRefusedAndNotRecorded() throws Exception {
        var anonymous = http.send(HttpRequest.newBuilder(URI.create(player.url() + "/repos/octo-org/demo/statuses/" + SHA))
                .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"success\"}")).build(), HttpResponse.BodyHandlers.ofString());
        var unknownState = postStatus("{\"state\":\"green\"}");

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(unknownState.statusCode()).isEqualTo(422);
        assertThat(player.statuses("octo-org/demo", SHA)).isEmpty();
    }

    @Test
    void repositoriesItWasNotGivenAreNotFound() throws Exception {
        var response = http.send(get("/repos/someone/else/tarball/" + SHA), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Json.tree(response.body()).get("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void aMissingFolderOrAMalformedNameStopsStartup() {
        assertThatThrownBy(() -> GitHubPlayer.start(0, Map.of("octo-org/demo", repository.resolve("missing")), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("No folder");
        assertThatThrownBy(() -> GitHubPlayer.start(0, Map.of("demo", repository), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("owner/name");
    }

    @Test
    void commandLineNeedsARepositoryAndTakesAPortAndUrlFile() {
        var options = Main.parse(new String[] {"--repository", "octo-org/demo=demo/repository", "--port", "0", "--url-file", "u.txt"});
        assertThat(options.repositories()).containsEntry("octo-org/demo", Path.of("demo/repository"));
        assertThat(options.urlFile()).hasValue(Path.of("u.txt"));
        assertThatThrownBy(() -> Main.parse(new String[] {"--port", "0"})).hasMessageContaining("--repository");
        assertThatThrownBy(() -> Main.parse(new String[] {"--repository", "octo-org/demo"})).hasMessageContaining("owner/name=DIR");
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(player.url() + path)).header("Accept", "application/vnd.github+json").build();
    }

    private HttpResponse<String> postStatus(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(player.url() + "/repos/octo-org/demo/statuses/" + SHA))
                .header("Authorization", "Bearer demo-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
