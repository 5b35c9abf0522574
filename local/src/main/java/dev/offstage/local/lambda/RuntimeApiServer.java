package dev.offstage.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The Lambda Runtime API (version 2018-06-01) for one execution environment, on a free loopback
 * port: the runtime interface client long-polls {@code GET /runtime/invocation/next} for work and
 * posts each answer to {@code /runtime/invocation/{id}/response} or {@code …/error}; an
 * initialisation failure goes to {@code /runtime/init/error}.
 *
 * <p>SnapStart: after init (and its {@code beforeCheckpoint} hooks) the runtime asks
 * {@code GET /runtime/restore/next}, which is where Lambda would snapshot the environment and
 * later resume it. There is no snapshot here: the answer comes at once, the runtime runs its
 * {@code afterRestore} hooks and reports their failure to {@code /runtime/restore/error}, which
 * ends the init as {@code /init/error} does.
 *
 * <p>The process-side facts (the environment exited) come from {@link #environmentExited(String)}:
 * every waiting caller is then answered, none is left hanging on a dead process.
 */
final class RuntimeApiServer implements AutoCloseable {

    /** Lambda's limit on a synchronous response payload. */
    static final int MAX_RESPONSE_BYTES = 6_291_556;

    private static final String PREFIX = "/2018-06-01/runtime/";
    private static final String ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type";
    private static final byte[] ACCEPTED = "{\"status\":\"OK\"}".getBytes(StandardCharsets.UTF_8);

    /** How initialisation ended. */
    sealed interface InitState {
        /** The runtime asked for its first invocation; {@code restored}: it had asked {@code /restore/next} first. */
        record Ready(boolean restored) implements InitState {}

        /** The runtime posted {@code /init/error} or {@code /restore/error}: {@code document} is its error JSON. */
        record Failed(byte[] document, String errorTypeHeader) implements InitState {}

        /** The process exited before asking for work. */
        record Exited(String reason) implements InitState {}
    }

    /** How the runtime answered one invocation. */
    sealed interface Answer {
        record Response(byte[] payload) implements Answer {}

        /** The runtime posted {@code /invocation/{id}/error}: {@code document} is its error JSON. */
        record Failed(byte[] document, String errorTypeHeader) implements Answer {}

        /** The process exited while the invocation was running. */
        record Exited(String reason) implements Answer {}
    }

    /**
     * One invocation handed to this server. {@link #deadline} completes when the runtime takes the
     * event (with the deadline it was given), or exceptionally with {@link NotDelivered} when the
     * environment died first; {@link #answer} completes once the runtime has answered.
     */
    static final class Pending {
        final String requestId;
        final byte[] event;
        final Duration timeout;
        final String functionArn;
        final String traceId;
        final CompletableFuture<Instant> deadline = new CompletableFuture<>();
        final CompletableFuture<Answer> answer = new CompletableFuture<>();

        Pending(String requestId, byte[] event, Duration timeout, String functionArn, String traceId) {
            this.requestId = requestId;
            this.event = event;
            this.timeout = timeout;
            this.functionArn = functionArn;
            this.traceId = traceId;
        }
    }

    /** The environment exited before taking the event: the event never reached the function. */
    static final class NotDelivered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotDelivered(String reason) {
            super(reason, null, false, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final CompletableFuture<InitState> init = new CompletableFuture<>();
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ConcurrentMap<String, Pending> running = new ConcurrentHashMap<>();
    private volatile String exitReason;
    private volatile boolean restored;

    private RuntimeApiServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static RuntimeApiServer start() {
        try {
            return new RuntimeApiServer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a Runtime API port", e);
        }
    }

    /** {@code host:port}, the value of {@code AWS_LAMBDA_RUNTIME_API}. */
    String address() {
        var address = server.getAddress();
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Completes when the environment has initialised, failed to, or exited. */
    CompletableFuture<InitState> init() {
        return init;
    }

    /** Queues an event for the runtime's next {@code /invocation/next}. */
    Pending submit(String requestId, byte[] event, Duration timeout, String functionArn, String traceId) {
        var pending = new Pending(requestId, event, timeout, functionArn, traceId);
        queue.add(pending);
        var reason = exitReason;
        if (reason != null && queue.remove(pending)) {
            pending.deadline.completeExceptionally(new NotDelivered(reason));
        }
        return pending;
    }

    /** The environment's process is gone: answers everyone still waiting on it. */
    void environmentExited(String reason) {
        exitReason = reason;
        init.complete(new InitState.Exited(reason));
        for (Pending pending; (pending = queue.poll()) != null; ) {
            pending.deadline.completeExceptionally(new NotDelivered(reason));
        }
        running.values().forEach(pending -> pending.answer.complete(new Answer.Exited(reason)));
    }

    @Override
    public void close() {
        server.stop(0);
        // Interrupts the handler parked in /invocation/next.
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            var path = exchange.getRequestURI().getPath();
            var method = exchange.getRequestMethod();
            if (!path.startsWith(PREFIX)) {
                respond(exchange, 404, error("UnknownPath", "Unknown path " + path));
                return;
            }
            var resource = path.substring(PREFIX.length());
            if (resource.equals("invocation/next") && method.equals("GET")) {
                next(exchange);
            } else if (resource.equals("restore/next") && method.equals("GET")) {
                // No snapshot to take or restore: resume at once.
                restored = true;
                respond(exchange, 200, new byte[0]);
            } else if ((resource.equals("init/error") || resource.equals("restore/error")) && method.equals("POST")) {
                init.complete(new InitState.Failed(body(exchange), errorTypeHeader(exchange)));
                respond(exchange, 202, ACCEPTED);
            } else if (resource.startsWith("invocation/") && method.equals("POST")
                    && (resource.endsWith("/response") || resource.endsWith("/error"))) {
                answer(exchange, resource);
            } else {
                respond(exchange, 404, error("UnknownPath", "Unknown path " + method + " " + path));
            }
        }
    }

    private void next(HttpExchange exchange) throws IOException {
        init.complete(new InitState.Ready(restored));
        Pending pending;
        try {
            pending = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        var deadline = Instant.now().plus(pending.timeout);
        running.put(pending.requestId, pending);
        var reason = exitReason;
        if (reason != null) {
            pending.answer.complete(new Answer.Exited(reason));
        }
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", pending.requestId);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline.toEpochMilli()));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", pending.functionArn);
        headers.set("Lambda-Runtime-Trace-Id", pending.traceId);
        // The RIC's native client crashes when these are absent; empty means "none", as for a non-mobile caller.
        headers.set("Lambda-Runtime-Client-Context", "");
        headers.set("Lambda-Runtime-Cognito-Identity", "");
        pending.deadline.complete(deadline);
        respond(exchange, 200, pending.event);
    }

    private void answer(HttpExchange exchange, String resource) throws IOException {
        var slash = resource.indexOf('/', "invocation/".length());
        var requestId = resource.substring("invocation/".length(), slash);
        var kind = resource.substring(slash + 1);
        var body = body(exchange);
        var pending = running.remove(requestId);
        if (pending == null || !(kind.equals("response") || kind.equals("error"))) {
            respond(exchange, 400, error("InvalidRequestID", "Unknown request id " + requestId));
            return;
        }
        if (kind.equals("error")) {
            pending.answer.complete(new Answer.Failed(body, errorTypeHeader(exchange)));
        } else if (body.length > MAX_RESPONSE_BYTES) {
            pending.answer.complete(new Answer.Failed(error("Function.ResponseSizeTooLarge",
                    "Response payload size (" + body.length + " bytes) exceeded maximum allowed payload size ("
                            + MAX_RESPONSE_BYTES + " bytes)."), "Function.ResponseSizeTooLarge"));
        } else {
            pending.answer.complete(new Answer.Response(body));
        }
        respond(exchange, 202, ACCEPTED);
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (var in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static String errorTypeHeader(HttpExchange exchange) {
        var value = exchange.getRequestHeaders().getFirst(ERROR_TYPE_HEADER);
        return value == null ? "" : value;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    static byte[] error(String type, String message) {
        return ErrorDocument.of(type, message).toJson();
    }
}
