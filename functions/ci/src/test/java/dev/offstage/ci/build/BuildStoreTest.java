package dev.offstage.ci.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.ci.CiStack;
import dev.offstage.ci.Webhooks;
import dev.offstage.shared.http.ApiResponses;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The builds table's conditional writes, against the emulators. */
@ExtendWith(EmulatorsExtension.class)
class BuildStoreTest {

    /** The sample push's delivery id, and so its build id. */
    private static final String BUILD = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

    private final CiStack stack;
    private final BuildStore store;

    BuildStoreTest(Emulators emulators) {
        this.stack = new CiStack(emulators);
        this.store = stack.buildStore();
        var intake = stack.setup("GitHubWebhookFunction").webhookIntake();
        ApiResponses.handle(Webhooks.load(Webhooks.PUSH), intake::receive);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void supersedingAgainByTheSameBuildIsASuccess() {
        // The SDK retries an UpdateItem whose 200 was lost (a 500 after the write landed): the
        // retry's condition fails on its own write, which must not read as "it moved on".
        assertThat(store.supersede(BUILD, "d-newer", stack.clock.instant())).isTrue();
        assertThat(store.supersede(BUILD, "d-newer", stack.clock.instant())).isTrue();

        assertThat(store.supersede(BUILD, "d-another", stack.clock.instant())).isFalse();
        assertThat(store.find(BUILD).orElseThrow().status()).isEqualTo(BuildStatus.SUPERSEDED);
    }

    @Test
    void aStartedBuildIsNotSuperseded() {
        store.start(BUILD, stack.clock.instant());

        assertThat(store.supersede(BUILD, "d-newer", stack.clock.instant())).isFalse();
        assertThat(store.find(BUILD).orElseThrow().status()).isEqualTo(BuildStatus.RUNNING);
    }
}
