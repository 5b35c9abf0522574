package dev.offstage.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.faults.FaultPlan;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.testing.TestSecrets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainTest {

    private static final String TEMPLATE = LocalRuntimeEndToEndTest.TEMPLATE.toString();

    @Test
    void defaultsAreTheRepositoryTemplatePort3000AndTheEndpointsFile() {
        var options = Main.parse(new String[] {"--template", TEMPLATE});

        assertThat(options.httpPort()).isEqualTo(3000);
        assertThat(options.endpointsFile()).contains(Path.of(".offstage", "endpoints.json"));
        assertThat(options.backend()).isEqualTo("local");
        assertThat(options.initializeFunctions()).isTrue();
        assertThat(options.stackName()).isEqualTo("offstage");
    }

    @Test
    void parameterOverridesAreNameValuePairsUntilTheNextFlag() {
        var options = Main.parse(new String[] {"--template", TEMPLATE, "--parameter-overrides", "Greeting=hi there",
                "Stage=dev", "--port", "0", "--stack-name", "mine", "--lazy", "--endpoints-file", "out/e.json"});

        assertThat(options.parameters()).isEqualTo(Map.of("Greeting", "hi there", "Stage", "dev"));
        assertThat(options.httpPort()).isZero();
        assertThat(options.stackName()).isEqualTo("mine");
        assertThat(options.initializeFunctions()).isFalse();
        assertThat(options.endpointsFile()).isEqualTo(Optional.of(Path.of("out/e.json")));
    }

    @Test
    void secretsAreRepeatableLogicalIdValuePairs() {
        var options = Main.parse(new String[] {"--template", TEMPLATE, "--secret", "GitHubWebhookSecret=" + TestSecrets.SECRET_OPTION_WITH_EQUALS,
                "--secret", "DeployToken=", "--port", "0"});

        assertThat(options.secrets()).isEqualTo(Map.of("GitHubWebhookSecret", TestSecrets.SECRET_OPTION_WITH_EQUALS, "DeployToken", ""));
        assertThat(Main.parse(new String[] {"--template", TEMPLATE}).secrets()).isEmpty();
    }

    @Test
    void malformedSecretIsRefusedWithoutItsValue() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--secret", "=" + TestSecrets.MALFORMED_SECRET_OPTION}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LogicalId=value")
                .hasMessageNotContaining(TestSecrets.MALFORMED_SECRET_OPTION);
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--secret", "A=1", "--secret", "A=2"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
    }

    @Test
    void badArgumentsAreRefusedSayingWhich() {
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--port", "70000"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--backend", "docker"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--backend");
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--parameter-overrides", "NoEquals"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Name=Value");
        assertThatThrownBy(() -> Main.parse(new String[] {"--stack-name"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Main.parse(new String[] {"--verbose"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--verbose");
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", "no/such/template.yaml"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no template at");
    }

    @Test
    void chaosAndFaultsAreReadInTheirOwnFormatsAndMalformedOnesRefused() {
        var options = Main.parse(new String[] {"--template", TEMPLATE, "--chaos", "seed=9;kill=0.1;functions=EchoFunction",
                "--faults", "seed=9;throttle=0.2"});

        assertThat(options.chaos()).hasValue(ChaosPlan.parse("seed=9;kill=0.1;functions=EchoFunction"));
        assertThat(options.faults()).hasValue(FaultPlan.parse("seed=9;throttle=0.2"));
        assertThat(Main.parse(new String[] {"--template", TEMPLATE}).chaos()).isEmpty();
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--chaos", "kill=0.1"}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'seed' is required");
        assertThatThrownBy(() -> Main.parse(new String[] {"--template", TEMPLATE, "--faults", "seed=1;throttle=2"}))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("throttle must be a rate");
    }
}
