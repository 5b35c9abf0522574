package dev.offstage.posts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** What each function's logic takes from the environment template.yaml gives it. */
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostsSetupTest {

    private PostsStack stack;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new PostsStack(emulators);
    }

    @AfterAll
    void close() {
        stack.close();
    }

    @Test
    void consumersRunBatchesWithTheParallelismTheTemplateAsksFor() {
        assertThat(stack.setup("PostsIndexFunction").batch().parallelism()).isEqualTo(4);
        assertThat(stack.setup("PostsAnalyticsFunction").batch().parallelism()).isEqualTo(4);
        assertThat(stack.setup("PostsSpamFunction").batch().parallelism()).isEqualTo(1);
        assertThat(stack.setup("PostsFanOutFunction").batch().parallelism()).isEqualTo(1);
    }

    @Test
    void everyFunctionsLogicBuildsFromItsTemplateEnvironment() {
        assertThat(stack.setup("PostsIntakeFunction").intake()).isNotNull();
        assertThat(stack.setup("PostsFanOutFunction").fanOut()).isNotNull();
        assertThat(stack.setup("PostsIndexFunction").indexConsumer()).isNotNull();
        assertThat(stack.setup("PostsSpamFunction").spamConsumer()).isNotNull();
        assertThat(stack.setup("PostsAnalyticsFunction").analyticsConsumer()).isNotNull();
        assertThat(stack.setup("PostsSearchFunction").searchApi()).isNotNull();
        assertThat(stack.setup("PostsModerationFunction").moderationApi()).isNotNull();
        assertThat(stack.setup("PostsAnalyticsApiFunction").analyticsApi()).isNotNull();
    }
}
