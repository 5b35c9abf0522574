package dev.offstage.posts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Priming;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each post function's SnapStart primes, built as its handler builds them, run against the template's stack. */
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostsPrimesTest {

    private PostsStack stack;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new PostsStack(emulators);
    }

    @AfterAll
    void close() {
        stack.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PostsIntakeFunction", "PostsFanOutFunction", "PostsIndexFunction", "PostsSpamFunction",
            "PostsAnalyticsFunction", "PostsSearchFunction", "PostsModerationFunction", "PostsAnalyticsApiFunction"})
    void primesRunWithoutChangingTheStack(String function) {
        var primes = primes(function).apply(stack.setup(function));
        var before = stack.contents();

        var outcomes = Priming.of(primes).prime();

        assertThat(outcomes).hasSize(primes.size())
                .allSatisfy(outcome -> assertThat(outcome.failure()).as(function + ": " + outcome.prime()).isEmpty());
        assertThat(outcomes).anySatisfy(outcome -> assertThat(outcome.prime()).startsWith("runtime JSON"));
        assertThat(stack.contents()).isEqualTo(before);
    }

    /** What each handler registers, by the template's function name. */
    private static Function<PostsSetup, List<Prime>> primes(String function) {
        return switch (function) {
            case "PostsIntakeFunction" -> setup -> PostsPrimes.intake(setup, setup.intake());
            case "PostsFanOutFunction" -> PostsPrimes::fanOut;
            case "PostsIndexFunction" -> PostsPrimes::index;
            case "PostsSpamFunction" -> PostsPrimes::spam;
            case "PostsAnalyticsFunction" -> PostsPrimes::analytics;
            case "PostsSearchFunction" -> setup -> PostsPrimes.search(setup.searchApi());
            case "PostsModerationFunction" -> setup -> PostsPrimes.moderation(setup, setup.moderationApi());
            case "PostsAnalyticsApiFunction" -> setup -> PostsPrimes.analyticsApi(setup.analyticsApi());
            default -> throw new IllegalArgumentException(function);
        };
    }
}
