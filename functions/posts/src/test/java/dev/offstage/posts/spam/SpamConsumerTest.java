package dev.offstage.posts.spam;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.PostsStack;
import dev.offstage.posts.api.ModerationApi;
import dev.offstage.posts.api.SearchApi;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The spam queue's consumer (PostsSpamFunction) fed events/posts-sqs-spam.json — one normal post
 * and the same text three times by one author — after the index consumer indexed the same batch;
 * checked through the stored verdicts, {@code GET /search} and {@code POST /moderation/{postId}}.
 */
@ExtendWith(EmulatorsExtension.class)
class SpamConsumerTest {

    private static final String REPEATED = "p-2004";

    private final PostsStack stack;
    private final SpamConsumer consumer;
    private final Spam spam;
    private final SearchApi search;
    private final ModerationApi moderation;

    SpamConsumerTest(Emulators emulators) {
        this.stack = new PostsStack(emulators);
        this.consumer = stack.setup("PostsSpamFunction").spamConsumer();
        this.spam = stack.setup("PostsSpamFunction").spam();
        this.search = stack.setup("PostsSearchFunction").searchApi();
        this.moderation = stack.setup("PostsModerationFunction").moderationApi();
        var index = stack.setup("PostsIndexFunction").indexConsumer();
        assertThat(PostsStack.settle(PostsStack.sqs(PostsStack.SQS_SPAM),
                batch -> index.process(batch, PostsStack.context("PostsIndexFunction")), 5)).isEmpty();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void score() {
        assertThat(consumer.process(PostsStack.sqs(PostsStack.SQS_SPAM), PostsStack.context("PostsSpamFunction"))
                .getBatchItemFailures()).isEmpty();
    }

    private List<String> hits(String query) {
        var response = ApiResponses.handle(PostsStack.search(Map.of("q", query)), search::search);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return StreamSupport.stream(Json.tree(response.getBody()).get("hits").spliterator(), false)
                .map(hit -> hit.get("postId").asText()).toList();
    }

    private APIGatewayV2HTTPResponse moderate(String postId, String body) {
        var event = PostsStack.post("/moderation/{postId}", "/moderation/" + postId, Map.of("postId", postId), body);
        return ApiResponses.handle(event, moderation::moderate);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) {
        return Json.tree(response.getBody());
    }

    private boolean hidden(String postId) {
        return spam.verdict(postId).orElseThrow().hidden();
    }

    @Test
    void thirdCopyOfTheSameTextIsSpamAndHiddenFromSearch() {
        score();

        assertThat(hidden("p-2001")).isFalse();
        assertThat(hidden("p-2002")).isFalse();
        assertThat(hidden("p-2003")).isFalse();
        assertThat(hidden(REPEATED)).isTrue();
        assertThat(hits("cruise")).containsExactlyInAnyOrder("p-2002", "p-2003");
        assertThat(hits("lighthouses")).containsExactly("p-2001");
    }

    @Test
    void redeliveredBatchChangesNoVerdict() {
        score();

        score();

        // A redelivery is not another copy of the text: p-2003 stays the second copy, not spam.
        assertThat(hidden("p-2002")).isFalse();
        assertThat(hidden("p-2003")).isFalse();
        assertThat(hidden(REPEATED)).isTrue();
        assertThat(hits("cruise")).containsExactlyInAnyOrder("p-2002", "p-2003");
    }

    @Test
    void moderatorsNotSpamShowsThePostAgain() {
        score();

        var response = moderate(REPEATED, "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r1\"}");

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(body(response).get("postId").asText()).isEqualTo(REPEATED);
        assertThat(body(response).get("outcome").asText()).isEqualTo("applied");
        assertThat(body(response).get("spam").asBoolean()).isFalse();
        assertThat(body(response).get("source").asText()).isEqualTo("moderator");
        assertThat(hidden(REPEATED)).isFalse();
        assertThat(hits("cruise")).containsExactlyInAnyOrder("p-2002", "p-2003", REPEATED);
    }

    @Test
    void retriedModerationRequestCountsOnce() {
        score();
        moderate(REPEATED, "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r1\"}");

        var again = moderate(REPEATED, "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r1\"}");

        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(body(again).get("outcome").asText()).isEqualTo("duplicate");
    }

    @Test
    void moderatorsVerdictOutlivesARedeliveredScore() {
        score();
        moderate(REPEATED, "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r1\"}");

        score();

        assertThat(hidden(REPEATED)).isFalse();
        assertThat(hits("cruise")).contains(REPEATED);
    }

    @Test
    void moderatorsSpamHidesANormalPost() {
        score();

        var response = moderate("p-2001", "{\"spam\": true, \"moderator\": \"mia\", \"requestId\": \"r2\"}");

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(hits("lighthouses")).isEmpty();
    }

    @Test
    void moderationOfAnUnknownPostIsNotFound() {
        score();

        var response = moderate("p-9999", "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r1\"}");

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(body(response).at("/error/code").asText()).isEqualTo("not_found");
    }

    @Test
    void moderationWithABadBodyIsABadRequest() {
        score();

        assertThat(moderate(REPEATED, "{\"spam\": \"no\", \"moderator\": \"mia\", \"requestId\": \"r1\"}").getStatusCode()).isEqualTo(400);
        assertThat(moderate(REPEATED, "{\"spam\": false, \"requestId\": \"r1\"}").getStatusCode()).isEqualTo(400);
        assertThat(moderate(REPEATED, "{\"spam\": false, \"moderator\": 7, \"requestId\": \"r1\"}").getStatusCode()).isEqualTo(400);
        assertThat(moderate(REPEATED, "not json").getStatusCode()).isEqualTo(400);
        assertThat(moderate(REPEATED, "[]").getStatusCode()).isEqualTo(400);
        assertThat(hidden(REPEATED)).isTrue();
    }

    @Test
    void moderationOfADeletedPostIsAConflict() {
        score();
        var deletion = PostsStack.sqs(PostsStack.SQS_SPAM);
        var record = deletion.getRecords().getFirst();
        record.setBody("{\"type\":\"post.deleted\",\"postId\":\"p-2001\",\"version\":2,\"authorId\":\"ada\","
                + "\"createdAt\":\"2026-11-27T09:20:00Z\",\"occurredAt\":\"2026-11-27T09:25:00Z\"}");
        deletion.setRecords(List.of(record));
        assertThat(consumer.process(deletion, PostsStack.context("PostsSpamFunction")).getBatchItemFailures()).isEmpty();

        var response = moderate("p-2001", "{\"spam\": false, \"moderator\": \"mia\", \"requestId\": \"r3\"}");

        assertThat(response.getStatusCode()).isEqualTo(409);
    }

    @Test
    void moderationWithoutRequestIdUsesApiGatewaysRequestId() {
        score();

        var response = moderate(REPEATED, "{\"spam\": false, \"moderator\": \"mia\"}");

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(hidden(REPEATED)).isFalse();
    }
}
