package dev.offstage.shared.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An API Gateway HTTP API (payload format 2.0) request, read the way handlers need it: headers
 * looked up without regard to case, the body as the exact bytes the client sent (API Gateway
 * base64-encodes binary bodies — a signature must be checked over the decoded bytes), and
 * bad input turned into {@link ApiException}s that map to 4xx answers.
 *
 * <p>Immutable and thread-safe.
 */
public final class ApiRequest {

    private final APIGatewayV2HTTPEvent event;
    private final Map<String, String> headers;

    private ApiRequest(APIGatewayV2HTTPEvent event) {
        this.event = event;
        var folded = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            folded.putAll(event.getHeaders());
        }
        this.headers = folded;
    }

    /** Wraps an event. @throws ApiException 400 when the event is null (an empty invocation) */
    public static ApiRequest of(APIGatewayV2HTTPEvent event) {
        if (event == null) {
            throw ApiException.badRequest("empty_request", "The request is empty");
        }
        return new ApiRequest(event);
    }

    /** The underlying event, for what this class does not cover. */
    public APIGatewayV2HTTPEvent event() {
        return event;
    }

    /** A header's value, any case of {@code name}; API Gateway joins repeated headers with commas. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /** A path parameter from the route (e.g. {@code {id}} in {@code /builds/{id}}). */
    public Optional<String> pathParameter(String name) {
        return Optional.ofNullable(event.getPathParameters()).map(parameters -> parameters.get(name));
    }

    /** A query string parameter; API Gateway joins repeated ones with commas. */
    public Optional<String> queryParameter(String name) {
        return Optional.ofNullable(event.getQueryStringParameters()).map(parameters -> parameters.get(name));
    }

    /** The HTTP method, upper case. */
    public String method() {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null || http.getMethod() == null ? "" : http.getMethod().toUpperCase(Locale.ROOT);
    }

    /** The request path as the client sent it. */
    public String path() {
        return event.getRawPath() == null ? "/" : event.getRawPath();
    }

    /** The correlation id API Gateway assigned ({@code requestContext.requestId}), if any. */
    public Optional<String> requestId() {
        return Optional.ofNullable(event.getRequestContext()).map(APIGatewayV2HTTPEvent.RequestContext::getRequestId);
    }

    /**
     * The body's bytes exactly as the client sent them (base64-decoded when API Gateway encoded it);
     * empty when there is no body.
     *
     * @throws ApiException 400 when API Gateway claims base64 but the body is not
     */
    public byte[] bodyBytes() {
        var body = event.getBody();
        if (body == null) {
            return new byte[0];
        }
        if (event.getIsBase64Encoded()) {
            try {
                return Base64.getDecoder().decode(body);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_body", "The body is marked base64 but is not valid base64");
            }
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The body's bytes, refusing bodies over {@code maxBytes}.
     *
     * @throws ApiException 413 over the limit (checked before decoding where the size is known)
     */
    public byte[] bodyBytes(int maxBytes) {
        var body = event.getBody();
        // A base64 text is 4/3 of its bytes: refuse before decoding what is certainly too big.
        if (body != null && (event.getIsBase64Encoded() ? body.length() / 4L * 3 - 2 : body.length()) > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
        var bytes = bodyBytes();
        if (bytes.length > maxBytes) {
            throw ApiException.payloadTooLarge(maxBytes);
        }
        return bytes;
    }

    /**
     * The body as UTF-8 text.
     *
     * @throws ApiException 400 when the bytes are not valid UTF-8
     */
    public String bodyText() {
        return decodeUtf8(bodyBytes());
    }

    /**
     * The body parsed as JSON into {@code type}.
     *
     * @throws ApiException 400 ({@code invalid_json}) when the body is empty, not UTF-8, or not JSON of that shape
     */
    public <T> T bodyJson(Class<T> type) {
        var text = bodyText();
        if (text.isBlank()) {
            throw ApiException.badRequest("invalid_json", "The body is empty; a JSON document is required");
        }
        try {
            return Json.read(text, type);
        } catch (InvalidJsonException e) {
            throw ApiException.badRequest("invalid_json", "The body is not valid JSON: " + e.getMessage());
        }
    }

    static String decodeUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("invalid_encoding", "The body is not valid UTF-8");
        }
    }
}
