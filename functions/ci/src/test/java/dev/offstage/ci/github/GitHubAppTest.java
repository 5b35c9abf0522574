package dev.offstage.ci.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.offstage.ci.github.CommitStatus.State;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubAppTest {

    @RegisterExtension
    static WireMockExtension github = WireMockExtension.newInstance()
            .options(WireMockConfiguration.wireMockConfig().dynamicPort()).build();

    private static final AppKeys KEYS = AppKeys.generate();
    private static final long APP_ID = 123;
    private static final long INSTALLATION = 42;
    private static final String ACCESS_TOKENS = "/app/installations/42/access_tokens";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    private static final String STATUSES = "/repos/octo/hello-world/statuses/" + SHA;
    private static final GitHubRepository REPO = GitHubRepository.parse("octo/hello-world");
    private static final CommitStatus PENDING = new CommitStatus(State.PENDING, null, "Build queued", "offstage/ci");
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private GitHubClient client(String privateKeyPem) {
        var credentials = GitHubCredentials.parse(Json.write(Map.of("appId", APP_ID, "privateKey", privateKeyPem)));
        return new GitHubClient(http, URI.create(github.baseUrl()), credentials, clock);
    }

    private static String issued(String token, Instant expiresAt) {
        return "{\"token\": \"" + token + "\", \"expires_at\": \"" + expiresAt + "\", \"permissions\": {\"statuses\": \"write\"}}";
    }

    private void issueTokens() {
        github.stubFor(post(ACCESS_TOKENS).inScenario("tokens").whenScenarioStateIs(STARTED).willSetStateTo("second")
                .willReturn(aResponse().withStatus(201).withBody(issued("ghs_first", START.plus(Duration.ofHours(1))))));
        github.stubFor(post(ACCESS_TOKENS).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(201).withBody(issued("ghs_second", START.plus(Duration.ofHours(2))))));
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS#1", "PKCS#8"})
    void installationTokenIsRequestedWithAJwtSignedByTheAppKey(String keyFormat) throws Exception {
        issueTokens();

        client(keyFormat.equals("PKCS#1") ? KEYS.pkcs1Pem() : KEYS.pkcs8Pem()).setStatus(REPO, SHA, PENDING, INSTALLATION);

        var tokenRequest = github.findAll(postRequestedFor(urlEqualTo(ACCESS_TOKENS))).getFirst();
        assertThat(tokenRequest.getHeader("Accept")).isEqualTo("application/vnd.github+json");
        assertThat(tokenRequest.getHeader("X-GitHub-Api-Version")).isEqualTo("2022-11-28");
        String jwt = tokenRequest.getHeader("Authorization").substring("Bearer ".length());
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);

        var verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(KEYS.pair.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature verifies").isTrue();

        assertThat(decode(parts[0])).isEqualTo(Json.tree("{\"alg\": \"RS256\", \"typ\": \"JWT\"}"));
        var claims = decode(parts[1]);
        assertThat(claims.path("iat").asLong()).isEqualTo(START.getEpochSecond() - 60);
        assertThat(claims.path("exp").asLong()).isEqualTo(START.getEpochSecond() + 9 * 60);
        assertThat(claims.path("iss").asText()).isEqualTo("123");

        github.verify(postRequestedFor(urlEqualTo(STATUSES)).withHeader("Authorization", equalTo("Bearer ghs_first")));
    }

    @Test
    void installationTokenIsReusedUntilFiveMinutesBeforeItExpires() {
        issueTokens();
        var client = client(KEYS.pkcs1Pem());

        client.setStatus(REPO, SHA, PENDING, INSTALLATION);
        clock.advance(Duration.ofMinutes(54));
        client.setStatus(REPO, SHA, PENDING, INSTALLATION);

        github.verify(1, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
        github.verify(2, postRequestedFor(urlEqualTo(STATUSES)).withHeader("Authorization", equalTo("Bearer ghs_first")));

        clock.advance(Duration.ofMinutes(2));
        client.setStatus(REPO, SHA, PENDING, INSTALLATION);

        github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
        github.verify(1, postRequestedFor(urlEqualTo(STATUSES)).withHeader("Authorization", equalTo("Bearer ghs_second")));
    }

    @Test
    void concurrentCallsShareOneTokenRequest() throws Exception {
        github.stubFor(post(ACCESS_TOKENS).willReturn(aResponse().withStatus(201).withFixedDelay(300)
                .withBody(issued("ghs_first", START.plus(Duration.ofHours(1))))));
        github.stubFor(post(STATUSES).willReturn(aResponse().withStatus(201)));
        var client = client(KEYS.pkcs8Pem());

        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Future<?>>();
            for (int i = 0; i < 8; i++) {
                calls.add(executor.submit(() -> client.setStatus(REPO, SHA, PENDING, INSTALLATION)));
            }
            for (var call : calls) {
                call.get();
            }
        }

        github.verify(1, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
        github.verify(8, postRequestedFor(urlEqualTo(STATUSES)).withHeader("Authorization", equalTo("Bearer ghs_first")));
    }

    @Test
    void refusedInstallationTokenIsForgotten() {
        issueTokens();
        github.stubFor(post(STATUSES).withHeader("Authorization", equalTo("Bearer ghs_first"))
                .willReturn(aResponse().withStatus(401).withBody("{\"message\": \"Bad credentials\"}")));
        var client = client(KEYS.pkcs1Pem());

        assertThatThrownBy(() -> client.setStatus(REPO, SHA, PENDING, INSTALLATION))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> assertThat(e.status()).isEqualTo(401));
        client.setStatus(REPO, SHA, PENDING, INSTALLATION);

        github.verify(2, postRequestedFor(urlEqualTo(ACCESS_TOKENS)));
        github.verify(postRequestedFor(urlEqualTo(STATUSES)).withHeader("Authorization", equalTo("Bearer ghs_second")));
    }

    @Test
    void missingInstallationIdSaysTheAppIsNotInstalled() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> client(KEYS.pkcs1Pem()).setStatus(REPO, SHA, PENDING, null))
                .withMessageContaining("installation.id").withMessageContaining("octo/hello-world");
        assertThat(github.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownInstallationIsNotRetryable() {
        github.stubFor(post(ACCESS_TOKENS).willReturn(aResponse().withStatus(404).withBody("{\"message\": \"Not Found\"}")));

        assertThatThrownBy(() -> client(KEYS.pkcs1Pem()).setStatus(REPO, SHA, PENDING, INSTALLATION))
                .isInstanceOfSatisfying(GitHubApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.request()).isEqualTo("POST " + ACCESS_TOKENS);
                    assertThat(e.getMessage()).doesNotContain("eyJ");
                });
        github.verify(0, postRequestedFor(urlEqualTo(STATUSES)));
    }

    private static JsonNode decode(String part) {
        return Json.tree(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    }
}
