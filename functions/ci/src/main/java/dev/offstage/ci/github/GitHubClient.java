package dev.offstage.ci.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.ci.github.GitHubCredentials.Anonymous;
import dev.offstage.ci.github.GitHubCredentials.App;
import dev.offstage.ci.github.GitHubCredentials.Token;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GitHub REST API calls of a build: set a commit status, download the source tarball of a
 * commit. Authenticates with {@link GitHubCredentials}; for a GitHub App it obtains and caches an
 * installation access token per installation.
 *
 * <p>Thread-safe; build one per execution environment and share it. Every call is bounded by a
 * request timeout ({@value #API_TIMEOUT_SECONDS} s for API calls, {@value #TARBALL_TIMEOUT_SECONDS} s
 * for tarballs); give the {@link HttpClient} a connect timeout too.
 *
 * <p>Failures: {@link GitHubApiException} when GitHub refused the call or could not be reached
 * (its {@code retryable()} tells which is worth retrying); {@link IllegalArgumentException} for
 * arguments no call could succeed with (a malformed sha, App credentials without an installation).
 * Every call is logged with method, path, status and duration; tokens never are.
 */
public final class GitHubClient {

    /** GitHub.com's API. GitHub Enterprise Server answers at {@code https://HOST/api/v3}. */
    public static final URI GITHUB_COM = URI.create("https://api.github.com");

    static final long API_TIMEOUT_SECONDS = 10;
    static final long TARBALL_TIMEOUT_SECONDS = 120;
    private static final Duration API_TIMEOUT = Duration.ofSeconds(API_TIMEOUT_SECONDS);
    private static final Duration TARBALL_TIMEOUT = Duration.ofSeconds(TARBALL_TIMEOUT_SECONDS);
    private static final String API_VERSION = "2022-11-28";
    private static final String USER_AGENT = "offstage-ci";
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int MAX_REDIRECTS = 5;
    /** Enough of an error body for GitHub's JSON message; the rest is not read. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GitHubClient.class);

    private final HttpClient http;
    private final URI apiBase;
    private final GitHubCredentials credentials;
    private final Clock clock;
    private final InstallationTokens installationTokens;

    /**
     * @param http        sends the requests. If it follows redirects itself, the JDK drops the
     *                    {@code Authorization} header on a redirect to another host; with the
     *                    default ({@link HttpClient.Redirect#NEVER}) this class follows them, with
     *                    the same rule
     * @param apiBase     {@link #GITHUB_COM}, or a GitHub Enterprise Server's or a test's API root
     * @param credentials how to authenticate
     * @param clock       for App JWTs and installation token expiry
     */
    public GitHubClient(HttpClient http, URI apiBase, GitHubCredentials credentials, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.apiBase = normalized(Objects.requireNonNull(apiBase, "apiBase"));
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.installationTokens = new InstallationTokens(clock, this::issueInstallationToken);
    }

    /** Whether calls carry credentials: anonymous calls can read public repositories but not set commit statuses. */
    public boolean authenticated() {
        return !(credentials instanceof GitHubCredentials.Anonymous);
    }

    /**
     * Sets the commit status of {@code sha} (POST /repos/{owner}/{repo}/statuses/{sha}). Setting the
     * same status twice is harmless: GitHub shows the latest status per context.
     *
     * @param installationId the webhook payload's {@code installation.id}; required for App
     *                       credentials, ignored otherwise (may be {@code null})
     * @throws GitHubApiException       GitHub refused the status or could not be reached
     * @throws IllegalArgumentException for a malformed sha, or App credentials without installation id
     */
    public void setStatus(GitHubRepository repo, String sha, CommitStatus status, Long installationId) {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(status, "status");
        checkSha(sha);
        var body = Json.mapper().createObjectNode();
        body.put("state", status.state().apiValue());
        if (status.targetUrl() != null) {
            body.put("target_url", status.targetUrl().toString());
        }
        if (status.description() != null) {
            body.put("description", status.description());
        }
        body.put("context", status.context());

        String path = "/repos/" + repo.owner() + "/" + repo.name() + "/statuses/" + sha;
        String token = bearerToken(repo, installationId);
        var request = apiRequest(path, token, API_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        var response = send(request, "POST " + path, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw failure("POST " + path, response.statusCode(), response, response.body(), installationId, token);
        }
    }

    /**
     * Downloads the gzipped tarball of {@code sha} (GET /repos/{owner}/{repo}/tarball/{sha}) to
     * {@code target}, replacing it. GitHub answers with a redirect to {@code codeload.github.com},
     * whose URL carries its own short-lived token: redirects are followed, and our token goes only
     * to the API's own host. The file appears whole or not at all: the body is written to a
     * temporary file beside {@code target} and moved into place when complete.
     *
     * @param maxBytes the largest tarball accepted
     * @throws TarballTooLargeException the tarball exceeds {@code maxBytes}; nothing is left behind
     * @throws GitHubApiException       GitHub refused the download (e.g. 404: no such commit or no
     *                                  access) or the transfer broke off
     * @throws UncheckedIOException     the local file could not be written (e.g. disk full)
     * @throws IllegalArgumentException for a malformed sha, a non-positive limit, or App
     *                                  credentials without installation id
     */
    public void downloadTarball(GitHubRepository repo, String sha, Long installationId, Path target, long maxBytes) {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(target, "target");
        checkSha(sha);
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
        }
        String path = "/repos/" + repo.owner() + "/" + repo.name() + "/tarball/" + sha;
        String token = bearerToken(repo, installationId);
        URI uri = resolve(path);
        String call = "GET " + path;
        HttpResponse<InputStream> response = send(apiRequest(path, token, TARBALL_TIMEOUT).GET().build(), call,
                HttpResponse.BodyHandlers.ofInputStream());
        for (int hops = 0; REDIRECTS.contains(response.statusCode()); hops++) {
            discard(response);
            if (hops == MAX_REDIRECTS) {
                throw GitHubApiException.ioFailure(call, new IOException("more than " + MAX_REDIRECTS + " redirects"));
            }
            String location = response.headers().firstValue("location").orElse(null);
            if (location == null) {
                throw GitHubApiException.ioFailure(call, new IOException("redirect without Location"));
            }
            uri = followable(uri, location, call);
            call = "GET " + displayed(uri);
            var next = sameOrigin(uri, apiBase)
                    ? apiRequest(uri, token, TARBALL_TIMEOUT)
                    : HttpRequest.newBuilder(uri).timeout(TARBALL_TIMEOUT).header("User-Agent", USER_AGENT);
            response = send(next.GET().build(), call, HttpResponse.BodyHandlers.ofInputStream());
        }
        if (response.statusCode() / 100 != 2) {
            byte[] errorBody = readErrorBody(response);
            throw failure(call, response.statusCode(), response, errorBody, installationId, token);
        }
        long declared = response.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared > maxBytes) {
            discard(response);
            throw new TarballTooLargeException(repo, sha, maxBytes);
        }
        long started = System.nanoTime();
        long bytes = store(response, call, target, repo, sha, maxBytes);
        LOG.atInfo().addKeyValue("bytes", bytes).addKeyValue("durationMs", millisSince(started))
                .log("GitHub tarball of {} at {} stored, {} bytes", repo, sha, bytes);
    }

    // ---------------------------------------------------------------------------------------------
    // Authentication

    /** The bearer token for a call on {@code repo}, or null for anonymous calls. */
    private String bearerToken(GitHubRepository repo, Long installationId) {
        return switch (credentials) {
            case Anonymous anonymous -> null;
            case Token token -> token.value();
            case App app -> {
                if (installationId == null) {
                    throw new IllegalArgumentException("GitHub App credentials need the installation id of the webhook "
                            + "payload (installation.id), and it is missing: the App is not installed on " + repo);
                }
                yield installationTokens.token(installationId);
            }
        };
    }

    /** POST /app/installations/{id}/access_tokens, authenticated by the App's JWT. */
    private InstallationTokens.Issued issueInstallationToken(long installationId) {
        var app = (App) credentials;
        String path = "/app/installations/" + installationId + "/access_tokens";
        String jwt = AppJsonWebToken.sign(app.appId(), app.privateKey(), clock.instant());
        var request = apiRequest(path, jwt, API_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build();
        var response = send(request, "POST " + path, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw GitHubApiException.fromResponse("POST " + path, response.statusCode(), response.headers(), response.body(), clock);
        }
        JsonNode json;
        try {
            json = Json.read(response.body(), JsonNode.class);
        } catch (RuntimeException e) {
            throw GitHubApiException.ioFailure("POST " + path, new IOException("answer is not JSON"));
        }
        String token = json.path("token").asText("");
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(json.path("expires_at").asText(""));
        } catch (DateTimeParseException e) {
            throw GitHubApiException.ioFailure("POST " + path, new IOException("answer has no valid expires_at"));
        }
        if (token.isBlank()) {
            throw GitHubApiException.ioFailure("POST " + path, new IOException("answer has no token"));
        }
        return new InstallationTokens.Issued(token, expiresAt);
    }

    // ---------------------------------------------------------------------------------------------
    // HTTP

    private HttpRequest.Builder apiRequest(String path, String bearerToken, Duration timeout) {
        return apiRequest(resolve(path), bearerToken, timeout);
    }

    private HttpRequest.Builder apiRequest(URI uri, String bearerToken, Duration timeout) {
        var builder = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/vnd.github+json")
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("User-Agent", USER_AGENT);
        if (bearerToken != null) {
            builder.header("Authorization", "Bearer " + bearerToken);
        }
        return builder;
    }

    /** Sends and logs; {@code call} is what logs and errors show (never a query string or token). */
    private <T> HttpResponse<T> send(HttpRequest request, String call, HttpResponse.BodyHandler<T> body) {
        long started = System.nanoTime();
        try {
            var response = http.send(request, body);
            LOG.atInfo().addKeyValue("method", request.method()).addKeyValue("path", pathOf(call))
                    .addKeyValue("status", response.statusCode()).addKeyValue("durationMs", millisSince(started))
                    .log("GitHub {} -> {}", call, response.statusCode());
            return response;
        } catch (IOException e) {
            LOG.atInfo().addKeyValue("method", request.method()).addKeyValue("path", pathOf(call))
                    .addKeyValue("status", 0).addKeyValue("durationMs", millisSince(started))
                    .log("GitHub {} failed without an answer: {}", call, e.toString());
            throw GitHubApiException.ioFailure(call, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GitHubApiException.ioFailure(call, e);
        }
    }

    private GitHubApiException failure(String call, int status, HttpResponse<?> response, byte[] body,
                                       Long installationId, String token) {
        if (status == 401 && installationId != null && credentials instanceof App) {
            installationTokens.forget(installationId, token);
        }
        return GitHubApiException.fromResponse(call, status, response.headers(), body, clock);
    }

    /** Streams the body to a temporary file beside {@code target}, then moves it into place. */
    private long store(HttpResponse<InputStream> response, String call, Path target, GitHubRepository repo, String sha,
                       long maxBytes) {
        Path directory = target.toAbsolutePath().getParent();
        Path partial = null;
        boolean complete = false;
        try (InputStream in = response.body()) {
            partial = Files.createTempFile(directory, target.getFileName().toString() + ".", ".part");
            long total = 0;
            try (OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[64 * 1024];
                while (true) {
                    int read;
                    try {
                        read = in.read(buffer);
                    } catch (IOException e) {
                        throw GitHubApiException.ioFailure(call, e); // the transfer broke off: worth a retry
                    }
                    if (read < 0) {
                        break;
                    }
                    total += read;
                    if (total > maxBytes) {
                        throw new TarballTooLargeException(repo, sha, maxBytes);
                    }
                    out.write(buffer, 0, read);
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            complete = true;
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the tarball of " + repo + " to " + target, e);
        } finally {
            if (!complete && partial != null) {
                try {
                    Files.deleteIfExists(partial);
                } catch (IOException e) {
                    LOG.warn("Cannot delete the partial tarball {}: {}", partial, e.toString());
                }
            }
        }
    }

    private static byte[] readErrorBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            return new byte[0]; // the status alone still says what happened
        }
    }

    private static void discard(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing only releases the connection
        }
    }

    /**
     * Where a redirect may lead: resolved against the current URI, and never from https down to
     * http, since the Location of a tarball redirect carries a token in its query.
     */
    private URI followable(URI current, String location, String call) {
        URI next;
        try {
            next = current.resolve(location);
        } catch (IllegalArgumentException e) {
            throw GitHubApiException.ioFailure(call, new IOException("redirect to an invalid Location"));
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("https") || (scheme.equals("http") && current.getScheme().equalsIgnoreCase("http"));
        if (!allowed || next.getHost() == null) {
            throw GitHubApiException.ioFailure(call, new IOException("redirect to a " + (scheme.isEmpty() ? "relative" : scheme)
                    + " URL refused"));
        }
        return next;
    }

    private URI resolve(String path) {
        return URI.create(apiBase + path);
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Host and path of a redirect target: its query holds a token. */
    private static String displayed(URI uri) {
        return uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + uri.getRawPath();
    }

    private static String pathOf(String call) {
        return call.substring(call.indexOf(' ') + 1);
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static void checkSha(String sha) {
        if (sha == null || !SHA.matcher(sha).matches()) {
            throw new IllegalArgumentException("A commit sha is 40 hexadecimal characters, got "
                    + (sha == null ? "null" : "'" + (sha.length() > 64 ? sha.substring(0, 64) + "…" : sha) + "'"));
        }
    }

    private static URI normalized(URI apiBase) {
        String scheme = apiBase.getScheme();
        if (!apiBase.isAbsolute() || apiBase.getHost() == null
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || apiBase.getRawQuery() != null || apiBase.getRawFragment() != null) {
            throw new IllegalArgumentException("The GitHub API base must be an http(s) URL without query, got " + apiBase);
        }
        String text = apiBase.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }
}
