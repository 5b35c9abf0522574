package dev.offstage.shared.logging;

import dev.offstage.testing.TestContext;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

class LogTextFormatTest {

    private final CapturedLog log = new CapturedLog(new LoggingConfig(LoggingConfig.Format.TEXT, Level.INFO, "f", "1"));

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void textLineReadsTimeLevelRequestLoggerMessage() {
        try (var _ = LambdaLogging.begin(log.scope, TestContext.forFunction("builds-queue").version("7").requestId("req-1"))) {
            log.logger().info("queued build {}", 42);
        }

        assertThat(log.raw()).isEqualTo(
                "2026-03-01T09:30:00.042Z INFO  req-1 dev.offstage.builds.BuildQueue - queued build 42 cold_start=true\n");
    }

    @Test
    void initPhaseTextLineHasADashForTheRequest() {
        log.logger().warn("no invocation yet");

        assertThat(log.raw()).isEqualTo("2026-03-01T09:30:00.042Z WARN  - dev.offstage.builds.BuildQueue - no invocation yet\n");
    }

    @Test
    void fieldsFollowAsKeyValuePairsQuotedWhenNeeded() {
        MDC.put("sqs_message_id", "m-1");
        log.logger().atInfo().addKeyValue("title", "Hello world").addKeyValue("count", 3).log("scored");

        assertThat(log.raw()).endsWith(" - scored sqs_message_id=m-1 title=\"Hello world\" count=3\n");
    }

    @Test
    void multiLineMessagesAndStackTracesStayOnOneLine() {
        log.logger().error("first\nsecond", new IllegalStateException("broken"));

        assertThat(log.rawLines()).hasSize(1);
        assertThat(log.raw())
                .contains("first\\nsecond java.lang.IllegalStateException: broken\\n\tat dev.offstage.shared.logging.LogTextFormatTest");
    }
}
