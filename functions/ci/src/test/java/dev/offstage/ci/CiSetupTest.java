package dev.offstage.ci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.http.ApiResponses;
import dev.offstage.shared.secrets.SecretNotFoundException;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How the CI functions' logic is built at init, as template.yaml configures them. */
@ExtendWith(EmulatorsExtension.class)
class CiSetupTest {

    private final CiStack stack;

    CiSetupTest(Emulators emulators) {
        this.stack = new CiStack(emulators);
    }

    @AfterEach
    void close() {
        stack.close();
    }

    private CiSetup webhookSetup(String secretId, String initializationType) {
        var environment = stack.environment("GitHubWebhookFunction").with(Map.of(
                CiConfig.WEBHOOK_SECRET_ID, secretId, CiSetup.INITIALIZATION_TYPE, initializationType));
        return new CiSetup(environment, stack.aws, stack.clock);
    }

    @Test
    void anOnDemandInitFailsWhenTheWebhookSecretIsMissing() {
        var secretId = EmulatorsExtension.uniqueName("missing-webhook-secret");

        assertThatThrownBy(() -> webhookSetup(secretId, "on-demand").webhookIntake())
                .isInstanceOf(SecretNotFoundException.class);
    }

    @Test
    void aSnapStartInitLeavesTheSecretToTheFirstWebhook() {
        var secretId = EmulatorsExtension.uniqueName("late-webhook-secret");

        var intake = webhookSetup(secretId, CiSetup.SNAPSHOT_INIT).webhookIntake();
        stack.aws.secretsManager().createSecret(create -> create.name(secretId).secretString(Webhooks.LOCAL_SECRET));
        var response = ApiResponses.handle(Webhooks.load(Webhooks.PUSH), intake::receive);

        assertThat(response.getStatusCode()).isEqualTo(202);
    }

    @Test
    void aWebhookThatDiedMidDeliveryHoldsItsDeliveryIdOnlyAsLongAsTheHttpApiWaits() {
        var setup = webhookSetup(EmulatorsExtension.uniqueName("webhook-secret"), CiSetup.SNAPSHOT_INIT);
        var table = stack.resources.table("IdempotencyTable").name();
        var claimed = stack.clock.instant();

        // While the delivery is handled, its claim is what a killed invocation would leave behind.
        var hold = setup.webhookIdempotency().run("github-delivery:d-held", String.class, () -> {
            var item = stack.aws.dynamoDb().scan(scan -> scan.tableName(table)).items().stream()
                    .filter(record -> record.get("id").s().endsWith("github-delivery:d-held")).findFirst().orElseThrow();
            return item.get("in_progress_expiration").n();
        });

        assertThat(java.time.Instant.ofEpochMilli(Long.parseLong(hold)))
                .isBetween(claimed.plusSeconds(CiSetup.WEBHOOK_HOLD_SECONDS - 5), claimed.plusSeconds(CiSetup.WEBHOOK_HOLD_SECONDS + 5));
    }
}
