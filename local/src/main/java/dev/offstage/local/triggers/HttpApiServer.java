package dev.offstage.local.triggers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.local.model.Application;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's HTTP API, as API Gateway serves it: every {@code HttpApi} route of every
 * function on one loopback port, each request turned into a payload format 2.0 event, invoked
 * synchronously, and the function's response returned as API Gateway returns it (see
 * {@link #start(Application, Invoker, Options)} for the rules).
 *
 * <p>Each request is served on its own virtual thread. Thread-safe; {@link #close()} stops
 * accepting requests and lets those in progress finish briefly.
 */
public final class HttpApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);
    /** The path prefix the local runtime's console is served under; no template route may use it. */
    public static final String CONSOLE_PREFIX = "/_offstage/";
    static final String CONSOLE_SEGMENT = "_offstage";
    private static final Set<String> FRAMING_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    /**
     * API Gateway's limits for HTTP APIs.
     *
     * @param integrationTimeout how long API Gateway waits for the function (30 s for HTTP APIs)
     *     before answering {@code 503}; the invocation itself runs on to its own timeout
     * @param maxRequestBytes the largest request body API Gateway accepts (10 MB) before {@code 413}
     * @param apiId the API's id in events ({@code requestContext.apiId})
     * @param port the loopback port to listen on; 0 for any free one
     */
    public record Options(Duration integrationTimeout, int maxRequestBytes, String apiId, int port) {

        public Options {
            Objects.requireNonNull(integrationTimeout, "integrationTimeout");
            Objects.requireNonNull(apiId, "apiId");
            if (maxRequestBytes <= 0) {
                throw new IllegalArgumentException("maxRequestBytes must be positive");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) or a TCP port, was " + port);
            }
        }

        /** API Gateway's limits (30 s, 10 MB) and a random 10-character API id. */
        public static Options apiGateway() {
            return new Options(Duration.ofSeconds(30), 10 * 1024 * 1024, randomApiId(), 0);
        }

        public Options withIntegrationTimeout(Duration timeout) {
            return new Options(timeout, maxRequestBytes, apiId, port);
        }

        public Options withMaxRequestBytes(int bytes) {
            return new Options(integrationTimeout, bytes, apiId, port);
        }

        /** The API's id as the template resolves {@code !Ref ServerlessHttpApi}. */
        public Options withApiId(String id) {
            return new Options(integrationTimeout, maxRequestBytes, id, port);
        }

        public Options withPort(int newPort) {
            return new Options(integrationTimeout, maxRequestBytes, apiId, newPort);
        }

        private static String randomApiId() {
            var alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
            var random = ThreadLocalRandom.current();
            var id = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                id.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return id.toString();
        }
    }

    private final HttpServer server;
    private final ExecutorService requests;
    private final RouteTable routes;
    private final Invoker invoker;
    private final Options options;

    private HttpApiServer(HttpServer server, ExecutorService requests, RouteTable routes, Invoker invoker,
            Options options) {
        this.server = server;
        this.requests = requests;
        this.routes = routes;
        this.invoker = invoker;
        this.options = options;
    }

    /**
     * A loopback port bound for the HTTP API before its routes are known: the local runtime needs
     * the API's URL to resolve the template, and binding first leaves no gap in which another
     * process could take the port. Serve on it with {@link #start(Application, Invoker, Options, Listener)}.
     */
    public static final class Listener implements AutoCloseable {
        private final HttpServer server;

        private Listener(HttpServer server) {
            this.server = server;
        }

        /** {@code http://127.0.0.1:<port>}. */
        public URI uri() {
            var address = server.getAddress();
            return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
        }

        /** Releases the port when it was never served on. */
        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * Binds a loopback port ({@code port}, or any free one for 0) for the HTTP API.
     *
     * @throws java.io.UncheckedIOException when the port cannot be opened
     */
    public static Listener listen(int port) {
        try {
            return new Listener(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open loopback port " + port
                    + " for the HTTP API (is another process using it?)", e);
        }
    }

    /** Serves the application's routes with API Gateway's limits. */
    public static HttpApiServer start(Application application, Invoker invoker) {
        return start(application, invoker, Options.apiGateway());
    }

    /**
     * Serves the application's routes on a loopback port ({@link Options#port()}, or any free one).
     *
     * <p>Routing: the most specific route wins — a full match of method and path (literal segments
     * before {@code {variables}}), then a greedy {@code {proxy+}} match, then {@code $default}; an
     * exact method beats {@code ANY}. No match: {@code 404 {"message":"Not Found"}}. A body over
     * {@link Options#maxRequestBytes()}: {@code 413}. No answer within
     * {@link Options#integrationTimeout()}: {@code 503 {"message":"Service Unavailable"}}.
     *
     * @throws IllegalArgumentException when two functions declare the same route, or a route is malformed
     * @throws java.io.UncheckedIOException when no port can be opened
     */
    public static HttpApiServer start(Application application, Invoker invoker, Options options) {
        return start(application, invoker, options, listen(options.port()));
    }

    /**
     * As {@link #start(Application, Invoker, Options)}, on a port bound earlier with
     * {@link #listen(int)} ({@link Options#port()} is then ignored).
     */
    public static HttpApiServer start(Application application, Invoker invoker, Options options, Listener listener) {
        RouteTable routes;
        try {
            routes = RouteTable.of(application);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
        var server = listener.server;
        var requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-api-", 0).factory());
        var api = new HttpApiServer(server, requests, routes, invoker, options);
        server.setExecutor(requests);
        server.createContext("/", api::serve);
        server.start();
        LOG.atInfo().addKeyValue("url", api.baseUri()).addKeyValue("routes", api.routeKeys())
                .log("HTTP API listening on {} with routes {}", api.baseUri(), api.routeKeys());
        return api;
    }

    /** Where the API listens, e.g. {@code http://127.0.0.1:43125}: the {@code $default} stage's invoke URL. */
    public URI baseUri() {
        var address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    /**
     * Serves {@code handler} under {@link #CONSOLE_PREFIX}, beside the routes (none of which may
     * be under it), on the API's request threads. Its requests invoke no function.
     */
    public void serveConsole(HttpHandler handler) {
        server.createContext(CONSOLE_PREFIX, handler);
    }

    /** The route keys served, e.g. {@code GET /builds/{id}}, {@code $default}, sorted. */
    public List<String> routeKeys() {
        return routes.routes().stream().map(RouteTable.Route::routeKey).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            var requestId = HttpApiEvent.newRequestId();
            var response = respond(exchange, requestId);
            send(exchange, response, requestId);
        } catch (IOException | RuntimeException e) {
            LOG.warn("HTTP API request {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private HttpApiResponse respond(HttpExchange exchange, String requestId) throws IOException {
        var time = Instant.now();
        var declaredLength = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declaredLength != null && parseLength(declaredLength) > options.maxRequestBytes()) {
            return HttpApiResponse.REQUEST_TOO_LARGE;
        }
        var body = readAtMost(exchange.getRequestBody(), options.maxRequestBytes());
        if (body == null) {
            return HttpApiResponse.REQUEST_TOO_LARGE;
        }
        var uri = exchange.getRequestURI();
        var rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        var request = new IncomingRequest(exchange.getRequestMethod().toUpperCase(Locale.ROOT), rawPath,
                uri.getRawQuery() == null ? "" : uri.getRawQuery(), exchange.getProtocol(),
                Map.copyOf(exchange.getRequestHeaders()), body,
                exchange.getRemoteAddress().getAddress().getHostAddress(), exchange.getLocalAddress().getPort());
        var match = routes.match(request.method(), HttpApiEvent.decodePath(rawPath));
        if (match.isEmpty()) {
            return HttpApiResponse.NOT_FOUND;
        }
        var route = match.get().route();
        var event = HttpApiEvent.build(request, match.get(), options.apiId(), requestId, time);
        var eventJson = Json.write(event).getBytes(StandardCharsets.UTF_8);
        var invocation = CompletableFuture.supplyAsync(() -> invoker.invoke(route.functionLogicalId(), eventJson, route.routeKey()), requests);
        try {
            var outcome = invocation.get(options.integrationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return HttpApiResponse.of(outcome);
        } catch (TimeoutException e) {
            // API Gateway gives up; the function runs on to its own timeout, as in AWS (the Lambda
            // service logs the invocation when it ends).
            LOG.warn("{} did not answer {} within the integration timeout of {} ms: 503", route.functionLogicalId(),
                    route.routeKey(), options.integrationTimeout().toMillis());
            return HttpApiResponse.SERVICE_UNAVAILABLE;
        } catch (ExecutionException e) {
            LOG.error("Invoking {} for {} failed", route.functionLogicalId(), route.routeKey(), e.getCause());
            return HttpApiResponse.INTERNAL_SERVER_ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpApiResponse.SERVICE_UNAVAILABLE;
        }
    }

    private static void send(HttpExchange exchange, HttpApiResponse response, String requestId) throws IOException {
        var headers = exchange.getResponseHeaders();
        for (var header : response.headers()) {
            // API Gateway frames the response itself: a function's framing headers do not pass.
            if (!FRAMING_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        headers.set("apigw-requestid", requestId);
        var bodyless = exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || response.status() == 204 || response.status() == 304 || response.status() < 200;
        if (bodyless || response.body().length == 0) {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), response.body().length);
        exchange.getResponseBody().write(response.body());
    }

    /** The body, or null when it is longer than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        var out = new ByteArrayOutputStream();
        var buffer = new byte[16 * 1024];
        for (int read; (read = in.read(buffer)) >= 0; ) {
            if (out.size() + read > limit) {
                return null;
            }
            out.write(buffer, 0, read);
        }
        return out.toByteArray();
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Stops listening; requests in progress get up to a second to finish. Idempotent. */
    @Override
    public void close() {
        server.stop(1);
        requests.shutdownNow();
    }
}
