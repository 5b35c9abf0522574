package dev.offstage.local.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the part of GitHub's REST API that the CI runner calls, on a loopback port, for local demos:
 *
 * <ul>
 *   <li>{@code GET /repos/{owner}/{repo}/tarball/{ref}}: as GitHub, a {@code 302} to a
 *       "codeload" URL (here on the same server) that serves the repository's folder packed as
 *       {@link RepositoryTarball} packs it, whatever the ref: the folder is every commit;
 *   <li>{@code POST /repos/{owner}/{repo}/statuses/{sha}}: records the status ({@code 401}
 *       without an {@code Authorization} header, {@code 422} for an unknown state) and answers
 *       {@code 201} with it, as GitHub does;
 *   <li>{@code GET /repos/{owner}/{repo}/commits/{ref}/statuses} (and the older
 *       {@code /repos/{owner}/{repo}/statuses/{ref}}): the recorded statuses, newest first.
 * </ul>
 *
 * Anything else, and any repository it was not given, is {@code 404 {"message":"Not Found"}}.
 * Statuses live in memory only. Thread-safe; {@link #close()} stops it.
 */
public final class GitHubPlayer implements AutoCloseable {

    /** A commit status as GitHub lists it. */
    public record CommitStatus(long id, String state, String targetUrl, String description, String context,
                               Instant createdAt) {}

    private static final Logger LOG = LoggerFactory.getLogger(GitHubPlayer.class);
    private static final Set<String> STATES = Set.of("error", "failure", "pending", "success");
    private static final String NAME = "[A-Za-z0-9._-]+";
    private static final Pattern TARBALL = Pattern.compile("/repos/(" + NAME + ")/(" + NAME + ")/tarball/(" + NAME + ")");
    private static final Pattern CODELOAD = Pattern.compile("/_codeload/(" + NAME + ")/(" + NAME + ")/legacy\\.tar\\.gz/(" + NAME + ")");
    private static final Pattern POST_STATUS = Pattern.compile("/repos/(" + NAME + ")/(" + NAME + ")/statuses/([0-9a-fA-F]{40})");
    private static final Pattern LIST_STATUSES = Pattern.compile(
            "/repos/(" + NAME + ")/(" + NAME + ")/(?:commits/(" + NAME + ")/statuses|statuses/(" + NAME + "))");

    private final HttpServer server;
    private final ExecutorService requests;
    private final Map<String, Path> repositories;
    private final Clock clock;
    private final Map<String, List<CommitStatus>> statuses = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    private GitHubPlayer(HttpServer server, ExecutorService requests, Map<String, Path> repositories, Clock clock) {
        this.server = server;
        this.requests = requests;
        this.repositories = repositories;
        this.clock = clock;
    }

    /**
     * Serves {@code repositories} ({@code owner/name} → the folder standing for its commits) on
     * loopback port {@code port}, or any free one for 0.
     *
     * @throws IllegalArgumentException when a name is not {@code owner/name} or a folder does not exist
     * @throws UncheckedIOException when the port cannot be opened
     */
    public static GitHubPlayer start(int port, Map<String, Path> repositories, Clock clock) {
        var served = new LinkedHashMap<String, Path>();
        repositories.forEach((repository, folder) -> {
            if (!repository.matches(NAME + "/" + NAME)) {
                throw new IllegalArgumentException("A repository is owner/name, got '" + repository + "'");
            }
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("No folder " + folder.toAbsolutePath() + " for " + repository);
            }
            served.put(repository.toLowerCase(Locale.ROOT), folder);
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open loopback port " + port + " for the GitHub API player", e);
        }
        var requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("github-player-", 0).factory());
        var player = new GitHubPlayer(server, requests, Map.copyOf(served), Objects.requireNonNull(clock, "clock"));
        server.setExecutor(requests);
        server.createContext("/", player::serve);
        server.start();
        LOG.atInfo().addKeyValue("url", player.url()).addKeyValue("repositories", served.keySet())
                .log("GitHub API player listening on {} for {}", player.url(), served.keySet());
        return player;
    }

    /** The API root to give the runner ({@code GitHubApiUrl}), e.g. {@code http://127.0.0.1:41234}. */
    public URI url() {
        var address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /** The statuses posted for {@code sha} of {@code owner/name}, newest first. */
    public List<CommitStatus> statuses(String repository, String sha) {
        var recorded = statuses.getOrDefault(key(repository, sha), List.of());
        List<CommitStatus> copy;
        synchronized (recorded) {
            copy = new ArrayList<>(recorded);
        }
        return List.copyOf(copy.reversed());
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------

    private void serve(HttpExchange exchange) {
        try (exchange) {
            var method = exchange.getRequestMethod();
            var path = exchange.getRequestURI().getRawPath();
            var status = answer(exchange, method, path);
            LOG.atInfo().addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
                    .log("GitHub API player: {} {} -> {}", method, path, status);
        } catch (IOException | RuntimeException e) {
            LOG.warn("GitHub API player: {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private int answer(HttpExchange exchange, String method, String path) throws IOException {
        Matcher match;
        if (method.equals("GET") && (match = TARBALL.matcher(path)).matches() && served(match) != null) {
            exchange.getResponseHeaders().set("Location",
                    url() + "/_codeload/" + match.group(1) + "/" + match.group(2) + "/legacy.tar.gz/" + match.group(3));
            return send(exchange, 302, null, new byte[0]);
        }
        if (method.equals("GET") && (match = CODELOAD.matcher(path)).matches() && served(match) != null) {
            var tarball = RepositoryTarball.of(served(match), match.group(1), match.group(2), match.group(3));
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename="
                    + RepositoryTarball.topDirectory(match.group(1), match.group(2), match.group(3)).replace("/", ".tar.gz"));
            return send(exchange, 200, "application/x-gzip", tarball);
        }
        if (method.equals("POST") && (match = POST_STATUS.matcher(path)).matches() && served(match) != null) {
            return postStatus(exchange, match.group(1) + "/" + match.group(2), match.group(3));
        }
        if (method.equals("GET") && (match = LIST_STATUSES.matcher(path)).matches() && served(match) != null) {
            var ref = match.group(3) != null ? match.group(3) : match.group(4);
            var list = statuses(match.group(1) + "/" + match.group(2), ref).stream().map(GitHubPlayer::json).toList();
            return sendJson(exchange, 200, list);
        }
        return sendJson(exchange, 404, Map.of("message", "Not Found", "documentation_url", "https://docs.github.com/rest"));
    }

    private int postStatus(HttpExchange exchange, String repository, String sha) throws IOException {
        if (exchange.getRequestHeaders().getFirst("Authorization") == null) {
            return sendJson(exchange, 401, Map.of("message", "Requires authentication"));
        }
        JsonNode body;
        try {
            body = Json.read(exchange.getRequestBody().readAllBytes(), JsonNode.class);
        } catch (RuntimeException e) {
            return sendJson(exchange, 400, Map.of("message", "Problems parsing JSON"));
        }
        var state = body.path("state").asText("");
        if (!STATES.contains(state)) {
            return sendJson(exchange, 422, Map.of("message", "Validation Failed",
                    "errors", List.of(Map.of("resource", "Status", "field", "state", "code", "invalid"))));
        }
        var status = new CommitStatus(ids.incrementAndGet(), state, text(body, "target_url"), text(body, "description"),
                body.path("context").asText("default"), clock.instant().truncatedTo(ChronoUnit.SECONDS));
        statuses.computeIfAbsent(key(repository, sha), ignored -> Collections.synchronizedList(new ArrayList<>()))
                .add(status);
        LOG.atInfo().addKeyValue("repository", repository).addKeyValue("sha", sha).addKeyValue("state", state)
                .log("GitHub API player: commit status {} for {} at {}: {}", state, repository, sha, status.description());
        return sendJson(exchange, 201, json(status));
    }

    private Path served(Matcher match) {
        return repositories.get((match.group(1) + "/" + match.group(2)).toLowerCase(Locale.ROOT));
    }

    private static String key(String repository, String sha) {
        return repository.toLowerCase(Locale.ROOT) + "@" + sha.toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode body, String field) {
        var value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, Object> json(CommitStatus status) {
        var json = new LinkedHashMap<String, Object>();
        json.put("id", status.id());
        json.put("state", status.state());
        json.put("description", status.description());
        json.put("target_url", status.targetUrl());
        json.put("context", status.context());
        json.put("created_at", status.createdAt().toString());
        json.put("updated_at", status.createdAt().toString());
        return json;
    }

    private static int sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        return send(exchange, status, "application/json; charset=utf-8", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private static int send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        return status;
    }
}
