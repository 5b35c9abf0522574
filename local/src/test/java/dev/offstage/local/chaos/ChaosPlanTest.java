package dev.offstage.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {

    @Test
    void everySettingIsReadAndWrittenBackInTheSameFormat() {
        var plan = ChaosPlan.parse("seed=42; duplicate=0.1;reorder=.2;kill=0.03;overrun=0.02;redeliver=2s;functions=A,B2");

        assertThat(plan).isEqualTo(new ChaosPlan(42, 0.1, 0.2, 0.03, 0.02, Optional.of(Duration.ofSeconds(2)), Set.of("A", "B2")));
        assertThat(ChaosPlan.parse(plan.toString())).isEqualTo(plan);
        assertThat(plan.covers("A")).isTrue();
        assertThat(plan.covers("C")).isFalse();
    }

    @Test
    void onlyTheSeedIsRequiredAndThenNothingHappensToAnyFunction() {
        var plan = ChaosPlan.parse("seed=7");

        assertThat(plan).isEqualTo(new ChaosPlan(7, 0, 0, 0, 0, Optional.empty(), Set.of()));
        assertThat(plan.covers("Anything")).isTrue();
        var chaos = Chaos.of(plan);
        assertThat(chaos.duplicate("Anything")).isFalse();
        assertThat(chaos.disruption("Anything").none()).isTrue();
    }

    @Test
    void malformedSettingsAreRefusedNamingTheSettingAndTheFormat() {
        for (var bad : new String[] {"duplicate=0.1", "seed=x", "seed=1;kill=2", "seed=1;kill=0.6;overrun=0.5",
                "seed=1;redeliver=2", "seed=1;colour=red", "seed=1;seed=2", "seed=1;functions=a-b", "seed=1;oops"}) {
            assertThatThrownBy(() -> ChaosPlan.parse(bad)).as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("Chaos settings are malformed: ")
                    .hasMessageContaining("Format: seed=42;");
        }
    }

    @Test
    void chaosOnlyTouchesTheFunctionsItsPlanNames() {
        var chaos = Chaos.of(ChaosPlan.parse("seed=1;duplicate=1;reorder=1;kill=1;functions=Chosen"));

        assertThat(chaos.duplicate("Other")).isFalse();
        assertThat(chaos.reorder("Other")).isFalse();
        assertThat(chaos.disruption("Other").none()).isTrue();
        assertThat(chaos.duplicate("Chosen")).isTrue();
        assertThat(chaos.reorder("Chosen")).isTrue();
        assertThat(chaos.disruption("Chosen").kind()).isEqualTo(ChaosKind.KILL);
        assertThat(Chaos.NONE.duplicate("Chosen")).isFalse();
    }

    @Test
    void disruptionsFallWithinTheFunctionsTypicalDuration() {
        var chaos = Chaos.of(ChaosPlan.parse("seed=5;overrun=1"));
        for (int i = 0; i < 20; i++) {
            chaos.observed("Slow", Duration.ofMillis(2000));
        }

        for (int i = 0; i < 50; i++) {
            var disruption = chaos.disruption("Slow");
            assertThat(disruption.kind()).isEqualTo(ChaosKind.OVERRUN);
            assertThat(disruption.after()).isBetween(Duration.ofMillis(150), Duration.ofMillis(1850));
        }
    }
}
