package dev.offstage.posts.spam;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The spam and index queues are independent: the spam verdict may arrive before the post is indexed. */
@ExtendWith(EmulatorsExtension.class)
class SpamBeforeIndexTest {

    private final PostsStack stack;

    SpamBeforeIndexTest(Emulators emulators) {
        this.stack = new PostsStack(emulators);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private List<String> hits(SearchApi search, String query) {
        var response = ApiResponses.handle(PostsStack.search(Map.of("q", query)), search::search);
        return StreamSupport.stream(Json.tree(response.getBody()).get("hits").spliterator(), false)
                .map(hit -> hit.get("postId").asText()).toList();
    }

    @Test
    void spamScoredBeforeIndexingStaysHidden() {
        var spam = stack.setup("PostsSpamFunction").spamConsumer();
        var index = stack.setup("PostsIndexFunction").indexConsumer();
        assertThat(spam.process(PostsStack.sqs(PostsStack.SQS_SPAM), PostsStack.context("PostsSpamFunction"))
                .getBatchItemFailures()).isEmpty();

        assertThat(PostsStack.settle(PostsStack.sqs(PostsStack.SQS_SPAM),
                batch -> index.process(batch, PostsStack.context("PostsIndexFunction")), 5)).isEmpty();

        var search = stack.setup("PostsSearchFunction").searchApi();
        assertThat(hits(search, "cruise")).containsExactlyInAnyOrder("p-2002", "p-2003");
        assertThat(hits(search, "lighthouses")).containsExactly("p-2001");
    }
}
