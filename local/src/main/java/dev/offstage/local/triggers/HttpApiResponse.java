package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.Invocation;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The HTTP response API Gateway makes of an invocation, for payload format version 2.0.
 *
 * <ul>
 *   <li>A JSON object with a {@code statusCode} is a structured response: {@code statusCode},
 *       {@code headers}, {@code multiValueHeaders}, {@code cookies} (each a {@code Set-Cookie}
 *       header), {@code body}, and {@code isBase64Encoded} (the body is decoded).</li>
 *   <li>Any other valid JSON is inferred as 200 with {@code content-type: application/json} and
 *       the function's response as the body (a JSON string's text, anything else verbatim).</li>
 *   <li>A response that is not valid JSON, or a structured one that API Gateway cannot use, is
 *       {@code 500 {"message":"Internal Server Error"}}, as are function errors, timeouts and
 *       failed inits; a throttled invocation is {@code 429 {"message":"Too Many Requests"}}.</li>
 * </ul>
 *
 * @param headers name and value pairs in order; a name may repeat ({@code Set-Cookie})
 */
record HttpApiResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

    HttpApiResponse {
        headers = List.copyOf(headers);
    }

    static final HttpApiResponse NOT_FOUND = message(404, "Not Found");
    static final HttpApiResponse INTERNAL_SERVER_ERROR = message(500, "Internal Server Error");
    static final HttpApiResponse TOO_MANY_REQUESTS = message(429, "Too Many Requests");
    static final HttpApiResponse REQUEST_TOO_LARGE = message(413, "Request Entity Too Large");
    static final HttpApiResponse SERVICE_UNAVAILABLE = message(503, "Service Unavailable");

    /** API Gateway's own answers: a JSON body with one {@code message}. */
    static HttpApiResponse message(int status, String message) {
        return new HttpApiResponse(status, List.of(Map.entry("content-type", "application/json")),
                Json.write(Map.of("message", message)).getBytes(StandardCharsets.UTF_8));
    }

    static HttpApiResponse of(Invocation invocation) {
        return switch (invocation.outcome()) {
            case SUCCESS -> fromPayload(invocation.payload());
            case THROTTLED -> TOO_MANY_REQUESTS;
            case FUNCTION_ERROR, TIMEOUT, INIT_ERROR -> INTERNAL_SERVER_ERROR;
        };
    }

    static HttpApiResponse fromPayload(byte[] payload) {
        if (payload.length == 0) {
            return inferred(payload);
        }
        JsonNode response;
        try {
            response = Json.mapper().readTree(payload);
        } catch (IOException malformed) {
            return INTERNAL_SERVER_ERROR;
        }
        if (response == null || response.isMissingNode()) {
            return INTERNAL_SERVER_ERROR;
        }
        if (response.isObject() && response.has("statusCode")) {
            return structured(response);
        }
        return inferred(response.isTextual() ? response.textValue().getBytes(StandardCharsets.UTF_8) : payload);
    }

    private static HttpApiResponse inferred(byte[] body) {
        return new HttpApiResponse(200, List.of(Map.entry("content-type", "application/json")), body);
    }

    private static HttpApiResponse structured(JsonNode response) {
        var statusNode = response.get("statusCode");
        int status;
        if (statusNode.isIntegralNumber()) {
            status = statusNode.intValue();
        } else if (statusNode.isTextual() && statusNode.textValue().matches("\\d{3}")) {
            status = Integer.parseInt(statusNode.textValue());
        } else {
            return INTERNAL_SERVER_ERROR;
        }
        if (status < 100 || status > 599) {
            return INTERNAL_SERVER_ERROR;
        }
        var headers = new ArrayList<Map.Entry<String, String>>();
        var single = response.path("headers");
        single.properties().forEach(header -> headers.add(Map.entry(header.getKey(), text(header.getValue()))));
        var multi = response.path("multiValueHeaders");
        multi.properties().forEach(header -> {
            if (header.getValue().isArray()) {
                header.getValue().forEach(value -> headers.add(Map.entry(header.getKey(), text(value))));
            } else {
                headers.add(Map.entry(header.getKey(), text(header.getValue())));
            }
        });
        response.path("cookies").forEach(cookie -> headers.add(Map.entry("set-cookie", text(cookie))));
        var bodyNode = response.path("body");
        var bodyText = bodyNode.isMissingNode() || bodyNode.isNull() ? "" : text(bodyNode);
        byte[] body;
        if (response.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = Base64.getMimeDecoder().decode(bodyText);
            } catch (IllegalArgumentException notBase64) {
                return INTERNAL_SERVER_ERROR;
            }
        } else {
            body = bodyText.getBytes(StandardCharsets.UTF_8);
        }
        return new HttpApiResponse(status, headers, body);
    }

    /** A header value or body as API Gateway renders it: strings as they are, other JSON as JSON text. */
    private static String text(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
