package dev.offstage.shared.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.offstage.shared.json.Json;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class ApiResponsesTest {

    @Test
    void jsonAnswerCarriesStatusContentTypeAndBody() {
        var response = ApiResponses.json(202, Map.of("buildId", "b-1"));

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(response.getHeaders()).containsEntry("content-type", "application/json; charset=utf-8");
        assertThat(Json.tree(response.getBody()).get("buildId").asText()).isEqualTo("b-1");
        assertThat(response.getIsBase64Encoded()).isFalse();
    }

    @Test
    void errorBodyHasCodeAndMessage() {
        var response = ApiResponses.error(ApiException.unauthorized("Signature does not match"));

        assertThat(response.getStatusCode()).isEqualTo(401);
        var error = Json.tree(response.getBody()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("unauthorized");
        assertThat(error.get("message").asText()).isEqualTo("Signature does not match");
    }

    @Test
    void binaryBodyIsBase64Encoded() {
        var bytes = new byte[] {0, 1, 2, (byte) 0xFF};
        var response = ApiResponses.binary(200, "image/png", bytes);

        assertThat(response.getIsBase64Encoded()).isTrue();
        assertThat(Base64.getDecoder().decode(response.getBody())).isEqualTo(bytes);
    }

    @ParameterizedTest
    @Event(value = "events/http-api-request.json", type = APIGatewayV2HTTPEvent.class)
    void handleAnswersWhatTheLogicReturns(APIGatewayV2HTTPEvent event) {
        var response = ApiResponses.handle(event, request -> ApiResponses.json(200, Map.of("echo", request.bodyText())));

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(Json.tree(response.getBody()).get("echo").asText()).isEqualTo("{\"message\":\"hello 🌍\"}");
    }

    @Test
    void handleTurnsARejectionIntoItsErrorBody() {
        var response = ApiResponses.handle(ApiRequestTest.event("{", false),
                request -> ApiResponses.json(200, request.bodyJson(Map.class)));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(Json.tree(response.getBody()).at("/error/code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void handleAnswersUnexpectedFailuresWith500AndNoInternals() {
        var response = ApiResponses.handle(ApiRequestTest.event("{}", false), request -> {
            throw new IllegalStateException("table offstage-builds-secret-name is unreachable");
        });

        assertThat(response.getStatusCode()).isEqualTo(500);
        assertThat(Json.tree(response.getBody()).at("/error/code").asText()).isEqualTo("internal_error");
        assertThat(response.getBody()).doesNotContain("offstage-builds-secret-name").doesNotContain("IllegalStateException");
    }
}
