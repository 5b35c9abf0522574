package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class LoggingConfigTest {

    @Test
    void unsetEnvironmentMeansJsonAtInfo() {
        var config = LoggingConfig.from(Environment.of(Map.of()));

        assertThat(config.format()).isEqualTo(LoggingConfig.Format.JSON);
        assertThat(config.level()).isEqualTo(Level.INFO);
        assertThat(config.functionName()).isNull();
    }

    @Test
    void lambdaLogSettingsAreHonoured() {
        var config = LoggingConfig.from(Environment.of(Map.of(
                "AWS_LAMBDA_LOG_FORMAT", "Text", "AWS_LAMBDA_LOG_LEVEL", "DEBUG",
                "AWS_LAMBDA_FUNCTION_NAME", "transcode", "AWS_LAMBDA_FUNCTION_VERSION", "3")));

        assertThat(config).isEqualTo(new LoggingConfig(LoggingConfig.Format.TEXT, Level.DEBUG, "transcode", "3"));
    }

    @Test
    void valuesAreCaseInsensitive() {
        var config = LoggingConfig.from(Environment.of(Map.of("AWS_LAMBDA_LOG_FORMAT", "json", "AWS_LAMBDA_LOG_LEVEL", "warn")));

        assertThat(config.format()).isEqualTo(LoggingConfig.Format.JSON);
        assertThat(config.level()).isEqualTo(Level.WARN);
    }

    @Test
    void fatalKeepsErrorsOnlyBecauseSlf4jHasNoFatal() {
        var config = LoggingConfig.from(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "FATAL")));

        assertThat(config.level()).isEqualTo(Level.ERROR);
    }

    @Test
    void unknownLevelNamesTheVariable() {
        assertThatThrownBy(() -> LoggingConfig.from(Environment.of(Map.of("AWS_LAMBDA_LOG_LEVEL", "LOUD"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_LAMBDA_LOG_LEVEL")
                .hasMessageContaining("LOUD");
    }

    @Test
    void unknownFormatNamesTheVariable() {
        assertThatThrownBy(() -> LoggingConfig.from(Environment.of(Map.of("AWS_LAMBDA_LOG_FORMAT", "XML"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("AWS_LAMBDA_LOG_FORMAT");
    }
}
