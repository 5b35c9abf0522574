package dev.offstage.posts.index;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.PostsStack;
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
 * The index queue's consumer (PostsIndexFunction) fed events/posts-sqs-index.json, checked
 * through {@code GET /search} (PostsSearchFunction) as a user would see it.
 */
@ExtendWith(EmulatorsExtension.class)
class IndexConsumerTest {

    private final PostsStack stack;
    private final IndexConsumer consumer;
    private final SearchApi search;

    IndexConsumerTest(Emulators emulators) {
        this.stack = new PostsStack(emulators);
        this.consumer = stack.setup("PostsIndexFunction").indexConsumer();
        this.search = stack.setup("PostsSearchFunction").searchApi();
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private void index(SQSEvent batch) {
        // The template runs 4 at once: p-1001's two versions may meet, one retried (PostBusyException).
        assertThat(PostsStack.settle(batch, each -> consumer.process(each, PostsStack.context("PostsIndexFunction")), 5)).isEmpty();
    }

    private APIGatewayV2HTTPResponse search(String query) {
        return ApiResponses.handle(PostsStack.search(Map.of("q", query)), search::search);
    }

    private List<String> hits(String query) {
        var response = search(query);
        assertThat(response.getStatusCode()).isEqualTo(200);
        return StreamSupport.stream(Json.tree(response.getBody()).get("hits").spliterator(), false)
                .map(hit -> hit.get("postId").asText()).toList();
    }

    @Test
    void sampleSearchFindsTheIndexedPostWithASnippet() {
        index(PostsStack.sqs(PostsStack.SQS_INDEX));

        var response = ApiResponses.handle(PostsStack.http(PostsStack.API_SEARCH), search::search);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JsonNode body = Json.tree(response.getBody());
        assertThat(body.get("query").asText()).isEqualTo("spam filter");
        assertThat(body.at("/hits/0/postId").asText()).isEqualTo("p-1001");
        assertThat(body.at("/hits/0/snippet").asText()).containsIgnoringCase("spam filter");
    }

    @Test
    void createdPostsAreSearchable() {
        index(PostsStack.sqs(PostsStack.SQS_INDEX));

        assertThat(hits("compilers")).containsExactly("p-1002");
        assertThat(hits("shipping")).containsExactly("p-1001");
    }

    @Test
    void deletedPostIsNotSearchable() {
        index(PostsStack.sqs(PostsStack.SQS_INDEX));

        assertThat(hits("patches mailing list")).isEmpty();
    }

    @Test
    void redeliveredBatchChangesNothing() {
        index(PostsStack.sqs(PostsStack.SQS_INDEX));
        var first = search("spam filter compilers").getBody();

        index(PostsStack.sqs(PostsStack.SQS_INDEX));

        assertThat(search("spam filter compilers").getBody()).isEqualTo(first);
        assertThat(hits("patches")).isEmpty();
    }

    @Test
    void olderVersionDeliveredLateChangesNothing() {
        var batch = PostsStack.sqs(PostsStack.SQS_INDEX);
        index(batch);
        var original = batch.getRecords().getFirst();
        var older = new SQSEvent.SQSMessage();
        older.setMessageId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
        older.setBody(original.getBody().replace("Shipping the spam filter today", "Shipping lighthouses today"));
        older.setAttributes(original.getAttributes());
        var late = new SQSEvent();
        late.setRecords(List.of(older));

        index(late);

        assertThat(hits("lighthouses")).isEmpty();
        assertThat(hits("shipping")).containsExactly("p-1001");
    }

    @Test
    void malformedMessageIsReportedAndTheOthersAreIndexed() {
        var batch = PostsStack.sqs(PostsStack.SQS_INDEX);
        var bad = batch.getRecords().get(1);
        bad.setBody("not json");

        var failed = PostsStack.settle(batch, each -> consumer.process(each, PostsStack.context("PostsIndexFunction")), 5);

        assertThat(failed).containsExactly(bad.getMessageId());
        assertThat(hits("shipping")).containsExactly("p-1001");
        assertThat(hits("compilers")).isEmpty();
    }
}
