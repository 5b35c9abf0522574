package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class LogRobustnessTest {

    private final CapturedLog log = new CapturedLog();

    @Test
    void argumentWhoseToStringThrowsDoesNotBreakTheCaller() {
        var hostile = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };

        assertThatCode(() -> log.logger().info("value {}", hostile)).doesNotThrowAnyException();
        assertThat(log.line().get("message").asText()).startsWith("value ");
    }

    @Test
    void keyValueWhoseToStringThrowsIsReplacedByANote() {
        var hostile = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };

        log.logger().atInfo().addKeyValue("thing", hostile).log("x");

        assertThat(log.line().get("thing").asText()).contains("toString()").contains("failed");
    }

    @Test
    void exceptionWhoseMessageThrowsStillYieldsALine() {
        var hostile = new RuntimeException() {
            @Override
            public String getMessage() {
                throw new IllegalStateException("no message for you");
            }
        };

        assertThatCode(() -> log.logger().error("failed", hostile)).doesNotThrowAnyException();

        var line = log.line();
        assertThat(line.get("level").asText()).isEqualTo("ERROR");
        assertThat(line.get("message").asText()).isEqualTo("log line dropped: building it failed");
        assertThat(line.get("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void failingOutputDoesNotThrowToTheCaller() {
        var broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("stdout closed");
            }
        };
        var writer = new LineWriter(LoggingConfig.defaults(), broken, new InvocationScope(), () -> 0L);
        var logger = new OffstageLoggerFactory(writer).getLogger("x");

        assertThatCode(() -> logger.error("nowhere to go")).doesNotThrowAnyException();
    }

    @Test
    void nullMessageIsAnEmptyMessage() {
        log.logger().info(null);

        assertThat(log.line().get("message").asText()).isEmpty();
    }

    @Test
    void selfReferencingCauseChainIsWrittenOnce() {
        var first = new IllegalStateException("a");
        var second = new IllegalStateException("b", first);
        first.initCause(second);

        log.logger().error("loop", first);

        assertThat(log.line().get("stack_trace").asText()).contains("CIRCULAR REFERENCE");
    }
}
