package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalEmulatorsTest {

    @Test
    void closeEndsDynaliteAndForgetsItsShutdownHook() throws Exception {
        var emulators = LocalEmulators.start();
        var stopper = emulators.dynaliteStopper();
        // Registered while open: removing it answers true, and it goes back at once.
        assertThat(Runtime.getRuntime().removeShutdownHook(stopper)).isTrue();
        Runtime.getRuntime().addShutdownHook(stopper);

        emulators.close();

        assertThat(Runtime.getRuntime().removeShutdownHook(stopper)).as("hook still registered after close()").isFalse();
    }

    @Test
    void startedLifecycleIsAwaited() throws InterruptedException {
        Iterator<String> states = List.of("STARTING", "STARTING", "STARTED").iterator();

        LocalEmulators.awaitStarted("S3Proxy", states::next, Duration.ofSeconds(5));

        assertThat(states.hasNext()).isFalse();
    }

    @Test
    void failedLifecycleFailsTheStartAtOnce() {
        assertThatThrownBy(() -> LocalEmulators.awaitStarted("S3Proxy", () -> "FAILED", Duration.ofMinutes(5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("S3Proxy failed to start");
    }

    @Test
    void lifecycleThatNeverStartsFailsAtTheDeadline() {
        assertThatThrownBy(() -> LocalEmulators.awaitStarted("S3Proxy", () -> "STARTING", Duration.ofMillis(50)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not start within")
                .hasMessageContaining("state STARTING");
    }
}
