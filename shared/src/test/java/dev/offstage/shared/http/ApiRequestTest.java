package dev.offstage.shared.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

class ApiRequestTest {

    record Greeting(String message) {}

    @ParameterizedTest
    @Event(value = "events/http-api-request.json", type = APIGatewayV2HTTPEvent.class)
    void base64BodyIsDecodedToTheBytesTheClientSent(APIGatewayV2HTTPEvent event) {
        var request = ApiRequest.of(event);

        assertThat(request.bodyText()).isEqualTo("{\"message\":\"hello 🌍\"}");
        assertThat(request.bodyJson(Greeting.class)).isEqualTo(new Greeting("hello 🌍"));
    }

    @ParameterizedTest
    @Event(value = "events/http-api-request.json", type = APIGatewayV2HTTPEvent.class)
    void headerLookupIgnoresCase(APIGatewayV2HTTPEvent event) {
        var request = ApiRequest.of(event);

        assertThat(request.header("x-correlation-id")).contains("corr-123");
        assertThat(request.header("X-CORRELATION-ID")).contains("corr-123");
        assertThat(request.header("X-Hub-Signature-256")).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/http-api-request.json", type = APIGatewayV2HTTPEvent.class)
    void routeDetailsAreExposed(APIGatewayV2HTTPEvent event) {
        var request = ApiRequest.of(event);

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/echo");
        assertThat(request.queryParameter("limit")).contains("10");
        assertThat(request.pathParameter("id")).isEmpty();
        assertThat(request.requestId()).contains("JKJaXmPLvHcESHA=");
    }

    @Test
    void plainBodyIsReadAsUtf8() {
        var request = ApiRequest.of(event("{\"message\":\"grüß dich\"}", false));

        assertThat(request.bodyBytes()).isEqualTo("{\"message\":\"grüß dich\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingBodyIsEmpty() {
        assertThat(ApiRequest.of(event(null, false)).bodyBytes()).isEmpty();
    }

    @Test
    void emptyInvocationIsABadRequest() {
        assertRejected(() -> ApiRequest.of(null), 400, "empty_request");
    }

    @Test
    void malformedJsonIsABadRequestSayingWhere() {
        var request = ApiRequest.of(event("{\"message\": ", false));

        assertRejected(() -> request.bodyJson(Greeting.class), 400, "invalid_json");
        assertThatThrownBy(() -> request.bodyJson(Greeting.class)).hasMessageContaining("line 1");
    }

    @Test
    void wrongJsonTypeIsABadRequest() {
        assertRejected(() -> ApiRequest.of(event("[1, 2]", false)).bodyJson(Greeting.class), 400, "invalid_json");
    }

    @Test
    void emptyBodyWhereJsonIsRequiredIsABadRequest() {
        assertRejected(() -> ApiRequest.of(event("  ", false)).bodyJson(Greeting.class), 400, "invalid_json");
    }

    @Test
    void invalidUtf8IsABadRequest() {
        var invalid = Base64.getEncoder().encodeToString(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});

        assertRejected(() -> ApiRequest.of(event(invalid, true)).bodyText(), 400, "invalid_encoding");
    }

    @Test
    void invalidBase64IsABadRequest() {
        assertRejected(() -> ApiRequest.of(event("not base64 !!", true)).bodyBytes(), 400, "invalid_body");
    }

    @Test
    void bodyOverTheLimitIsRefusedBeforeDecoding() {
        var huge = Base64.getEncoder().encodeToString(new byte[300_000]);

        assertRejected(() -> ApiRequest.of(event(huge, true)).bodyBytes(256 * 1024), 413, "payload_too_large");
        assertRejected(() -> ApiRequest.of(event("x".repeat(1025), false)).bodyBytes(1024), 413, "payload_too_large");
    }

    @Test
    void bodyAtTheLimitIsAccepted() {
        var exact = Base64.getEncoder().encodeToString(new byte[1024]);

        assertThat(ApiRequest.of(event(exact, true)).bodyBytes(1024)).hasSize(1024);
        assertThat(ApiRequest.of(event("x".repeat(1024), false)).bodyBytes(1024)).hasSize(1024);
    }

    private static void assertRejected(ThrowingCallable call, int status, String code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(ApiException.class, rejection -> {
                    assertThat(rejection.status()).isEqualTo(status);
                    assertThat(rejection.code()).isEqualTo(code);
                });
    }

    static APIGatewayV2HTTPEvent event(String body, boolean base64) {
        return APIGatewayV2HTTPEvent.builder()
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body)
                .withIsBase64Encoded(base64)
                .build();
    }
}
