package dev.offstage.ci.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.offstage.testing.TestClock;
import dev.offstage.testing.TestSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TarballDownloadTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final String TOKEN = TestSecrets.GITHUB_TOKEN;
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String TARBALL = "/repos/octo/hello-world/tarball/" + SHA;
    private static final String CODELOAD = "/codeload/octo/hello-world/legacy.tar.gz/" + SHA;
    private static final GitHubRepository REPO = GitHubRepository.parse("octo/hello-world");
    private static final byte[] CONTENT = new byte[100_000];

    static {
        new Random(7).nextBytes(CONTENT);
    }

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The API on {@code localhost}; {@code 127.0.0.1} is the same server under another host name. */
    private GitHubClient client() {
        return new GitHubClient(http, URI.create("http://localhost:" + github.getPort()), GitHubCredentials.token(TOKEN),
                new TestClock());
    }

    private void redirectTo(String location) {
        github.stubFor(get(TARBALL).willReturn(aResponse().withStatus(302).withHeader("Location", location)));
    }

    @Test
    void redirectToAnotherHostIsFollowedWithoutOurToken() throws IOException {
        redirectTo("http://127.0.0.1:" + github.getPort() + CODELOAD + "?token=CODELOAD_TOKEN");
        github.stubFor(get(urlPathEqualTo(CODELOAD)).willReturn(aResponse().withStatus(200).withBody(CONTENT)));
        var target = directory.resolve("source.tar.gz");

        client().downloadTarball(REPO, SHA, null, target, 1_000_000);

        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        github.verify(getRequestedFor(urlEqualTo(TARBALL)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Host", equalTo("localhost:" + github.getPort())));
        github.verify(getRequestedFor(urlPathEqualTo(CODELOAD)).withoutHeader("Authorization")
                .withHeader("Host", equalTo("127.0.0.1:" + github.getPort()))
                .withQueryParam("token", equalTo("CODELOAD_TOKEN")));
        assertThat(directory).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void redirectOnTheApiHostKeepsOurToken() throws IOException {
        redirectTo(CODELOAD);
        github.stubFor(get(urlPathEqualTo(CODELOAD)).willReturn(aResponse().withStatus(200).withBody(CONTENT)));
        var target = directory.resolve("source.tar.gz");

        client().downloadTarball(REPO, SHA, null, target, CONTENT.length);

        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        github.verify(getRequestedFor(urlPathEqualTo(CODELOAD)).withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void declaredOverLimitAbortsAndKeepsTheOldFile() throws IOException {
        redirectTo(CODELOAD);
        github.stubFor(get(urlPathEqualTo(CODELOAD)).willReturn(aResponse().withStatus(200).withBody(CONTENT)));
        var target = Files.writeString(directory.resolve("source.tar.gz"), "old");

        assertThatThrownBy(() -> client().downloadTarball(REPO, SHA, null, target, CONTENT.length - 1))
                .isInstanceOfSatisfying(TarballTooLargeException.class,
                        e -> assertThat(e.maxBytes()).isEqualTo(CONTENT.length - 1));

        assertThat(target).hasContent("old");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void streamedOverLimitAbortsAndLeavesNoFile() throws IOException {
        // Chunked: no Content-Length, so the limit is enforced while the bytes arrive.
        redirectTo(CODELOAD);
        github.stubFor(get(urlPathEqualTo(CODELOAD))
                .willReturn(aResponse().withStatus(200).withBody(CONTENT).withChunkedDribbleDelay(10, 100)));
        var target = directory.resolve("source.tar.gz");

        assertThatThrownBy(() -> client().downloadTarball(REPO, SHA, null, target, 50_000))
                .isInstanceOf(TarballTooLargeException.class);

        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void missingCommitIsNotRetryable() {
        github.stubFor(get(TARBALL).willReturn(aResponse().withStatus(404).withBody("{\"message\": \"Not Found\"}")));
        var target = directory.resolve("source.tar.gz");

        assertThatThrownBy(() -> client().downloadTarball(REPO, SHA, null, target, 1_000_000))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.gitHubMessage()).contains("Not Found");
                    assertThat(e.request()).isEqualTo("GET " + TARBALL);
                });
        assertThat(target).doesNotExist();
    }

    @Test
    void codeloadFailureNamesTheHostButNotTheQueryToken() {
        redirectTo("http://127.0.0.1:" + github.getPort() + CODELOAD + "?token=CODELOAD_TOKEN");
        github.stubFor(get(urlPathEqualTo(CODELOAD)).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> client().downloadTarball(REPO, SHA, null, directory.resolve("t.tar.gz"), 1_000_000))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.request()).isEqualTo("GET 127.0.0.1:" + github.getPort() + CODELOAD);
                    assertThat(e.getMessage()).doesNotContain("CODELOAD_TOKEN");
                });
    }

    @Test
    void endlessRedirectsStop() {
        redirectTo(TARBALL);

        assertThatThrownBy(() -> client().downloadTarball(REPO, SHA, null, directory.resolve("t.tar.gz"), 1_000_000))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> assertThat(e.getMessage()).contains("redirects"));
    }
}
