package dev.offstage.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentTest {

    private final Environment environment = Environment.of(Map.of(
            "TABLE", " builds ",
            "BLANK", "  ",
            "TTL", "3600",
            "PARALLEL", "TRUE",
            "BROKEN_NUMBER", "ten"));

    @Test
    void missingRequiredVariableIsNamedInTheError() {
        assertThatThrownBy(() -> environment.require("OFFSTAGE_BUILDS_TABLE"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Missing required environment variable OFFSTAGE_BUILDS_TABLE");
    }

    @Test
    void blankCountsAsMissing() {
        assertThat(environment.optional("BLANK")).isEmpty();
        assertThatThrownBy(() -> environment.require("BLANK")).hasMessageContaining("BLANK");
    }

    @Test
    void valuesAreTrimmed() {
        assertThat(environment.require("TABLE")).isEqualTo("builds");
    }

    @Test
    void typedValuesFallBackWhenUnset() {
        assertThat(environment.seconds("TTL", Duration.ZERO)).isEqualTo(Duration.ofHours(1));
        assertThat(environment.seconds("UNSET", Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
        assertThat(environment.booleanValue("PARALLEL", false)).isTrue();
        assertThat(environment.intValue("UNSET", 7)).isEqualTo(7);
    }

    @Test
    void malformedNumberIsNamedInTheError() {
        assertThatThrownBy(() -> environment.intValue("BROKEN_NUMBER", 1))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("BROKEN_NUMBER")
                .hasMessageContaining("integer");
    }

    @Test
    void malformedBooleanIsNamedInTheError() {
        assertThatThrownBy(() -> environment.booleanValue("TABLE", false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TABLE");
    }

    @Test
    void withAddsAndReplacesWithoutChangingTheOriginal() {
        var changed = environment.with(Map.of("TABLE", "other", "NEW", "1"));

        assertThat(changed.require("TABLE")).isEqualTo("other");
        assertThat(changed.require("NEW")).isEqualTo("1");
        assertThat(environment.require("TABLE")).isEqualTo("builds");
    }
}
