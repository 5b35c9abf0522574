package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The Secrets Manager emulator through the SDK client functions use — or, with
 * {@code OFFSTAGE_TEST_BACKEND=localstack}, LocalStack's Secrets Manager through the same
 * assertions, which keeps the emulator honest.
 */
@ExtendWith(EmulatorsExtension.class)
class SecretsManagerEmulatorTest {

    private final Emulators emulators;
    private final SecretsManagerClient secrets;

    SecretsManagerEmulatorTest(Emulators emulators) {
        this.emulators = emulators;
        this.secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(emulators.environment().get("AWS_ENDPOINT_URL_SECRETS_MANAGER")))
                .region(Region.of(Emulators.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("offstage", TestSecrets.EMULATOR_SECRET_ACCESS_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @AfterEach
    void close() {
        secrets.close();
    }

    @Test
    void createdSecretIsReadByNameAndByArn() {
        var name = EmulatorsExtension.uniqueName("webhook");

        var created = secrets.createSecret(create -> create.name(name).secretString("s3cr3t").description("GitHub webhook"));

        assertThat(created.name()).isEqualTo(name);
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:\\d{12}:secret:" + name + "-[A-Za-z0-9]{6}");
        assertThat(created.versionId()).isNotBlank();
        var byName = secrets.getSecretValue(get -> get.secretId(name));
        assertThat(byName.secretString()).isEqualTo("s3cr3t");
        assertThat(byName.arn()).isEqualTo(created.arn());
        assertThat(byName.versionId()).isEqualTo(created.versionId());
        assertThat(byName.versionStages()).containsExactly("AWSCURRENT");
        assertThat(byName.createdDate()).isNotNull();
        assertThat(secrets.getSecretValue(get -> get.secretId(created.arn())).secretString()).isEqualTo("s3cr3t");
        assertThat(secrets.getSecretValue(get -> get.secretId(created.arn()).versionStage("AWSCURRENT")).secretString())
                .isEqualTo("s3cr3t");
    }

    @Test
    void partialArnWithoutTheRandomSuffixFindsTheSecret() {
        var name = EmulatorsExtension.uniqueName("partial");
        var arn = secrets.createSecret(create -> create.name(name).secretString("value")).arn();

        var partial = arn.substring(0, arn.length() - "-XXXXXX".length());

        assertThat(secrets.getSecretValue(get -> get.secretId(partial)).secretString()).isEqualTo("value");
    }

    @Test
    void missingSecretIsResourceNotFound() {
        assertThatThrownBy(() -> secrets.getSecretValue(get -> get.secretId("no-such-secret")))
                .isInstanceOf(ResourceNotFoundException.class)
                .satisfies(e -> assertThat(((ResourceNotFoundException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void arnWithAnotherSuffixIsNotFound() {
        var name = EmulatorsExtension.uniqueName("suffix");
        secrets.createSecret(create -> create.name(name).secretString("value"));

        assertThatThrownBy(() -> secrets.getSecretValue(get -> get.secretId(
                "arn:aws:secretsmanager:us-east-1:" + Emulators.ACCOUNT_ID + ":secret:" + name + "-AAAAAA")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void secondCreateOfOneNameIsResourceExists() {
        var name = EmulatorsExtension.uniqueName("twice");
        secrets.createSecret(create -> create.name(name).secretString("first"));

        assertThatThrownBy(() -> secrets.createSecret(create -> create.name(name).secretString("second")))
                .isInstanceOf(ResourceExistsException.class)
                .hasMessageContaining(name);
        assertThat(secrets.getSecretValue(get -> get.secretId(name)).secretString()).isEqualTo("first");
    }

    @Test
    void putSecretValueMakesANewCurrentVersionAndKeepsThePreviousOne() {
        var name = EmulatorsExtension.uniqueName("rotated");
        var first = secrets.createSecret(create -> create.name(name).secretString("old")).versionId();

        var put = secrets.putSecretValue(update -> update.secretId(name).secretString("new"));

        assertThat(put.versionId()).isNotEqualTo(first);
        assertThat(put.versionStages()).containsExactly("AWSCURRENT");
        assertThat(secrets.getSecretValue(get -> get.secretId(name)).secretString()).isEqualTo("new");
        assertThat(secrets.getSecretValue(get -> get.secretId(name).versionStage("AWSPREVIOUS")).secretString()).isEqualTo("old");
        assertThat(secrets.getSecretValue(get -> get.secretId(name).versionId(first)).secretString()).isEqualTo("old");
        assertThat(secrets.describeSecret(describe -> describe.secretId(name)).versionIdsToStages())
                .containsEntry(first, java.util.List.of("AWSPREVIOUS"))
                .containsEntry(put.versionId(), java.util.List.of("AWSCURRENT"));
    }

    @Test
    void describeAndListShowNameArnAndDescriptionButNoValue() {
        var name = EmulatorsExtension.uniqueName("described");
        var arn = secrets.createSecret(create -> create.name(name).secretString("hidden").description("for tests")).arn();

        var described = secrets.describeSecret(describe -> describe.secretId(arn));

        assertThat(described.name()).isEqualTo(name);
        assertThat(described.arn()).isEqualTo(arn);
        assertThat(described.description()).isEqualTo("for tests");
        assertThat(described.createdDate()).isNotNull();
        assertThat(secrets.listSecrets(list -> list.maxResults(100)).secretList())
                .anySatisfy(entry -> {
                    assertThat(entry.name()).isEqualTo(name);
                    assertThat(entry.arn()).isEqualTo(arn);
                });
    }

    @Test
    void forcedDeleteRemovesTheSecretAndItsNameCanBeReused() {
        var name = EmulatorsExtension.uniqueName("deleted");
        var arn = secrets.createSecret(create -> create.name(name).secretString("gone")).arn();

        var deleted = secrets.deleteSecret(delete -> delete.secretId(name).forceDeleteWithoutRecovery(true));

        assertThat(deleted.arn()).isEqualTo(arn);
        assertThat(deleted.deletionDate()).isNotNull();
        assertThatThrownBy(() -> secrets.getSecretValue(get -> get.secretId(name))).isInstanceOf(ResourceNotFoundException.class);
        assertThat(secrets.createSecret(create -> create.name(name).secretString("again")).arn()).isNotEqualTo(arn);
    }

    @Test
    void deleteWithRecoveryWindowRefusesReadsButStillDescribes() {
        var name = EmulatorsExtension.uniqueName("scheduled");
        secrets.createSecret(create -> create.name(name).secretString("soon gone"));

        secrets.deleteSecret(delete -> delete.secretId(name).recoveryWindowInDays(7L));

        assertThatThrownBy(() -> secrets.getSecretValue(get -> get.secretId(name)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("marked for deletion");
        assertThat(secrets.describeSecret(describe -> describe.secretId(name)).deletedDate()).isNotNull();
    }

    @Test
    void binarySecretsAreRefusedWithAClearMessage() {
        var name = EmulatorsExtension.uniqueName("binary");
        org.junit.jupiter.api.Assumptions.assumeTrue("local".equals(emulators.backend()), "LocalStack stores binary secrets");

        assertThatThrownBy(() -> secrets.createSecret(create -> create.name(name).secretBinary(SdkBytes.fromUtf8String("bytes"))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("SecretBinary is not supported");
    }

    @Test
    void errorsAreJsonWithTheTypeTheSdkExpects() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("local".equals(emulators.backend()), "checks the emulator's own bytes");
        try (var http = HttpClient.newHttpClient()) {
            var request = HttpRequest.newBuilder(URI.create(emulators.environment().get("AWS_ENDPOINT_URL_SECRETS_MANAGER")))
                    .header("X-Amz-Target", "secretsmanager.GetSecretValue")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"SecretId\":\"nothing-here\"}"))
                    .build();

            var response = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/x-amz-json-1.1");
            assertThat(response.body()).isEqualTo(
                    "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the specified secret.\"}");
        }
    }
}
