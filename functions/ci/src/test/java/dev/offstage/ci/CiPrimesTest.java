package dev.offstage.ci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.priming.Prime;
import dev.offstage.shared.priming.Priming;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestSecrets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each CI function's SnapStart primes, built as its handler builds them, run against the template's stack. */
@ExtendWith(EmulatorsExtension.class)
class CiPrimesTest {

    private final CiStack stack;

    CiPrimesTest(Emulators emulators) {
        this.stack = new CiStack(emulators);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void webhookPrimesNeitherReadTheSecretNorQueueAnything() {
        // A secret that does not exist: a prime that read it would fail (and the snapshot would hold it).
        var environment = stack.environment("GitHubWebhookFunction").with(Map.of(
                CiConfig.WEBHOOK_SECRET_ID, EmulatorsExtension.uniqueName("absent-webhook-secret"),
                CiSetup.INITIALIZATION_TYPE, CiSetup.SNAPSHOT_INIT));
        var setup = new CiSetup(environment, stack.aws, stack.clock);

        assertPrimesLeaveTheStackAsItWas(CiPrimes.webhook(setup, setup.webhookIntake()));
    }

    @Test
    void buildPagesPrimesOnlyRead() {
        var setup = stack.setup("BuildPagesFunction");

        assertPrimesLeaveTheStackAsItWas(CiPrimes.buildPages(setup, setup.buildPages()));
    }

    @Test
    void buildRunnerPrimesOnlyRead() {
        stack.putSecret("GitHubCredentials", "{\"token\": \"ghp_test_token\"}");
        stack.putSecret("BuildSecrets", TestSecrets.BUILD_SECRETS);
        var setup = stack.setup("BuildRunnerFunction");
        setup.buildRunner();

        assertPrimesLeaveTheStackAsItWas(CiPrimes.buildRunner(setup));
    }

    private void assertPrimesLeaveTheStackAsItWas(List<Prime> primes) {
        var before = stack.contents();

        var outcomes = Priming.of(primes).prime();

        assertThat(outcomes).hasSize(primes.size())
                .allSatisfy(outcome -> assertThat(outcome.failure()).as(outcome.prime()).isEmpty());
        assertThat(stack.contents()).isEqualTo(before);
    }
}
