package dev.offstage.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.offstage.shared.json.Json;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API Gateway HTTP API (payload format 2.0) answers. Every error has the one Offstage error body:
 * {@code {"error": {"code": "...", "message": "..."}}}.
 */
public final class ApiResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ApiResponses.class);
    private static final String JSON = "application/json; charset=utf-8";

    private ApiResponses() {}

    /**
     * Runs a handler's logic on the request and turns its outcome into the answer: an
     * {@link ApiException} becomes its 4xx/5xx error body; any other exception is logged with its
     * stack trace and answered {@code 500 internal_error} without details (no stack traces or
     * internals reach a caller).
     */
    public static APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event,
            Function<ApiRequest, APIGatewayV2HTTPResponse> logic) {
        try {
            return logic.apply(ApiRequest.of(event));
        } catch (ApiException rejection) {
            LOG.info("Request rejected: {} {}", rejection.status(), rejection.code());
            return error(rejection);
        } catch (RuntimeException failure) {
            LOG.error("Request failed", failure);
            return error(500, "internal_error", "The request could not be processed; it is safe to retry");
        }
    }

    /** {@code status} with {@code body} serialised as JSON. */
    public static APIGatewayV2HTTPResponse json(int status, Object body) {
        return response(status, JSON, Json.write(body), false);
    }

    /** {@code status} with a text body of the given content type (e.g. {@code text/html; charset=utf-8}). */
    public static APIGatewayV2HTTPResponse text(int status, String contentType, String body) {
        return response(status, contentType, body, false);
    }

    /** {@code status} with binary content, base64-encoded as API Gateway requires. */
    public static APIGatewayV2HTTPResponse binary(int status, String contentType, byte[] body) {
        return response(status, contentType, Base64.getEncoder().encodeToString(body), true);
    }

    /** The error body for a rejected request. */
    public static APIGatewayV2HTTPResponse error(ApiException rejection) {
        return error(rejection.status(), rejection.code(), rejection.getMessage());
    }

    /** {@code {"error": {"code", "message"}}} with {@code status}. */
    public static APIGatewayV2HTTPResponse error(int status, String code, String message) {
        var error = new LinkedHashMap<String, String>();
        error.put("code", code);
        error.put("message", message);
        return json(status, Map.of("error", error));
    }

    private static APIGatewayV2HTTPResponse response(int status, String contentType, String body, boolean base64) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(Map.of("content-type", contentType))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .build();
    }
}
