package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.event.Level;

class LogLineTest {

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void lineCarriesTimestampLevelFormattedMessageAndLogger() {
        log.logger().info("queued build {} of {}", 42, "offstage/site");

        var line = log.line();
        assertThat(line.get("timestamp").asText()).isEqualTo("2026-03-01T09:30:00.042Z");
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("message").asText()).isEqualTo("queued build 42 of offstage/site");
        assertThat(line.get("logger").asText()).isEqualTo("dev.offstage.builds.BuildQueue");
    }

    @Test
    void fieldsComeInADocumentedOrder() {
        var invocation = log.scope.begin("builds-queue", "7", "req-1", "Root=1-abc-def;Parent=1;Sampled=1");
        log.scope.correlationId("delivery-9");
        log.logger().warn("slow");
        invocation.close();

        assertThat(log.line().fieldNames()).toIterable().containsExactly(
                "timestamp", "level", "message", "logger", "function_name", "function_version",
                "function_request_id", "cold_start", "xray_trace_id", "correlation_id");
    }

    @Test
    void absentFieldsAreOmittedNotNull() {
        log.logger().info("init");

        assertThat(log.line().fieldNames()).toIterable()
                .containsExactly("timestamp", "level", "message", "logger");
    }

    @Test
    void everyMdcKeyBecomesAField() {
        MDC.put("sqs_message_id", "m-1");
        MDC.put("post_id", "p-7");

        log.logger().info("scored");

        var line = log.line();
        assertThat(line.get("sqs_message_id").asText()).isEqualTo("m-1");
        assertThat(line.get("post_id").asText()).isEqualTo("p-7");
    }

    @Test
    void mdcIsPerThread() throws Exception {
        MDC.put("sqs_message_id", "m-main");
        var other = Thread.ofVirtual().start(() -> log.logger().info("elsewhere"));
        other.join();

        assertThat(log.line().has("sqs_message_id")).isFalse();
    }

    @Test
    void removedMdcKeysLeaveTheLine() {
        try (var _ = MDC.putCloseable("sqs_message_id", "m-1")) {
            log.logger().info("inside");
        }
        log.logger().info("after");

        var lines = log.lines();
        assertThat(lines.get(0).has("sqs_message_id")).isTrue();
        assertThat(lines.get(1).has("sqs_message_id")).isFalse();
    }

    @Test
    void fluentKeyValuesBecomeTypedFields() {
        log.logger().atInfo()
                .addKeyValue("build_id", 42L)
                .addKeyValue("duration_ms", 12.5)
                .addKeyValue("cached", true)
                .addKeyValue("branch", "main")
                .addKeyValue("nothing", (Object) null)
                .log("built");

        var line = log.line();
        assertThat(line.get("build_id").isIntegralNumber()).isTrue();
        assertThat(line.get("build_id").asLong()).isEqualTo(42L);
        assertThat(line.get("duration_ms").asDouble()).isEqualTo(12.5);
        assertThat(line.get("cached").isBoolean()).isTrue();
        assertThat(line.get("branch").asText()).isEqualTo("main");
        assertThat(line.get("nothing").isNull()).isTrue();
    }

    @Test
    void fluentMessageArgumentsAreFormatted() {
        log.logger().atWarn().setMessage("retry {} of {}").addArgument(2).addArgument(5).log();

        assertThat(log.line().get("message").asText()).isEqualTo("retry 2 of 5");
    }

    @Test
    void keyValueWinsOverMdcKeyOfTheSameName() {
        MDC.put("stage", "from-mdc");
        log.logger().atInfo().addKeyValue("stage", "from-call").log("x");

        var line = log.line();
        assertThat(line.get("stage").asText()).isEqualTo("from-call");
        assertThat(log.raw()).doesNotContain("from-mdc");
    }

    @Test
    void callerKeysCannotOverwriteTheLinesOwnFields() {
        MDC.put("level", "FAKE");
        log.logger().atInfo().addKeyValue("message", "forged").log("real");

        var line = log.line();
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("message").asText()).isEqualTo("real");
        assertThat(log.raw()).doesNotContain("forged").doesNotContain("FAKE");
    }

    @Test
    void callerEntryFillsAFieldTheLineDoesNotSetItself() {
        MDC.put("function_request_id", "from-mdc");
        log.logger().info("outside an invocation");
        try (var _ = log.scope.begin("f", "1", "req-real", null)) {
            log.logger().info("inside");
        }

        var lines = log.lines();
        assertThat(lines.get(0).get("function_request_id").asText()).isEqualTo("from-mdc");
        assertThat(lines.get(1).get("function_request_id").asText()).isEqualTo("req-real");
        assertThat(lines.get(1).toString()).containsOnlyOnce("function_request_id");
    }

    @Test
    void exceptionBecomesTypeMessageAndStackTraceFields() {
        var failure = new IllegalStateException("bucket missing", new java.io.IOException("connection reset"));

        log.logger().error("upload failed for {}", "s3://media/a.mp4", failure);

        var line = log.line();
        assertThat(line.get("message").asText()).isEqualTo("upload failed for s3://media/a.mp4");
        assertThat(line.get("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(line.get("error_message").asText()).isEqualTo("bucket missing");
        assertThat(line.get("stack_trace").asText())
                .startsWith("java.lang.IllegalStateException: bucket missing")
                .contains("\tat dev.offstage.shared.logging.LogLineTest")
                .contains("Caused by: java.io.IOException: connection reset")
                .doesNotEndWith("\n");
    }

    @Test
    void exceptionWithoutMessageHasNoErrorMessageField() {
        log.logger().warn("odd", new NullPointerException());

        var line = log.line();
        assertThat(line.get("error_type").asText()).isEqualTo("java.lang.NullPointerException");
        assertThat(line.has("error_message")).isFalse();
    }

    @Test
    void fluentCauseBecomesTheErrorFields() {
        log.logger().atError().setCause(new RuntimeException("boom")).log("failed");

        assertThat(log.line().get("error_message").asText()).isEqualTo("boom");
    }

    @Test
    void linesBelowTheConfiguredLevelAreDropped() {
        var warnOnly = new CapturedLog(new LoggingConfig(LoggingConfig.Format.JSON, Level.WARN, null, null));
        var logger = warnOnly.logger();

        logger.debug("d");
        logger.info("i");
        logger.atInfo().log("fluent i");
        logger.warn("w");
        logger.error("e");

        assertThat(warnOnly.lines()).extracting(line -> line.get("level").asText()).containsExactly("WARN", "ERROR");
        assertThat(logger.isInfoEnabled()).isFalse();
        assertThat(logger.isWarnEnabled()).isTrue();
    }

    @Test
    void traceAndDebugAppearWhenEnabled() {
        var verbose = new CapturedLog(new LoggingConfig(LoggingConfig.Format.JSON, Level.TRACE, null, null));

        verbose.logger().trace("t");
        verbose.logger().debug("d");

        assertThat(verbose.lines()).extracting(line -> line.get("level").asText()).containsExactly("TRACE", "DEBUG");
    }

    @Test
    void eachLineEndsWithOneLineBreak() {
        log.logger().info("one");
        log.logger().info("two\nstill two");

        assertThat(log.raw()).endsWith("}\n");
        assertThat(log.rawLines()).hasSize(2);
        assertThat(log.lines().get(1).get("message").asText()).isEqualTo("two\nstill two");
    }

    @Test
    void sameNameGivesTheSameLogger() {
        assertThat(log.logger("a.b")).isSameAs(log.logger("a.b"));
        assertThat(log.logger("a.b").getName()).isEqualTo("a.b");
    }

    @Test
    void mdcAdapterSupportsSlf4jDequesAndContextMaps() {
        MDC.put("a", "1");
        var copy = MDC.getCopyOfContextMap();
        MDC.clear();
        MDC.setContextMap(copy);
        MDC.pushByKey("stack", "x");
        MDC.pushByKey("stack", "y");

        assertThat(MDC.get("a")).isEqualTo("1");
        assertThat(MDC.popByKey("stack")).isEqualTo("y");
        assertThat(MDC.getMDCAdapter().getCopyOfDequeByKey("stack")).containsExactly("x");
        MDC.getMDCAdapter().clearDequeByKey("stack");
        assertThat(List.copyOf(MDC.getCopyOfContextMap().keySet())).containsExactly("a");
    }
}
