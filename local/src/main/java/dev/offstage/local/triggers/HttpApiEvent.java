package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.testing.Emulators;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds the event API Gateway HTTP APIs send with payload format version 2.0: {@code version},
 * {@code routeKey}, {@code rawPath}, {@code rawQueryString}, {@code cookies}, {@code headers}
 * (names lower-cased, repeated values joined by commas, cookies moved to {@code cookies}),
 * {@code queryStringParameters} (repeated values joined by commas), {@code pathParameters},
 * {@code requestContext}, {@code body} and {@code isBase64Encoded}. Optional fields are absent,
 * not empty, when the request has nothing for them — as in events captured from AWS.
 */
final class HttpApiEvent {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private HttpApiEvent() {}

    static ObjectNode build(IncomingRequest request, RouteTable.Match match, String apiId, String requestId,
            Instant time) {
        // HTTP APIs hand functions the decoded path, rawPath included (captures from AWS show it).
        var path = decodePath(request.rawPath());
        var headers = headers(request);
        var cookies = cookies(request);
        var event = NODES.objectNode();
        event.put("version", "2.0");
        event.put("routeKey", match.route().routeKey());
        event.put("rawPath", path);
        event.put("rawQueryString", request.rawQuery());
        if (!cookies.isEmpty()) {
            var array = event.putArray("cookies");
            cookies.forEach(array::add);
        }
        var headersNode = event.putObject("headers");
        headers.forEach(headersNode::put);
        var query = queryStringParameters(request.rawQuery());
        if (!query.isEmpty()) {
            var queryNode = event.putObject("queryStringParameters");
            query.forEach(queryNode::put);
        }
        var context = event.putObject("requestContext");
        context.put("accountId", Emulators.ACCOUNT_ID);
        context.put("apiId", apiId);
        var domainName = domainName(headers.get("host"));
        context.put("domainName", domainName);
        context.put("domainPrefix", domainPrefix(domainName));
        var http = context.putObject("http");
        http.put("method", request.method());
        http.put("path", path);
        http.put("protocol", request.protocol());
        http.put("sourceIp", request.sourceIp());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", requestId);
        context.put("routeKey", match.route().routeKey());
        context.put("stage", "$default");
        context.put("time", REQUEST_TIME.format(time));
        context.put("timeEpoch", time.toEpochMilli());
        if (request.body().length > 0) {
            var binary = !isText(headers.get("content-type"));
            event.put("body", binary
                    ? Base64.getEncoder().encodeToString(request.body())
                    : new String(request.body(), StandardCharsets.UTF_8));
            event.put("isBase64Encoded", binary);
        } else {
            event.put("isBase64Encoded", false);
        }
        if (!match.pathParameters().isEmpty()) {
            var parameters = event.putObject("pathParameters");
            match.pathParameters().forEach(parameters::put);
        }
        return event;
    }

    /** API Gateway's request ids look like {@code MIZRNhJtIAMEMDw=}: ten random bytes, base64. */
    static String newRequestId() {
        var bytes = new byte[10];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** An X-Ray trace header for the request, as API Gateway adds one: {@code Root=1-<time>-<random>}. */
    static String newTraceId(Instant time) {
        var random = ThreadLocalRandom.current();
        return "Root=1-%08x-%08x%08x%08x".formatted(time.getEpochSecond(), random.nextInt(), random.nextInt(),
                random.nextInt());
    }

    static String decodePath(String rawPath) {
        try {
            // Percent-decoding only: in a path, '+' is a plus sign.
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return rawPath;
        }
    }

    private static Map<String, String> headers(IncomingRequest request) {
        var joined = new TreeMap<String, String>();
        for (var header : request.headers().entrySet()) {
            var name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                continue;
            }
            var values = header.getValue();
            joined.merge(name, String.join(",", values), (first, second) -> first + "," + second);
        }
        // What API Gateway adds in front of every integration.
        joined.merge("x-forwarded-for", request.sourceIp(), (sent, source) -> sent + ", " + source);
        joined.put("x-forwarded-port", Integer.toString(request.localPort()));
        joined.put("x-forwarded-proto", "http");
        joined.putIfAbsent("x-amzn-trace-id", newTraceId(Instant.now()));
        return joined;
    }

    private static List<String> cookies(IncomingRequest request) {
        var cookies = new ArrayList<String>();
        request.headers().forEach((name, values) -> {
            if (name.equalsIgnoreCase("cookie")) {
                for (var value : values) {
                    for (var cookie : value.split(";")) {
                        if (!cookie.isBlank()) {
                            cookies.add(cookie.strip());
                        }
                    }
                }
            }
        });
        return cookies;
    }

    static Map<String, String> queryStringParameters(String rawQuery) {
        var parameters = new LinkedHashMap<String, String>();
        if (rawQuery.isEmpty()) {
            return parameters;
        }
        for (var pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            var equals = pair.indexOf('=');
            var name = decodeQuery(equals < 0 ? pair : pair.substring(0, equals));
            var value = equals < 0 ? "" : decodeQuery(pair.substring(equals + 1));
            parameters.merge(name, value, (first, second) -> first + "," + second);
        }
        return parameters;
    }

    private static String decodeQuery(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    private static String domainName(String host) {
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        if (host.startsWith("[")) {
            var end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        var colon = host.lastIndexOf(':');
        return colon > 0 ? host.substring(0, colon) : host;
    }

    /** The first label of the domain name ({@code abc123} of {@code abc123.execute-api…}); an address is its own prefix. */
    private static String domainPrefix(String domainName) {
        if (domainName.startsWith("[") || domainName.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            return domainName;
        }
        var dot = domainName.indexOf('.');
        return dot > 0 ? domainName.substring(0, dot) : domainName;
    }

    /**
     * Whether API Gateway passes a body of this content type as text; every other body (form posts
     * included, and bodies without a content type) arrives base64-encoded.
     */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        var type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/javascript");
    }
}
