package dev.offstage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A headless Chromium for tests that look at a web page as a user would, driven through the Chrome
 * DevTools Protocol over a WebSocket — no WebDriver, no extra dependency. {@link #launch()} starts
 * the browser with a throwaway profile; {@link #navigate} opens a URL in its one tab;
 * {@link #evaluate} runs JavaScript in the page (awaiting a promise) and returns the value as JSON,
 * which is how a test reads the DOM and clicks buttons. {@link #close()} kills the browser and every
 * process it started and deletes its profile, whatever happened before.
 *
 * <p>The browser is the Debian package {@code chromium} ({@code /usr/bin/chromium}); another binary
 * can be named with the {@code OFFSTAGE_CHROMIUM} environment variable, and a Chrome or Chromium
 * found on the PATH under its usual names is used otherwise. No browser at all is an error, not a
 * skipped test: CI installs one ({@code .ci/run}). Not thread-safe: one test drives one browser.
 */
public final class Chromium implements AutoCloseable {

    /** Bounds every wait on the browser, so that a broken browser fails the test instead of hanging it. */
    private static final Duration PROTOCOL_WAIT = Duration.ofSeconds(60);
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path directory;
    private final HttpClient http;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private Chromium(Process process, Path directory, HttpClient http, WebSocket.Builder socketBuilder, URI page) {
        this.process = process;
        this.directory = directory;
        this.http = http;
        this.socket = socketBuilder.buildAsync(page, new Listener())
                .orTimeout(PROTOCOL_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * Starts a headless browser on a free DevTools port with an empty profile, and connects to its tab.
     *
     * @throws IllegalStateException when no browser is installed or it does not start (with its output)
     */
    public static Chromium launch() {
        var binary = binary();
        Path directory;
        try {
            directory = Files.createTempDirectory("offstage-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a profile directory for Chromium", e);
        }
        var profile = directory.resolve("profile");
        var log = directory.resolve("chromium.log");
        Process process = null;
        HttpClient http = null;
        try {
            process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--mute-audio",
                    // The crash handler double-forks out of the process tree that stop() kills.
                    "--disable-crash-reporter", "--disable-breakpad",
                    "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            var port = devToolsPort(process, profile.resolve("DevToolsActivePort"), log);
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            var page = pageTarget(http, port);
            var chromium = new Chromium(process, directory, http, http.newWebSocketBuilder(), page);
            try {
                // Page events for navigation, Runtime events for the page's errors (pageErrors()).
                chromium.send("Page.enable", JSON.createObjectNode());
                chromium.send("Runtime.enable", JSON.createObjectNode());
            } catch (RuntimeException e) {
                chromium.close();
                throw e;
            }
            return chromium;
        } catch (IOException e) {
            stop(process, directory, http);
            throw new IllegalStateException("Could not start " + binary + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stop(process, directory, http);
            throw e;
        }
    }

    /**
     * Opens {@code url} in the tab and returns once its document has loaded (scripts the page
     * starts on load may still be running: wait for what they do with {@link #waitFor}).
     */
    public void navigate(URI url) {
        var result = send("Page.navigate", JSON.createObjectNode().put("url", url.toString()));
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("Chromium could not open " + url + ": " + result.get("errorText").asText());
        }
        waitFor("document.readyState === 'complete' && location.href === " + JSON.valueToTree(url.toString()));
    }

    /**
     * Runs a JavaScript expression in the page and returns its value as JSON (a promise is awaited).
     *
     * @throws IllegalStateException when the expression throws, with the page's error
     */
    public JsonNode evaluate(String expression) {
        var params = JSON.createObjectNode()
                .put("expression", expression)
                .put("awaitPromise", true)
                .put("returnByValue", true);
        var result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            var details = result.get("exceptionDetails");
            var description = details.path("exception").path("description").asText(details.path("text").asText());
            throw new IllegalStateException("The page threw evaluating " + expression + ": " + description);
        }
        return result.path("result").path("value");
    }

    /**
     * Evaluates {@code condition} in the page until it is true, every 100 ms, and returns once it is.
     *
     * @throws IllegalStateException when it is still false after a minute — the page never got there
     */
    public void waitFor(String condition) {
        var deadline = System.nanoTime() + PROTOCOL_WAIT.toNanos();
        while (true) {
            try {
                if (evaluate("!!(" + condition + ")").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // Navigation replaces the page's context: evaluation fails for a moment, then works again.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The page never satisfied " + condition + "; page errors: " + pageErrors);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + condition, e);
            }
        }
    }

    /** Uncaught exceptions and {@code console.error} messages of the pages opened so far. */
    public List<String> pageErrors() {
        return List.copyOf(pageErrors);
    }

    /** Kills the browser and every process it started, and deletes its profile. Idempotent. */
    @Override
    public void close() {
        socket.abort();
        stop(process, directory, http);
    }

    private JsonNode send(String method, ObjectNode params) {
        var id = ids.incrementAndGet();
        var answer = new CompletableFuture<JsonNode>();
        pending.put(id, answer);
        var message = JSON.createObjectNode().put("id", id).put("method", method).set("params", params);
        try {
            socket.sendText(message.toString(), true).get(PROTOCOL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            var response = answer.get(PROTOCOL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (response.has("error")) {
                throw new IllegalStateException("Chromium refused " + method + ": " + response.get("error"));
            }
            return response.path("result");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Chromium's DevTools connection failed during " + method, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Chromium did not answer " + method + " within " + PROTOCOL_WAIT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    /** Collects the text frames of each message, answers calls by id and notes the page's errors. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                var text = message.toString();
                message.setLength(0);
                received(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failPending(new IllegalStateException("Chromium closed the DevTools connection: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failPending(error);
        }

        private void received(String text) {
            JsonNode json;
            try {
                json = JSON.readTree(text);
            } catch (IOException e) {
                return;
            }
            if (json.has("id")) {
                var answer = pending.get(json.get("id").asInt());
                if (answer != null) {
                    answer.complete(json);
                }
                return;
            }
            switch (json.path("method").asText()) {
                case "Runtime.exceptionThrown" -> pageErrors.add(json.path("params").path("exceptionDetails")
                        .path("exception").path("description").asText(json.path("params").toString()));
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(json.path("params").path("type").asText())) {
                        pageErrors.add("console.error: " + json.path("params").path("args"));
                    }
                }
                default -> { }
            }
        }

        private void failPending(Throwable error) {
            pending.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }

    private static Path binary() {
        var configured = System.getenv("OFFSTAGE_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            var path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("OFFSTAGE_CHROMIUM names " + configured + ", which is no executable file");
            }
            return path;
        }
        var path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        for (var name : NAMES) {
            for (var directory : path.split(java.io.File.pathSeparator)) {
                if (directory.isEmpty()) {
                    continue;
                }
                var candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("No Chromium found (looked for " + String.join(", ", NAMES) + " on the PATH): "
                + "install the Debian package chromium (apt-get install chromium; .ci/run does it), "
                + "or name a Chrome or Chromium binary with OFFSTAGE_CHROMIUM");
    }

    /** The port Chromium chose: the first line of the DevToolsActivePort file it writes once it listens. */
    private static int devToolsPort(Process process, Path portFile, Path log) throws IOException {
        var deadline = System.nanoTime() + PROTOCOL_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) {
                var lines = Files.readAllLines(portFile, StandardCharsets.UTF_8);
                // Written in one go, but possibly read half-written: wait for both lines.
                if (lines.size() >= 2 && !lines.getFirst().isBlank()) {
                    return Integer.parseInt(lines.getFirst().strip());
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + " before listening: "
                        + tail(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for Chromium", e);
            }
        }
        throw new IllegalStateException("Chromium did not open its DevTools port within " + PROTOCOL_WAIT.toSeconds()
                + " s: " + tail(log));
    }

    /** The WebSocket of the browser's tab (the about:blank it started with). */
    private static URI pageTarget(HttpClient http, int port) throws IOException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted asking Chromium for its tabs", e);
        }
        for (var target : JSON.readTree(response.body())) {
            if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                return URI.create(target.get("webSocketDebuggerUrl").asText());
            }
        }
        throw new IllegalStateException("Chromium has no tab to drive: " + response.body());
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output)";
        }
    }

    private static void stop(Process process, Path directory, HttpClient http) {
        if (http != null) {
            http.close();
        }
        if (process != null) {
            // Chromium's renderers, GPU and zygote processes are its children: kill them all, and wait.
            var family = new ArrayList<ProcessHandle>();
            process.descendants().forEach(family::add);
            family.add(process.toHandle());
            family.forEach(ProcessHandle::destroyForcibly);
            for (var member : family) {
                try {
                    member.onExit().get(PROTOCOL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // Reported by the processes-left checks of the tests, if any.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (directory != null) {
            deleteTree(directory);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // A file a dying process still wrote; the temp directory's owner cleans up.
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Nothing left to delete, or it cannot be read: nothing more to do.
        }
    }
}
