package dev.offstage.posts.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpamConfigTest {

    @Test
    void emptyEnvironmentGivesTheDefaults() {
        assertThat(SpamConfig.from(Environment.of(Map.of()))).isEqualTo(SpamConfig.defaults());
    }

    @Test
    void everySettingIsReadFromItsVariable() {
        var config = SpamConfig.from(Environment.of(Map.of(
                "OFFSTAGE_SPAM_THRESHOLD", "0.8",
                "OFFSTAGE_SPAM_BLOCKLIST", " Spam.Example , bücher.example.,",
                "OFFSTAGE_SPAM_DUPLICATE_WINDOW_SECONDS", "300",
                "OFFSTAGE_SPAM_LEARNING_RATE", "0.25",
                "OFFSTAGE_SPAM_WEIGHT_LINK", "1.5",
                "OFFSTAGE_SPAM_WEIGHT_PRIOR", "-4")));

        assertThat(config.threshold()).isEqualTo(0.8);
        assertThat(config.blocklist()).isEqualTo(Set.of("spam.example", "xn--bcher-kva.example"));
        assertThat(config.duplicateWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.learningRate()).isEqualTo(0.25);
        assertThat(config.weights().link()).isEqualTo(1.5);
        assertThat(config.weights().prior()).isEqualTo(-4.0);
    }

    @Test
    void malformedNumberNamesItsVariable() {
        assertThatThrownBy(() -> SpamConfig.from(Environment.of(Map.of("OFFSTAGE_SPAM_WEIGHT_SHOUTING", "loud"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("OFFSTAGE_SPAM_WEIGHT_SHOUTING");
    }

    @Test
    void thresholdOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> SpamConfig.from(Environment.of(Map.of("OFFSTAGE_SPAM_THRESHOLD", "1.5"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("threshold");
    }
}
