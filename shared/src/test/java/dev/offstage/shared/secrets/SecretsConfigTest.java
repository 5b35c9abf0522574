package dev.offstage.shared.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsConfigTest {

    @Test
    void maxAgeDefaultsToFiveMinutes() {
        assertThat(SecretsConfig.from(Environment.of(Map.of())).maxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(SecretsConfig.defaults().maxAge()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void maxAgeComesFromItsVariableInSeconds() {
        var config = SecretsConfig.from(Environment.of(Map.of("OFFSTAGE_SECRETS_MAX_AGE_SECONDS", "60")));

        assertThat(config.maxAge()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void malformedOrNegativeMaxAgeFailsNamingTheVariable() {
        assertThatThrownBy(() -> SecretsConfig.from(Environment.of(Map.of("OFFSTAGE_SECRETS_MAX_AGE_SECONDS", "five"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_SECRETS_MAX_AGE_SECONDS");
        assertThatThrownBy(() -> SecretsConfig.from(Environment.of(Map.of("OFFSTAGE_SECRETS_MAX_AGE_SECONDS", "-1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_SECRETS_MAX_AGE_SECONDS");
    }
}
