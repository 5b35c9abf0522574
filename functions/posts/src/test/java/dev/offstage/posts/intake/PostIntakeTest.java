package dev.offstage.posts.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.posts.PostsStack;
import dev.offstage.posts.event.PostEventFormat;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /posts}, configured as template.yaml configures PostsIntakeFunction, fed
 * events/posts-api-post.json. One stack for the class: every test drains what it queued.
 */
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostIntakeTest {

    private PostsStack stack;
    private PostIntake intake;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new PostsStack(emulators);
        intake = stack.setup("PostsIntakeFunction").intake();
    }

    @AfterAll
    void close() {
        stack.close();
    }

    private APIGatewayV2HTTPResponse post(APIGatewayV2HTTPEvent event) {
        return ApiResponses.handle(event, intake::receive);
    }

    private static APIGatewayV2HTTPEvent withBody(String body) {
        var event = PostsStack.http(PostsStack.API_POST);
        event.setBody(body);
        return event;
    }

    private static APIGatewayV2HTTPEvent changed(Consumer<ObjectNode> change) {
        var payload = (ObjectNode) Json.tree(PostsStack.http(PostsStack.API_POST).getBody());
        change.accept(payload);
        return withBody(Json.write(payload));
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        return Json.tree(response.getBody());
    }

    private void assertRejected(APIGatewayV2HTTPResponse response, String field) {
        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_event");
        assertThat(body(response).at("/error/message").asText()).startsWith(field);
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }

    @Test
    void samplePostIsAcceptedAndQueuedOnceInCanonicalForm() {
        var event = PostsStack.http(PostsStack.API_POST);

        var response = post(event);

        assertThat(response.getStatusCode()).isEqualTo(202);
        assertThat(body(response).get("status").asText()).isEqualTo("accepted");
        assertThat(body(response).get("postId").asText()).isEqualTo("p-1001");
        assertThat(body(response).get("version").asLong()).isEqualTo(1);
        var messages = stack.drain("PostsQueue");
        assertThat(messages).hasSize(1);
        var canonical = new String(PostEventFormat.write(PostEventFormat.parse(event.getBody())), StandardCharsets.UTF_8);
        assertThat(messages.getFirst().body()).isEqualTo(canonical);
        assertThat(messages.getFirst().messageAttributes().get("correlationId").stringValue()).isEqualTo("p-1001:1");
    }

    @Test
    void unknownPropertiesAreAcceptedAndDroppedFromTheQueuedEvent() {
        var response = post(changed(payload -> payload.put("mood", "happy")));

        assertThat(response.getStatusCode()).isEqualTo(202);
        var messages = stack.drain("PostsQueue");
        assertThat(messages).hasSize(1);
        assertThat(messages.getFirst().body()).doesNotContain("mood");
    }

    @Test
    void malformedJsonIsABadRequest() {
        var response = post(withBody("{\"type\":\"post.created\","));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("invalid_event");
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }

    @Test
    void emptyBodyIsABadRequest() {
        assertThat(post(withBody(null)).getStatusCode()).isEqualTo(400);
        assertThat(post(withBody("")).getStatusCode()).isEqualTo(400);
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }

    @Test
    void missingFieldIsABadRequestNamingIt() {
        assertRejected(post(changed(payload -> payload.remove("authorId"))), "/authorId");
    }

    @Test
    void missingTextOfACreationIsABadRequestNamingIt() {
        assertRejected(post(changed(payload -> payload.remove("text"))), "/text");
    }

    @Test
    void wrongTypeIsABadRequestNamingTheField() {
        assertRejected(post(changed(payload -> payload.put("version", "1"))), "/version");
        assertRejected(post(changed(payload -> payload.put("version", 1.5))), "/version");
        assertRejected(post(changed(payload -> payload.put("text", 42))), "/text");
    }

    @Test
    void unknownEventTypeIsABadRequestNamingTheField() {
        assertRejected(post(changed(payload -> payload.put("type", "post.liked"))), "/type");
    }

    @Test
    void textOverTwentyThousandCharactersIsABadRequestNamingTheField() {
        assertRejected(post(changed(payload -> payload.put("text", "a".repeat(20_001)))), "/text");
    }

    @Test
    void textOfExactlyTwentyThousandCharactersIsAccepted() {
        // Code points, not UTF-16 units: 20 000 emoji are 40 000 chars in Java.
        assertThat(post(changed(payload -> payload.put("text", "🚀".repeat(20_000)))).getStatusCode()).isEqualTo(202);
        assertThat(stack.drain("PostsQueue")).hasSize(1);
    }

    @Test
    void invalidUtf8IsABadRequest() {
        var valid = PostsStack.http(PostsStack.API_POST).getBody().getBytes(StandardCharsets.UTF_8);
        var text = new String(valid, StandardCharsets.US_ASCII).indexOf("Shipping");
        var bytes = valid.clone();
        bytes[text] = (byte) 0xC3; // a lead byte followed by an ASCII letter: not UTF-8
        var event = withBody(Base64.getEncoder().encodeToString(bytes));
        event.setIsBase64Encoded(true);

        var response = post(event);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(body(response).at("/error/message").asText()).contains("UTF-8");
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }

    @Test
    void base64BodyOfAValidEventIsAccepted() {
        var event = PostsStack.http(PostsStack.API_POST);
        event.setBody(Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertThat(post(event).getStatusCode()).isEqualTo(202);
        assertThat(stack.drain("PostsQueue")).hasSize(1);
    }

    @Test
    void bodyOver256KiBIsTooLarge() {
        var response = post(changed(payload -> payload.put("padding", "x".repeat(262_144))));

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("payload_too_large");
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }

    @Test
    void base64BodyOver256KiBIsTooLarge() {
        var payload = (ObjectNode) Json.tree(PostsStack.http(PostsStack.API_POST).getBody());
        payload.put("padding", "x".repeat(262_144));
        var event = withBody(Base64.getEncoder().encodeToString(Json.write(payload).getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertThat(post(event).getStatusCode()).isEqualTo(413);
        assertThat(stack.drain("PostsQueue")).isEmpty();
    }
}
