package dev.offstage.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaSettingsTest {

    @Test
    void defaultConcurrencyIsFourUnlessConfigured() {
        assertThat(LambdaSettings.from(Environment.of(Map.of())).defaultConcurrency()).isEqualTo(4);
        assertThat(LambdaSettings.from(Environment.of(Map.of(LambdaSettings.CONCURRENCY_VARIABLE, "2")))
                .defaultConcurrency()).isEqualTo(2);
    }

    @Test
    void concurrencyBelowOneIsAConfigurationError() {
        assertThatThrownBy(() -> LambdaSettings.from(Environment.of(Map.of(LambdaSettings.CONCURRENCY_VARIABLE, "0"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("at least 1");
    }
}
