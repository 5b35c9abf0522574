package dev.offstage.testing.fuzz;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * API Gateway HTTP API (payload format 2.0) events made from a sample of {@code events/} with
 * another body and other headers, the body carried the ways API Gateway carries one: as text,
 * base64-encoded (binary bodies), or — what API Gateway never does, but a hand-made invocation
 * can — flagged base64 without being base64.
 */
public final class HttpEvents {

    /** How the body travels in the event. */
    public enum Encoding {
        TEXT, BASE64, FALSELY_BASE64
    }

    private HttpEvents() {}

    /** Any of the three encodings, base64 (API Gateway's choice for binary) most often. */
    public static Gen<Encoding> encodings() {
        return Gen.pick(List.of(Encoding.TEXT, Encoding.BASE64, Encoding.BASE64, Encoding.FALSELY_BASE64));
    }

    /** The sample event of {@code file}, freshly loaded (callers change it freely). */
    public static APIGatewayV2HTTPEvent load(String file) {
        return EventLoader.loadApiGatewayHttpEvent(file);
    }

    /** The sample of {@code file} with this body and these headers. */
    public static APIGatewayV2HTTPEvent of(String file, byte[] body, Map<String, String> headers, Encoding encoding) {
        var event = load(file);
        event.setHeaders(new java.util.LinkedHashMap<>(headers));
        switch (encoding) {
            case TEXT -> {
                event.setBody(new String(body, StandardCharsets.UTF_8));
                event.setIsBase64Encoded(false);
            }
            case BASE64 -> {
                event.setBody(Base64.getEncoder().encodeToString(body));
                event.setIsBase64Encoded(true);
            }
            case FALSELY_BASE64 -> {
                event.setBody(new String(body, StandardCharsets.UTF_8) + "*");
                event.setIsBase64Encoded(true);
            }
        }
        return event;
    }

    /** The body's bytes as the sample of {@code file} carries them. */
    public static byte[] sampleBody(String file) {
        var event = load(file);
        if (event.getBody() == null) {
            return new byte[0];
        }
        return event.getIsBase64Encoded() ? Base64.getDecoder().decode(event.getBody()) : event.getBody().getBytes(StandardCharsets.UTF_8);
    }
}
