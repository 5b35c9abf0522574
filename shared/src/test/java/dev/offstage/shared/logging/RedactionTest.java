package dev.offstage.shared.logging;

import dev.offstage.testing.TestContext;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.testing.TestSecrets;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import org.slf4j.event.Level;

class RedactionTest {

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    /** A secret unique to the test: the registry is JVM-wide and never forgets. Recorded for the log scan. */
    private static String newSecret() {
        var secret = "ghp_" + UUID.randomUUID().toString().replace("-", "");
        TestSecrets.record("RedactionTest's generated token", secret);
        return secret;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "token", "access_token", "GitHubToken", "secret", "client_secret", "webhookSecret", "password",
        "db_passwd", "Authorization", "x-hub-signature", "X-Hub-Signature-256", "signature", "api_key",
        "apikey", "x-api-key", "Cookie", "set-cookie", "credentials", "aws_credential", "private_key",
        "privateKey", "passphrase", "AWS_ACCESS_KEY_ID", "jwt", "bearer",
    })
    void keysThatLookSecretAreRecognised(String key) {
        assertThat(Redaction.isSecretKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"build_id", "sqs_message_id", "correlation_id", "user", "post_id", "bucket", ""})
    void ordinaryKeysAreNot(String key) {
        assertThat(Redaction.isSecretKey(key)).isFalse();
    }

    @Test
    void secretLookingMdcKeyHasItsValueMasked() {
        MDC.put("authorization", "Bearer abc.def.ghi");

        log.logger().info("request");

        assertThat(log.line().get("authorization").asText()).isEqualTo("[REDACTED]");
        assertThat(log.raw()).doesNotContain("abc.def.ghi");
    }

    @Test
    void secretLookingKeyValueIsMaskedWhateverItsType() {
        log.logger().atInfo()
                .addKeyValue("x-hub-signature-256", "sha256=deadbeef")
                .addKeyValue("api_key", 123456789L)
                .log("webhook");

        var line = log.line();
        assertThat(line.get("x-hub-signature-256").asText()).isEqualTo("[REDACTED]");
        assertThat(line.get("api_key").asText()).isEqualTo("[REDACTED]");
        assertThat(log.raw()).doesNotContain("deadbeef").doesNotContain("123456789");
    }

    @Test
    void registeredSecretNeverReachesAnyPartOfALine() {
        var secret = newSecret();
        Redaction.register(secret);

        try (var _ = LambdaLogging.begin(log.scope, TestContext.forFunction("builds-queue").version("7").requestId("req-1"))) {
            log.scope.correlationId("corr-" + secret);
            MDC.put("header_dump", "x-token-echo: " + secret);
            var failure = new IllegalStateException("GitHub rejected " + secret,
                    new RuntimeException("cause mentions " + secret));
            log.logger().atError()
                    .addKeyValue("echo", "value " + secret + " end")
                    .addKeyValue("wrapped", new StringBuilder(secret))
                    .setCause(failure)
                    .log("calling GitHub with {}", secret);
            log.logger().info("plain {}", secret);
        }

        assertThat(log.raw()).doesNotContain(secret).contains("[REDACTED]");
        var line = log.lines().getFirst();
        assertThat(line.get("message").asText()).isEqualTo("calling GitHub with [REDACTED]");
        assertThat(line.get("error_message").asText()).isEqualTo("GitHub rejected [REDACTED]");
        assertThat(line.get("stack_trace").asText()).contains("cause mentions [REDACTED]");
        assertThat(line.get("header_dump").asText()).isEqualTo("x-token-echo: [REDACTED]");
        assertThat(line.get("echo").asText()).isEqualTo("value [REDACTED] end");
        assertThat(line.get("correlation_id").asText()).isEqualTo("corr-[REDACTED]");
    }

    @Test
    void registeredSecretIsMaskedInTextLinesToo() {
        var secret = newSecret();
        Redaction.register(secret);
        var text = new CapturedLog(new LoggingConfig(LoggingConfig.Format.TEXT, Level.INFO, null, null));
        MDC.put("note", secret);

        text.logger().atWarn().addKeyValue("k", secret).log("saw " + secret, new IllegalStateException(secret));

        assertThat(text.raw()).doesNotContain(secret).contains("[REDACTED]");
    }

    @Test
    void secretContainingSpecialCharactersIsMaskedBeforeEscaping() {
        var unique = UUID.randomUUID().toString();
        var secret = "p\"a\\ss\nword-" + unique;
        TestSecrets.record("RedactionTest's generated password", secret);
        Redaction.register(secret);

        log.logger().info("login with {}", secret);

        assertThat(log.line().get("message").asText()).isEqualTo("login with [REDACTED]");
        assertThat(log.raw()).doesNotContain(unique);
    }

    @Test
    void numericSecretIsMaskedEvenAsANumber() {
        long pin = 7_000_000_000L + (System.nanoTime() & 0xFFFFFF);
        Redaction.register(Long.toString(pin));

        log.logger().atInfo().addKeyValue("code", pin).log("sent");

        assertThat(log.line().get("code").asText()).isEqualTo("[REDACTED]");
    }

    @Test
    void longerSecretIsMaskedWholeWhenItContainsAShorterOne() {
        var shorter = newSecret();
        var longer = shorter + "-suffix-" + UUID.randomUUID();
        Redaction.register(shorter);
        Redaction.register(longer);

        assertThat(Redaction.mask("x " + longer + " y")).isEqualTo("x [REDACTED] y");
        assertThat(Redaction.mask("x " + shorter + " y")).isEqualTo("x [REDACTED] y");
    }

    @Test
    void registeringTwiceOrRegisteringNothingIsHarmless() {
        var secret = newSecret();
        Redaction.register(secret);
        Redaction.register(secret);
        Redaction.register(null);
        Redaction.register("");

        assertThat(Redaction.mask("a " + secret)).isEqualTo("a [REDACTED]");
        assertThat(Redaction.mask(null)).isNull();
        assertThat(Redaction.mask("nothing secret here")).isEqualTo("nothing secret here");
    }
}
