package dev.offstage.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsStringTest {

    private static final Set<String> KEYS = Set.of("seed", "rate", "name");

    private static SettingsString parse(String text) {
        return SettingsString.parse(text, KEYS, problem -> new ConfigurationException("bad: " + problem));
    }

    @Test
    void pairsAreTrimmedAndBlankEntriesSkipped() {
        var settings = parse(" seed = 42 ;; rate=.5; name=a,b ;");

        assertThat(settings.values()).isEqualTo(Map.of("seed", "42", "rate", ".5", "name", "a,b"));
        assertThat(settings.seed()).isEqualTo(42);
        assertThat(settings.rate("rate")).isEqualTo(0.5);
        assertThat(parse("seed=1").rate("rate")).isZero();
        assertThat(parse("seed=1").has("name")).isFalse();
    }

    @Test
    void everyProblemComesFromTheCallersFactoryNamingIt() {
        assertThatThrownBy(() -> parse("seed")).hasMessage("bad: 'seed' is not key=value");
        assertThatThrownBy(() -> parse("colour=red")).hasMessage("bad: unknown setting 'colour' (known: name, rate, seed)");
        assertThatThrownBy(() -> parse("seed=1;seed=2")).hasMessage("bad: 'seed' is set twice");
        assertThatThrownBy(() -> parse("rate=1").seed()).hasMessage("bad: 'seed' is required, so that a run can be repeated");
        assertThatThrownBy(() -> parse("seed=x").seed()).hasMessage("bad: seed must be an integer, was 'x'");
        for (var rate : new String[] {"5%", "NaN", "2", "-0.1", "1e-3"}) {
            assertThatThrownBy(() -> parse("rate=" + rate).rate("rate")).as(rate)
                    .hasMessage("bad: rate must be a rate from 0 to 1 such as 0.05, was '" + rate + "'");
        }
    }
}
