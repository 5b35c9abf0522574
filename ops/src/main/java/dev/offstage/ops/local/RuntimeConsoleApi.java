package dev.offstage.ops.local;

import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.ErrorLog;
import dev.offstage.ops.LogsUnavailableException;
import dev.offstage.ops.QueueAges;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ages and errors from the local runtime's console API, served on its HTTP API port:
 * {@code GET /_offstage/api/ages} (queue logical id to seconds), {@code GET
 * /_offstage/api/errors?limit=N} and {@code ?messageId=ID} (arrays of {@link ErrorLine}, newest
 * first). The runtime knows them from its own queues and the functions' log lines. When it does
 * not answer, no age is known and the errors are unavailable: the rest of a view still shows.
 * Thread-safe.
 */
public final class RuntimeConsoleApi implements QueueAges, ErrorLog, AutoCloseable {

    static final String PATH = "/_offstage/api/";

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    /** @param httpApi the runtime's HTTP API, e.g. {@code http://127.0.0.1:3000} */
    public RuntimeConsoleApi(URI httpApi, Duration timeout) {
        var text = httpApi.toString();
        this.base = URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + PATH);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Map<String, Long> oldestAgeSeconds(Map<String, String> queueUrls) {
        try {
            var json = Json.tree(get("ages"));
            var ages = new HashMap<String, Long>();
            if (json != null && json.isObject()) {
                json.properties().forEach(entry -> {
                    if (entry.getValue().isNumber() && queueUrls.containsKey(entry.getKey())) {
                        ages.put(entry.getKey(), entry.getValue().asLong());
                    }
                });
            }
            return ages;
        } catch (LogsUnavailableException | InvalidJsonException e) {
            return Map.of();
        }
    }

    @Override
    public List<ErrorLine> recent(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        return lines("errors?limit=" + max).stream().limit(max).toList();
    }

    @Override
    public Optional<String> reasonFor(String messageId) {
        return lines("errors?messageId=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8)).stream()
                .map(ErrorLine::message).findFirst();
    }

    private List<ErrorLine> lines(String query) {
        var body = get(query);
        try {
            return Arrays.asList(Json.read(body, ErrorLine[].class));
        } catch (InvalidJsonException e) {
            throw new LogsUnavailableException("The local runtime's console API answered " + base + query
                    + " with something else than a list of error lines", e);
        }
    }

    private String get(String path) {
        var uri = base.resolve(path);
        try {
            var response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new LogsUnavailableException("The local runtime answered " + uri + " with HTTP " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new LogsUnavailableException("The local runtime does not answer at " + uri + " (" + e + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogsUnavailableException("Interrupted while asking the local runtime at " + uri, e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
