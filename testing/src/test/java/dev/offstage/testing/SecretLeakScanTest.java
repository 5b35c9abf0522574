package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.SecretLeakScan.Leak;
import dev.offstage.testing.TestSecrets.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretLeakScanTest {

    private static final Secret WEBHOOK = new Secret("webhook secret", "planted-webhook-secret-4711");
    private static final Secret KEY = new Secret("app key", """
            -----BEGIN PRIVATE KEY-----
            MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj
            MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu
            -----END PRIVATE KEY-----
            """);

    @TempDir
    Path root;

    private final SecretLeakScan scan = new SecretLeakScan(List.of(WEBHOOK, KEY),
            List.of(Pattern.compile("  secret     \\S+  \\S+ = .*")));

    private Path log(String relative, String... lines) throws IOException {
        var file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private List<Leak> leaks(Path file) {
        return scan.scan(List.of(file)).leaks();
    }

    @Test
    void plantedSecretIsReportedWithFileLineAndNameButNotItsValue() throws IOException {
        var file = log("functions/ci/target/surefire-reports/dev.offstage.ci.SomeTest-output.txt",
                "{\"level\":\"INFO\",\"message\":\"started\"}",
                "{\"level\":\"WARN\",\"message\":\"verifying with planted-webhook-secret-4711\"}");

        var leaks = leaks(file);

        assertThat(leaks).singleElement().satisfies(leak -> {
            assertThat(leak.file()).isEqualTo(file);
            assertThat(leak.line()).isEqualTo(2);
            assertThat(leak.secret()).isEqualTo(WEBHOOK);
            assertThat(leak.form()).isEqualTo("as is");
            assertThat(leak.toString()).contains(file + ":2: webhook secret pl… (27 characters), as is")
                    .doesNotContain(WEBHOOK.value());
        });
    }

    @Test
    void cleanLogHasNoLeak() throws IOException {
        var file = log("shared/target/surefire-reports/X-output.txt",
                "{\"message\":\"verifying with [REDACTED]\"}", "planted-webhook-secret (not the whole value)", "");

        var report = scan.scan(List.of(file));

        assertThat(report.leaks()).isEmpty();
        assertThat(report.lines()).isEqualTo(3);
    }

    @Test
    void secretIsFoundBase64EncodedAtEveryAlignmentInsideLongerBase64() throws IOException {
        var secret = WEBHOOK.value().getBytes(StandardCharsets.UTF_8);
        for (int before = 0; before < 3; before++) {
            var body = new byte[before + secret.length + 5];
            System.arraycopy(secret, 0, body, before, secret.length);
            var standard = Base64.getEncoder().encodeToString(body);
            var url = Base64.getUrlEncoder().encodeToString(body);
            var file = log("e2e/target/b" + before + ".log", "body=" + standard, "body=" + url);

            assertThat(leaks(file)).as("%d bytes before the secret", before).hasSize(2)
                    .allSatisfy(leak -> assertThat(leak.secret()).isEqualTo(WEBHOOK));
        }
    }

    @Test
    void secretIsFoundJsonEscapedAndAMultiLineKeyLineByLine() throws IOException {
        var escaped = SecretLeakScan.jsonEscaped(KEY.value());
        var file = log("local/target/runtime.log",
                "{\"message\":\"credentials: " + escaped + "\"}",
                "Caused by: bad key",
                "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu");

        assertThat(leaks(file)).extracting(Leak::line, Leak::form)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "JSON-escaped"),
                        org.assertj.core.groups.Tuple.tuple(3, "one of its lines"));
        // The armour lines alone are no secret.
        assertThat(leaks(log("x/target/armour.log", "-----BEGIN PRIVATE KEY-----"))).isEmpty();
    }

    @Test
    void lineShownByDesignIsNotALeak() throws IOException {
        var file = log(".offstage/demo/runtime.log",
                "  secret     GitHubWebhookSecret  offstage/github-webhook-secret = planted-webhook-secret-4711",
                "{\"message\":\"secret is planted-webhook-secret-4711\"}");

        assertThat(leaks(file)).extracting(Leak::line).containsExactly(2);
    }

    @Test
    void logFilesAreTestOutputAndLogsOutsideSourcesGitAndNodeModules() throws IOException {
        var output = log("functions/ci/target/surefire-reports/dev.offstage.ci.WebhookIntakeTest-output.txt", "x");
        var dump = log("e2e/target/surefire-reports/2026-11-27T17-00-00_1-jvmRun1.dumpstream", "x");
        var build = log("functions/ci/target/builds/42/build.log", "x");
        var demo = log(".offstage/demo/runtime.log", "x");
        log("functions/ci/target/surefire-reports/TEST-dev.offstage.ci.WebhookIntakeTest.xml", "x");
        log("functions/ci/src/test/resources/sample.log", "x");
        log("node_modules/dynalite/debug.log", "x");
        log(".git/logs/HEAD.log", "x");
        log("functions/ci/target/test-secrets/123.secrets", "x");

        assertThat(SecretLeakScan.logFiles(root)).containsExactlyInAnyOrder(output, dump, build, demo);
    }

    @Test
    void recordedSecretsOfEveryModuleAreRead() {
        var before = System.getProperty(TestSecrets.DIRECTORY_PROPERTY);
        try {
            System.setProperty(TestSecrets.DIRECTORY_PROPERTY, root.resolve("functions/ci/target/test-secrets").toString());
            TestSecrets.record("generated key", KEY.value());
            System.setProperty(TestSecrets.DIRECTORY_PROPERTY, root.resolve("shared/target/test-secrets").toString());
            TestSecrets.record("random token", "sk_0123456789");
        } finally {
            if (before == null) {
                System.clearProperty(TestSecrets.DIRECTORY_PROPERTY);
            } else {
                System.setProperty(TestSecrets.DIRECTORY_PROPERTY, before);
            }
        }

        assertThat(SecretLeakScan.recordedSecrets(root))
                .containsExactlyInAnyOrder(new Secret("generated key", KEY.value()), new Secret("random token", "sk_0123456789"));
    }

    @Test
    void secretTooShortToLookForIsRefused() {
        assertThatThrownBy(() -> new Secret("pin", "1234")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pin").hasMessageNotContaining("1234");
    }
}
