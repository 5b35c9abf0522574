package dev.offstage.shared.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.logging.Redaction;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

@ExtendWith(EmulatorsExtension.class)
class SecretsTest {

    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final AwsClients aws;
    private final SecretsManagerClient secretsManager;
    private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
    private final Secrets secrets;

    SecretsTest(Emulators emulators) {
        aws = AwsClients.from(Environment.of(emulators.environment()));
        secretsManager = aws.secretsManager();
        secrets = new Secrets(secretsManager, new SecretsConfig(MAX_AGE), clock);
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private String create(String value) {
        var name = EmulatorsExtension.uniqueName("secret");
        secretsManager.createSecret(create -> create.name(name).secretString(value));
        return name;
    }

    @Test
    void secretIsReadByNameAndByArn() {
        var name = create("webhook-secret-value");
        var arn = secretsManager.describeSecret(describe -> describe.secretId(name)).arn();

        assertThat(secrets.get(name)).isEqualTo("webhook-secret-value");
        assertThat(secrets.get(arn)).isEqualTo("webhook-secret-value");
    }

    @Test
    void valueIsServedFromMemoryUntilMaxAgeHasPassed() {
        var name = create("before rotation");
        assertThat(secrets.get(name)).isEqualTo("before rotation");

        secretsManager.putSecretValue(put -> put.secretId(name).secretString("after rotation"));

        // The service has the new value; the cache answers without asking it.
        clock.advance(MAX_AGE.minusSeconds(1));
        assertThat(secrets.get(name)).isEqualTo("before rotation");
        clock.advance(Duration.ofSeconds(1));
        assertThat(secrets.get(name)).isEqualTo("after rotation");
    }

    @Test
    void eachIdIsCachedOnItsOwn() {
        var first = create("one");
        var second = create("two");

        assertThat(secrets.get(first)).isEqualTo("one");
        assertThat(secrets.get(second)).isEqualTo("two");
    }

    @Test
    void zeroMaxAgeAsksTheServiceEveryTime() {
        var uncached = new Secrets(secretsManager, new SecretsConfig(Duration.ZERO), clock);
        var name = create("first");
        assertThat(uncached.get(name)).isEqualTo("first");

        secretsManager.putSecretValue(put -> put.secretId(name).secretString("second"));

        assertThat(uncached.get(name)).isEqualTo("second");
    }

    @Test
    void missingSecretFailsNamingTheId() {
        assertThatThrownBy(() -> secrets.get("no-such-secret"))
                .isInstanceOf(SecretNotFoundException.class)
                .hasMessage("Secret 'no-such-secret' was not found in Secrets Manager (or has no current value)")
                .satisfies(e -> assertThat(((SecretNotFoundException) e).secretId()).isEqualTo("no-such-secret"));
    }

    @Test
    void jsonSecretIsReadAsATree() {
        var name = create("{\"token\":\"ghp_abc\",\"appId\":42}");

        var json = secrets.getJson(name);

        assertThat(json.path("token").asText()).isEqualTo("ghp_abc");
        assertThat(json.path("appId").asInt()).isEqualTo(42);
    }

    @Test
    void secretThatIsNotJsonFailsWithoutShowingTheValue() {
        var name = create("plain-text-value");

        assertThatThrownBy(() -> secrets.getJson(name))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Secret '" + name + "' is not JSON")
                .hasNoCause();
    }

    @Test
    void toStringShowsNoValue() {
        var name = create("never-printed");
        secrets.get(name);

        assertThat(secrets.toString()).doesNotContain("never-printed").contains("maxAge=PT5M");
    }

    @Test
    void everyValueFetchedIsMaskedInLogLinesFromThenOnWholeAndFieldByField() {
        var plain = "plain-" + EmulatorsExtension.uniqueName("webhook");
        var token = "ghp_" + EmulatorsExtension.uniqueName("token").replace("-", "");
        var json = "{\"token\": \"" + token + "\", \"region\": \"eu\"}";
        var plainId = create(plain);
        var jsonId = create(json);
        assertThat(Redaction.mask("webhook secret " + plain)).as("not fetched yet").contains(plain);

        secrets.get(plainId);
        secrets.getJson(jsonId);

        assertThat(Redaction.mask("webhook secret " + plain)).isEqualTo("webhook secret " + Redaction.MASK);
        assertThat(Redaction.mask("curl -H 'x-token: " + token + "'")).isEqualTo("curl -H 'x-token: " + Redaction.MASK + "'");
        assertThat(Redaction.mask(json)).isEqualTo(Redaction.MASK);
        assertThat(Redaction.mask("region eu")).as("too short to be a credential").isEqualTo("region eu");
    }
}
