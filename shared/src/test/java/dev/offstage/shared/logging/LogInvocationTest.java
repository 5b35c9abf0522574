package dev.offstage.shared.logging;

import dev.offstage.testing.TestContext;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogInvocationTest {

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void invocationFieldsComeFromTheLambdaContext() {
        try (var _ = LambdaLogging.begin(log.scope, context("req-1"))) {
            log.logger().info("handling");
        }

        var line = log.line();
        assertThat(line.get("function_name").asText()).isEqualTo("builds-queue");
        assertThat(line.get("function_version").asText()).isEqualTo("7");
        assertThat(line.get("function_request_id").asText()).isEqualTo("req-1");
    }

    @Test
    void onlyTheFirstInvocationIsTheColdStart() {
        try (var first = LambdaLogging.begin(log.scope, context("req-1"))) {
            log.logger().info("first");
            assertThat(first.coldStart()).isTrue();
        }
        try (var second = LambdaLogging.begin(log.scope, context("req-2"))) {
            log.logger().info("second");
            assertThat(second.coldStart()).isFalse();
        }

        var lines = log.lines();
        assertThat(lines.get(0).get("cold_start").asBoolean()).isTrue();
        assertThat(lines.get(1).get("cold_start").asBoolean()).isFalse();
    }

    @Test
    void initPhaseLinesHaveNoRequestFields() {
        log.logger().info("loading config");

        var line = log.line();
        assertThat(line.has("function_request_id")).isFalse();
        assertThat(line.has("cold_start")).isFalse();
        assertThat(line.has("xray_trace_id")).isFalse();
    }

    @Test
    void initPhaseLinesNameTheFunctionFromTheEnvironment() {
        var config = LoggingConfig.from(dev.offstage.shared.config.Environment.of(java.util.Map.of(
                "AWS_LAMBDA_FUNCTION_NAME", "spam-score", "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")));
        var init = new CapturedLog(config);

        init.logger().info("loading model");

        var line = init.line();
        assertThat(line.get("function_name").asText()).isEqualTo("spam-score");
        assertThat(line.get("function_version").asText()).isEqualTo("$LATEST");
        assertThat(line.has("function_request_id")).isFalse();
    }

    @Test
    void closingTheInvocationRemovesItsFields() {
        try (var _ = LambdaLogging.begin(log.scope, context("req-1"))) {
            log.scope.correlationId("delivery-1");
        }
        log.logger().info("between invocations");

        var line = log.line();
        assertThat(line.has("function_request_id")).isFalse();
        assertThat(line.has("correlation_id")).isFalse();
    }

    @Test
    void invocationFieldsReachRecordsProcessedOnVirtualThreads() throws Exception {
        try (var _ = LambdaLogging.begin(log.scope, context("req-batch"));
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            log.scope.correlationId("post-77");
            for (int i = 0; i < 8; i++) {
                var messageId = "m-" + i;
                executor.submit(() -> {
                    MDC.put("sqs_message_id", messageId);
                    log.logger().info("record done");
                    MDC.clear();
                });
            }
        }

        var lines = log.lines();
        assertThat(lines).hasSize(8);
        assertThat(lines).allSatisfy(line -> {
            assertThat(line.get("function_request_id").asText()).isEqualTo("req-batch");
            assertThat(line.get("correlation_id").asText()).isEqualTo("post-77");
        });
        assertThat(lines).extracting(line -> line.get("sqs_message_id").asText())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 8).mapToObj(i -> "m-" + i).toList());
    }

    @Test
    void mdcCorrelationIdWinsOverTheInvocations() {
        try (var _ = LambdaLogging.begin(log.scope, context("req-1"))) {
            log.scope.correlationId("batch-level");
            MDC.put(LambdaLogging.CORRELATION_ID, "record-level");
            log.logger().info("record");
        }

        var line = log.line();
        assertThat(line.get("correlation_id").asText()).isEqualTo("record-level");
        assertThat(log.raw()).containsOnlyOnce("correlation_id");
    }

    @Test
    void correlationIdSetThroughLambdaLoggingAppliesToTheRealEnvironment() {
        var real = new CapturedLog(LoggingConfig.defaults(), InvocationScope.LAMBDA);
        try (var invocation = LambdaLogging.begin(context("req-real"))) {
            LambdaLogging.correlationId("webhook-delivery-5");
            real.logger().info("queued");
            assertThat(invocation.requestId()).isEqualTo("req-real");
        }

        var line = real.line();
        assertThat(line.get("function_request_id").asText()).isEqualTo("req-real");
        assertThat(line.get("correlation_id").asText()).isEqualTo("webhook-delivery-5");
    }

    @Test
    void traceIdIsTheRootOfTheXrayHeader() {
        var context = TestContext.forFunction("f").version("1").requestId("req-1").xrayTraceId("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
        try (var _ = LambdaLogging.begin(log.scope, context)) {
            log.logger().info("traced");
        }

        assertThat(log.line().get("xray_trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    }

    @Test
    void traceIdFallsBackToTheRuntimesSystemProperty() {
        var previous = System.getProperty(LambdaLogging.TRACE_HEADER_PROPERTY);
        System.setProperty(LambdaLogging.TRACE_HEADER_PROPERTY, "Root=1-aaaa-bbbb;Sampled=0");
        try (var _ = LambdaLogging.begin(log.scope, context("req-1"))) {
            log.logger().info("traced");
        } finally {
            if (previous == null) {
                System.clearProperty(LambdaLogging.TRACE_HEADER_PROPERTY);
            } else {
                System.setProperty(LambdaLogging.TRACE_HEADER_PROPERTY, previous);
            }
        }

        assertThat(log.line().get("xray_trace_id").asText()).isEqualTo("1-aaaa-bbbb");
    }

    @Test
    void traceHeaderWithoutRootGivesNoTraceId() {
        assertThat(InvocationScope.traceRoot("Parent=1;Sampled=1")).isNull();
        assertThat(InvocationScope.traceRoot("1-abc-def")).isEqualTo("1-abc-def");
        assertThat(InvocationScope.traceRoot(" ")).isNull();
    }

    @Test
    void aLaterInvocationIsNotEndedByClosingAnEarlierOne() {
        var first = LambdaLogging.begin(log.scope, context("req-1"));
        var second = LambdaLogging.begin(log.scope, context("req-2"));
        first.close();
        log.logger().info("still in the second");
        second.close();

        assertThat(log.line().get("function_request_id").asText()).isEqualTo("req-2");
    }

    @Test
    void contextWithMissingValuesLeavesThoseFieldsOut() {
        try (var _ = LambdaLogging.begin(log.scope, TestContext.forFunction(null).version(null).requestId("req-1"))) {
            log.logger().info("partial");
        }

        var line = log.line();
        assertThat(line.has("function_name")).isFalse();
        assertThat(line.get("function_request_id").asText()).isEqualTo("req-1");
    }

    private static TestContext context(String requestId) {
        return TestContext.forFunction("builds-queue").version("7").requestId(requestId);
    }
}
