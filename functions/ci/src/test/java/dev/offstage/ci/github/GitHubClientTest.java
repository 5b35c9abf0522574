package dev.offstage.ci.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.offstage.ci.github.CommitStatus.State;
import dev.offstage.testing.LogCapture;
import dev.offstage.testing.TestClock;
import dev.offstage.testing.TestSecrets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubClientTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final String TOKEN = TestSecrets.GITHUB_TOKEN;
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String STATUSES = "/repos/octo/hello-world/statuses/" + SHA;
    private static final GitHubRepository REPO = GitHubRepository.parse("octo/hello-world");
    private static final CommitStatus PENDING =
            new CommitStatus(State.PENDING, URI.create("https://ci.example.com/builds/7"), "Build queued", "offstage/ci");

    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private GitHubClient client(GitHubCredentials credentials) {
        return new GitHubClient(http, URI.create(github.baseUrl()), credentials, clock);
    }

    @Test
    void statusIsPostedWithExactBodyAndHeaders() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201).withBody("{\"id\": 1}")));

        client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null);

        github.verify(1, postRequestedFor(urlEqualTo(STATUSES))
                .withHeader("Accept", equalTo("application/vnd.github+json"))
                .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
                .withHeader("User-Agent", equalTo("offstage-ci"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {"state": "pending", "target_url": "https://ci.example.com/builds/7",
                         "description": "Build queued", "context": "offstage/ci"}""")));
    }

    @Test
    void anonymousStatusSendsNoAuthorizationAndLeavesOutMissingFields() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201)));

        client(GitHubCredentials.anonymous()).setStatus(REPO, SHA, new CommitStatus(State.SUCCESS, null, null, "offstage/ci"), null);

        github.verify(postRequestedFor(urlEqualTo(STATUSES)).withoutHeader("Authorization")
                .withRequestBody(equalToJson("{\"state\": \"success\", \"context\": \"offstage/ci\"}")));
    }

    @Test
    void longDescriptionReachesGitHubCut() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201)));

        client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA,
                new CommitStatus(State.FAILURE, null, "e".repeat(300), "offstage/ci"), null);

        github.verify(postRequestedFor(urlEqualTo(STATUSES)).withRequestBody(equalToJson(
                "{\"state\": \"failure\", \"description\": \"" + "e".repeat(139) + "…\", \"context\": \"offstage/ci\"}")));
    }

    @Test
    void malformedShaIsRejectedBeforeAnyCall() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, "../../admin", PENDING, null))
                .withMessageContaining("40 hexadecimal");
        assertThat(github.getAllServeEvents()).isEmpty();
    }

    @Test
    void serverErrorIsRetryable() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(502).withBody("<html>Bad gateway</html>")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.request()).isEqualTo("POST " + STATUSES);
                    assertThat(e.gitHubMessage()).isEmpty();
                });
    }

    @Test
    void notFoundIsNotRetryableAndCarriesGitHubsMessage() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(404).withBody("""
                {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}""")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.gitHubMessage()).contains("Not Found");
                    assertThat(e.getMessage()).contains("POST " + STATUSES, "404", "Not Found").doesNotContain(TOKEN);
                });
    }

    @Test
    void validationFailureIsNotRetryable() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(422).withBody("{\"message\": \"Validation Failed\"}")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> assertThat(e.retryable()).isFalse());
    }

    @Test
    void exhaustedRateLimitIsRetryableWithTheResetTime() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(403)
                .withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", "1893456000")
                .withBody("{\"message\": \"API rate limit exceeded for user ID 1.\"}")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAt()).contains(Instant.ofEpochSecond(1893456000));
                    assertThat(e.getMessage()).contains("API rate limit exceeded", "2030-01-01T00:00:00Z");
                });
    }

    @Test
    void secondaryRateLimitIsRetryableAfterRetryAfter() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(403).withHeader("retry-after", "60")
                .withBody("{\"message\": \"You have exceeded a secondary rate limit. Please wait a few minutes.\"}")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAt()).contains(clock.instant().plusSeconds(60));
                });
    }

    @Test
    void tooManyRequestsIsRetryable() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(429)));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void forbiddenWithoutRateLimitIsNotRetryable() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(403).withHeader("x-ratelimit-remaining", "4999")
                .withBody("{\"message\": \"Resource not accessible by integration\"}")));

        assertThatThrownBy(() -> client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.gitHubMessage()).contains("Resource not accessible by integration");
                });
    }

    @Test
    void refusedConnectionIsRetryableWithStatusZero() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        var client = new GitHubClient(http, URI.create("http://127.0.0.1:" + closedPort), GitHubCredentials.token(TOKEN), clock);

        assertThatThrownBy(() -> client.setStatus(REPO, SHA, PENDING, null))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isZero();
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.request()).isEqualTo("POST " + STATUSES);
                });
    }

    @Test
    void enterpriseApiBaseKeepsItsPathPrefix() {
        github.stubFor(post("/api/v3" + STATUSES).willReturn(aResponse().withStatus(201)));
        var client = new GitHubClient(http, URI.create(github.baseUrl() + "/api/v3/"), GitHubCredentials.token(TOKEN), clock);

        client.setStatus(REPO, SHA, PENDING, null);

        github.verify(postRequestedFor(urlEqualTo("/api/v3" + STATUSES)));
    }

    @Test
    void callsAreLoggedWithoutTheToken() {
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201)));
        LogCapture.start();

        client(GitHubCredentials.token(TOKEN)).setStatus(REPO, SHA, PENDING, null);

        assertThat(LogCapture.lines()).anySatisfy(line -> {
            assertThat(line.fields()).containsEntry("method", "POST").containsEntry("path", STATUSES)
                    .containsEntry("status", "201").containsKey("durationMs");
        });
        assertThat(LogCapture.lines()).allSatisfy(line -> assertThat(line.fields().toString()).doesNotContain(TOKEN));
    }
}
