package dev.offstage.posts.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.PostsStack;
import dev.offstage.posts.api.AnalyticsApi;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analytics queue's consumer (PostsAnalyticsFunction) fed events/posts-sqs-analytics.json,
 * checked through {@code GET /analytics/...} (PostsAnalyticsApiFunction).
 */
@ExtendWith(EmulatorsExtension.class)
class AnalyticsConsumerTest {

    private final PostsStack stack;
    private final AnalyticsConsumer consumer;
    private final AnalyticsApi api;

    AnalyticsConsumerTest(Emulators emulators) {
        this.stack = new PostsStack(emulators);
        this.consumer = stack.setup("PostsAnalyticsFunction").analyticsConsumer();
        this.api = stack.setup("PostsAnalyticsApiFunction").analyticsApi();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void count() {
        assertThat(PostsStack.settle(PostsStack.sqs(PostsStack.SQS_ANALYTICS),
                batch -> consumer.process(batch, PostsStack.context("PostsAnalyticsFunction")), 5)).isEmpty();
    }

    private JsonNode trending() {
        var response = ApiResponses.handle(PostsStack.get("/analytics/trending", "/analytics/trending", Map.of(), Map.of("hours", "24")), api::respond);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return Json.tree(response.getBody());
    }

    private APIGatewayV2HTTPResponse author(String authorId, Map<String, String> query) {
        return ApiResponses.handle(PostsStack.get("/analytics/authors/{id}", "/analytics/authors/" + authorId, Map.of("id", authorId), query), api::respond);
    }

    private long total(String authorId) {
        var response = author(authorId, Map.of());
        assertThat(response.getStatusCode()).isEqualTo(200);
        return Json.tree(response.getBody()).get("total").asLong();
    }

    private static long count(JsonNode trending, String hashtag) {
        for (var entry : trending.get("hashtags")) {
            if (entry.get("hashtag").asText().equals(hashtag)) {
                return entry.get("posts").asLong();
            }
        }
        return 0;
    }

    @Test
    void hashtagsOfTheNewestVersionsTrend() {
        count();

        var trending = trending();

        assertThat(trending.get("hours").asInt()).isEqualTo(24);
        assertThat(count(trending, "offstage")).isEqualTo(2);
        assertThat(count(trending, "java")).isEqualTo(2); // p-1002's, and p-1001's since its update
    }

    @Test
    void authorsCountTheirLivePosts() {
        count();

        assertThat(total("ada")).isEqualTo(1);
        assertThat(total("grace")).isEqualTo(1);
        assertThat(total("linus")).isZero(); // p-1003 was deleted
        var days = Json.tree(author("ada", Map.of("days", "2")).getBody()).get("days");
        assertThat(days).anySatisfy(day -> {
            assertThat(day.get("day").asText()).isEqualTo("2026-11-27");
            assertThat(day.get("count").asLong()).isEqualTo(1);
        });
    }

    @Test
    void redeliveredBatchChangesNothing() {
        count();
        var trending = trending();
        var ada = author("ada", Map.of()).getBody();

        count();

        assertThat(trending()).isEqualTo(trending);
        assertThat(author("ada", Map.of()).getBody()).isEqualTo(ada);
    }

    @Test
    void trendingLooksBackOnlyTheHoursAsked() {
        count();

        var lastHalfHour = ApiResponses.handle(PostsStack.get("/analytics/trending", "/analytics/trending", Map.of(), Map.of("hours", "1")), api::respond);

        // The sample posts are from 09:14, the clock says 10:30.
        assertThat(Json.tree(lastHalfHour.getBody()).get("hashtags")).isEmpty();
    }
}
