package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingProviderTest {

    @Test
    void slf4jFindsOffstagesProviderThroughServiceLoader() {
        assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(OffstageLoggerFactory.class);
        assertThat(LoggerFactory.getLogger(LoggingProviderTest.class)).isInstanceOf(OffstageLogger.class);
    }

    @Test
    void slf4jMdcIsOffstagesAdapter() {
        assertThat(MDC.getMDCAdapter()).isInstanceOf(ThreadMdc.class);
    }

    @Test
    void providerReadsLambdasSettingsFromTheEnvironment() {
        var out = new ByteArrayOutputStream();
        var provider = new OffstageLoggingProvider();
        provider.initialize(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "ERROR", "AWS_LAMBDA_FUNCTION_NAME", "spam")), out);
        var logger = provider.getLoggerFactory().getLogger("x");

        logger.warn("dropped");
        logger.error("kept");

        var line = Json.tree(out.toString(StandardCharsets.UTF_8));
        assertThat(line.get("message").asText()).isEqualTo("kept");
        assertThat(line.get("function_name").asText()).isEqualTo("spam");
    }

    @Test
    void malformedSettingIsReportedAndLoggingCarriesOnAtInfo() {
        var out = new ByteArrayOutputStream();
        var provider = new OffstageLoggingProvider();
        provider.initialize(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "CHATTY")), out);

        provider.getLoggerFactory().getLogger("x").info("still logging");

        var lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        var warning = Json.tree(lines[0]);
        assertThat(warning.get("level").asText()).isEqualTo("WARN");
        assertThat(warning.get("message").asText()).contains("AWS_LAMBDA_LOG_LEVEL").contains("CHATTY");
        assertThat(Json.tree(lines[1]).get("message").asText()).isEqualTo("still logging");
    }
}
