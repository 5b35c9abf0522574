package dev.offstage.video;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Priming;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each video function's SnapStart primes, built as its handler builds them, run against the template's stack. */
@ExtendWith(EmulatorsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VideoPrimesTest {

    private VideoStack stack;

    @BeforeAll
    void provision(Emulators emulators) {
        stack = new VideoStack(emulators);
    }

    @AfterAll
    void close() {
        stack.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {VideoStack.FAILURE_RECORDER, VideoStack.SEGMENT_WORKER, VideoStack.ASSEMBLER, VideoStack.TRANSCODER})
    void primesRunWithoutChangingTheStack(String function) {
        var primes = primes(function).apply(new VideoSetup(stack.environment(function), stack.aws, Clock.systemUTC()));
        var before = stack.contents();

        var outcomes = Priming.of(primes).prime();

        assertThat(outcomes).hasSize(primes.size())
                .allSatisfy(outcome -> assertThat(outcome.failure()).as(function + ": " + outcome.prime()).isEmpty());
        assertThat(stack.contents()).isEqualTo(before);
    }

    /** What each handler registers, by the template's function name. */
    private static Function<VideoSetup, List<Prime>> primes(String function) {
        return switch (function) {
            case VideoStack.FAILURE_RECORDER -> VideoPrimes::failureRecorder;
            case VideoStack.SEGMENT_WORKER -> VideoPrimes::segmentWorker;
            case VideoStack.ASSEMBLER -> VideoPrimes::assembler;
            case VideoStack.TRANSCODER -> VideoPrimes::transcoder;
            default -> throw new IllegalArgumentException(function);
        };
    }
}
