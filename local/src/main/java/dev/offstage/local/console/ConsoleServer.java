package dev.offstage.local.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.ops.OpsConsole;
import dev.offstage.ops.QueueAges;
import dev.offstage.ops.QueueStatus;
import dev.offstage.shared.http.ApiException;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The console's page and JSON API, served under {@code /_offstage/} on the HTTP API's port:
 *
 * <pre>
 * GET  /_offstage/                               the page
 * GET  /_offstage/api/functions                  logical id, name, memory, timeout, environments, counts by outcome
 * GET  /_offstage/api/invocations?limit=N        newest first ({@link InvocationRecord})
 * GET  /_offstage/api/queues                     {@link OpsConsole#queues()}
 * GET  /_offstage/api/queues/{id}/messages?max=N {@link OpsConsole#deadLetters}
 * POST /_offstage/api/queues/{id}/redrive        {@link OpsConsole#redrive}: 202 with the task
 * GET  /_offstage/api/builds?limit=N             {@link OpsConsole#recentBuilds}
 * GET  /_offstage/api/videos?limit=N             {@link OpsConsole#recentVideos}
 * GET  /_offstage/api/errors?limit=N             the functions' ERROR lines, newest first
 * GET  /_offstage/api/errors?messageId=ID        those lines that name an SQS message id
 * GET  /_offstage/api/ages                       {queueLogicalId: seconds} for the queues whose age is known
 * </pre>
 *
 * <p>Errors use the toolkit's one body, {@code {"error":{"code","message"}}}: 404 for an unknown
 * path, 405 for a wrong method, 400 for bad input (a limit that is no number, a malformed id, a
 * queue that is unknown or no dead-letter queue), 403 for a request the cross-site guard refuses.
 * Limits outside their range are clamped. Console requests invoke no function. Thread-safe.
 */
public final class ConsoleServer implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final String PREFIX = "/_offstage/";
    private static final String API = PREFIX + "api/";
    /** The header the page's fetch sets on a POST; see {@link #checkNotCrossSite}. */
    public static final String CONSOLE_HEADER = "X-Offstage-Console";
    /** CloudFormation logical ids are alphanumeric. */
    private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]{1,255}");
    /** SQS message ids are UUIDs; ElasticMQ's too. Generous, but no characters that need escaping. */
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern QUEUE_ACTION = Pattern.compile("queues/([^/]*)/(messages|redrive)");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]{1,100}");
    private static final Set<String> READ = Set.of("GET", "HEAD");
    private static final int MAX_INVOCATIONS = 500;
    private static final int MAX_LISTED = 100;
    private static final int MAX_DEAD_LETTERS = 100;
    private static final int MAX_ERRORS = 500;

    private final Application application;
    private final ToIntFunction<String> environments;
    private final InvocationLog invocations;
    private final FunctionErrorLog errors;
    private final QueueAges ages;
    private final OpsConsole ops;
    private final byte[] page;

    /**
     * @param environments the number of execution environments a function (by logical id) has now
     */
    public ConsoleServer(Application application, ToIntFunction<String> environments, InvocationLog invocations,
            FunctionErrorLog errors, QueueAges ages, OpsConsole ops) {
        this.application = Objects.requireNonNull(application, "application");
        this.environments = Objects.requireNonNull(environments, "environments");
        this.invocations = Objects.requireNonNull(invocations, "invocations");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.ages = Objects.requireNonNull(ages, "ages");
        this.ops = Objects.requireNonNull(ops, "ops");
        this.page = readPage();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Answer answer;
            try {
                answer = route(exchange);
            } catch (MethodNotAllowed wrongMethod) {
                answer = Answer.error(405, "method_not_allowed", "This path takes only " + wrongMethod.allow).withAllow(wrongMethod.allow);
            } catch (ApiException rejection) {
                answer = Answer.error(rejection.status(), rejection.code(), rejection.getMessage());
            } catch (UnsupportedOperationException e) {
                answer = Answer.error(501, "not_implemented", "The ops console cannot do this yet: " + e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("Console request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                answer = Answer.error(500, "internal_error", "The console could not answer; the runtime's log says why");
            }
            send(exchange, answer);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Console response to {} {} not sent: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
        }
    }

    private Answer route(HttpExchange exchange) throws IOException {
        checkHost(exchange);
        var method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        var path = exchange.getRequestURI().getRawPath();
        var query = Query.parse(exchange.getRequestURI().getRawQuery());
        if (path.equals(PREFIX)) {
            allow(method, READ);
            return new Answer(200, "text/html; charset=utf-8", page);
        }
        if (!path.startsWith(API)) {
            throw notFound();
        }
        var resource = path.substring(API.length());
        switch (resource) {
            case "functions" -> {
                allow(method, READ);
                return Answer.json(200, functions());
            }
            case "invocations" -> {
                allow(method, READ);
                return Answer.json(200, invocations.recent(query.limit("limit", 50, MAX_INVOCATIONS)));
            }
            case "queues" -> {
                allow(method, READ);
                return Answer.json(200, ops.queues().stream().map(ConsoleServer::queueJson).toList());
            }
            case "builds" -> {
                allow(method, READ);
                return Answer.json(200, ops.recentBuilds(query.limit("limit", 20, MAX_LISTED)));
            }
            case "videos" -> {
                allow(method, READ);
                return Answer.json(200, ops.recentVideos(query.limit("limit", 20, MAX_LISTED)));
            }
            case "errors" -> {
                allow(method, READ);
                var limit = query.limit("limit", 50, MAX_ERRORS);
                var messageId = query.value("messageId");
                if (messageId == null) {
                    return Answer.json(200, errors.recent(limit));
                }
                if (!MESSAGE_ID.matcher(messageId).matches()) {
                    throw ApiException.badRequest("invalid_message_id",
                            "messageId must be an SQS message id (letters, digits, '-' and '_', up to 128)");
                }
                return Answer.json(200, errors.naming(messageId, limit));
            }
            case "ages" -> {
                allow(method, READ);
                return Answer.json(200, ages.oldestAgeSeconds(ops.deployment().queues()));
            }
            default -> {
                var action = QUEUE_ACTION.matcher(resource);
                if (!action.matches()) {
                    throw notFound();
                }
                var queue = decode(action.group(1));
                if (!LOGICAL_ID.matcher(queue).matches()) {
                    throw ApiException.badRequest("invalid_queue_id", "A queue id is its logical id in the template"
                            + " (letters and digits, e.g. JobsDeadLetterQueue)");
                }
                if (action.group(2).equals("messages")) {
                    allow(method, READ);
                    // Reading dead letters receives them (receive counts, a moment hidden): an
                    // action, guarded like one against other pages' <img>/fetch requests.
                    checkNotCrossSite(exchange);
                    var max = query.limit("max", 10, MAX_DEAD_LETTERS);
                    return Answer.json(200, invalidAsBadRequest(() -> ops.deadLetters(queue, max)));
                }
                allow(method, Set.of("POST"));
                checkNotCrossSite(exchange);
                var task = invalidAsBadRequest(() -> ops.redrive(queue));
                LOG.atInfo().addKeyValue("queue", queue).addKeyValue("destination", task.destination())
                        .addKeyValue("messages", task.messages())
                        .log("Console: redriving {} to {} ({} messages)", queue, task.destination(), task.messages());
                return Answer.json(202, task);
            }
        }
    }

    private List<Map<String, Object>> functions() {
        return application.functions().values().stream()
                .sorted(Comparator.comparing(FunctionSpec::logicalId))
                .map(function -> {
                    var json = new LinkedHashMap<String, Object>();
                    json.put("logicalId", function.logicalId());
                    json.put("name", function.functionName());
                    json.put("handler", function.handler());
                    json.put("memoryMb", function.memoryMb());
                    json.put("timeoutSeconds", function.timeout().toSeconds());
                    json.put("environments", environments.applyAsInt(function.logicalId()));
                    json.put("invocations", invocations.counts(function.logicalId()));
                    return (Map<String, Object>) json;
                })
                .toList();
    }

    /** Written by hand: the record's {@code isDeadLetterQueue()} and {@code deadLetterQueue()} would collide as bean properties. */
    private static Map<String, Object> queueJson(QueueStatus queue) {
        var json = new LinkedHashMap<String, Object>();
        json.put("logicalId", queue.logicalId());
        json.put("url", queue.url());
        json.put("visible", queue.visible());
        json.put("inFlight", queue.inFlight());
        json.put("delayed", queue.delayed());
        json.put("oldestAgeSeconds", queue.oldestAgeSeconds());
        json.put("deadLetterQueue", queue.deadLetterQueue());
        json.put("sources", queue.sources());
        json.put("isDeadLetterQueue", queue.isDeadLetterQueue());
        return json;
    }

    /**
     * The ops console says "unknown queue" or "no dead-letter queue" with IllegalArgumentException:
     * the caller's mistake. SQS refusing the request (a move task already running on the queue,
     * say) is a conflict with the queue's state, not the console's failure.
     */
    private static <T> T invalidAsBadRequest(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (NumberFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_queue", e.getMessage());
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 400 && e.statusCode() < 500) {
                var details = e.awsErrorDetails();
                throw new ApiException(409, "refused_by_sqs", details == null || details.errorMessage() == null
                        ? e.getMessage() : details.errorMessage());
            }
            throw e;
        }
    }

    /**
     * The console listens on loopback, but any page the developer has open in the same browser can
     * send requests to it. Reading is harmless unless a page can read the answers, which the
     * browser's same-origin policy forbids — except after DNS rebinding (a hostile name that
     * resolves to 127.0.0.1), so every request must name this machine as its Host.
     */
    private static void checkHost(HttpExchange exchange) {
        var host = exchange.getRequestHeaders().getFirst("Host");
        var port = exchange.getLocalAddress().getPort();
        if (host == null || !isLoopbackHost(host, port)) {
            throw new ApiException(403, "forbidden",
                    "The console answers only requests for 127.0.0.1, localhost or [::1] on port " + port);
        }
    }

    /**
     * A redrive changes state, and a hostile page can POST cross-site without reading the answer
     * (a plain form post needs no permission). Two guards: the page's fetch sets a custom header,
     * which a cross-site request can only carry after a CORS preflight this server never approves;
     * and when the browser names the request's Origin, it must be this console's own.
     */
    private static void checkNotCrossSite(HttpExchange exchange) {
        var headers = exchange.getRequestHeaders();
        if (!"1".equals(headers.getFirst(CONSOLE_HEADER))) {
            throw new ApiException(403, "forbidden", "A console action needs the header " + CONSOLE_HEADER + ": 1");
        }
        var origin = headers.getFirst("Origin");
        if (origin != null && !isLoopbackOrigin(origin, exchange.getLocalAddress().getPort())) {
            throw new ApiException(403, "forbidden", "A console action must come from the console's own page");
        }
    }

    private static boolean isLoopbackHost(String host, int port) {
        var lower = host.toLowerCase(Locale.ROOT);
        return lower.equals("127.0.0.1:" + port) || lower.equals("localhost:" + port) || lower.equals("[::1]:" + port);
    }

    private static boolean isLoopbackOrigin(String origin, int port) {
        var lower = origin.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") && isLoopbackHost(lower.substring("http://".length()), port);
    }

    /** Percent-decoded; a malformed escape ({@code %zz}) is the caller's mistake. */
    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_encoding", "The path or query has a malformed %-escape");
        }
    }

    private static void allow(String method, Set<String> allowed) {
        if (!allowed.contains(method)) {
            throw new MethodNotAllowed(String.join(", ", allowed.stream().sorted().toList()));
        }
    }

    private static ApiException notFound() {
        return ApiException.notFound("The console has no such path (its page is " + PREFIX + ")");
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", answer.contentType());
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        if (answer.contentType().startsWith("text/html")) {
            // Everything the page needs is inline; it talks only to this server and may not be framed
            // (a framed page could be tricked into clicking Redrive).
            headers.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                    + "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                    + "base-uri 'none'; form-action 'none'");
            headers.set("X-Frame-Options", "DENY");
            headers.set("Referrer-Policy", "no-referrer");
        }
        if (answer.allow() != null) {
            headers.set("Allow", answer.allow());
        }
        if (exchange.getRequestMethod().equalsIgnoreCase("HEAD")) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length);
        exchange.getResponseBody().write(answer.body());
    }

    private static byte[] readPage() {
        try (InputStream in = ConsoleServer.class.getResourceAsStream("console.html")) {
            if (in == null) {
                throw new IllegalStateException("console.html is missing from the local runtime's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read console.html", e);
        }
    }

    /** 405 with the methods the path takes. */
    private static final class MethodNotAllowed extends RuntimeException {
        private final String allow;

        MethodNotAllowed(String allow) {
            super(null, null, false, false);
            this.allow = allow;
        }
    }

    private record Answer(int status, String contentType, byte[] body, String allow) {

        Answer(int status, String contentType, byte[] body) {
            this(status, contentType, body, null);
        }

        Answer withAllow(String methods) {
            return new Answer(status, contentType, body, methods);
        }

        static Answer json(int status, Object value) {
            return new Answer(status, "application/json; charset=utf-8", Json.write(value).getBytes(StandardCharsets.UTF_8));
        }

        /** The toolkit's one error body. */
        static Answer error(int status, String code, String message) {
            var response = ApiResponses.error(status, code, message);
            return new Answer(status, response.getHeaders().get("content-type"),
                    response.getBody().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The query string's parameters; the first value of each wins. */
    private record Query(Map<String, String> values) {

        static Query parse(String raw) {
            var values = new LinkedHashMap<String, String>();
            if (raw != null && !raw.isEmpty()) {
                for (var pair : raw.split("&")) {
                    var equals = pair.indexOf('=');
                    var name = decode(equals < 0 ? pair : pair.substring(0, equals));
                    var value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    values.putIfAbsent(name, value);
                }
            }
            return new Query(values);
        }

        String value(String name) {
            return values.get(name);
        }

        /** A whole number, clamped to 1..max; {@code fallback} when absent. */
        int limit(String name, int fallback, int max) {
            var value = values.get(name);
            if (value == null || value.isEmpty()) {
                return fallback;
            }
            var digits = value.strip();
            if (!WHOLE_NUMBER.matcher(digits).matches()) {
                throw ApiException.badRequest("invalid_" + name, name + " must be a whole number (1 to " + max + ")");
            }
            long parsed;
            try {
                parsed = Long.parseLong(digits);
            } catch (NumberFormatException beyondLong) {
                parsed = digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
            }
            return (int) Math.max(1, Math.min(max, parsed));
        }
    }
}
