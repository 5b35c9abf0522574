package dev.offstage.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.testing.TestSecrets;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/** Secrets masked by their shape, under innocent keys and in free text, and look-alikes that stay. */
class RedactionShapesTest {

    // Samples are AWS's and jwt.io's documented examples or made up. Tokens are assembled at run
    // time so that no secret scanner mistakes this file for a leak.
    private static final String SHA256_HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SHA1_HEX = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3";
    private static final String COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b";
    private static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String TEMPORARY_KEY_ID = "ASIA" + "EXAMPLEEXAMPLE12";
    private static final String SECRET_KEY = TestSecrets.AWS_EXAMPLE_SECRET_ACCESS_KEY;
    private static final String SESSION_TOKEN = TestSecrets.AWS_EXAMPLE_SESSION_TOKEN;
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
            + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
            + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    private static final String TOKEN_BODY = "16C7e42F292c6912E7710c838347Ae178B4a";
    private static final String PAT_BODY = "11AEXAMPLE0abcdefghij_KLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    private static final String SIGV4_SIGNATURE = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";
    private static final String MEDIA = "https://offstage-media.s3.eu-west-1.amazonaws.com/posts/42/cover.jpg";

    private final CapturedLog log = new CapturedLog();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    /** Shape, text as logged, the same text as it must reach the line, one secret it must not show. */
    static Stream<Arguments> secrets() {
        return Stream.of(
            Arguments.of("presigned SigV4 URL",
                MEDIA + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + TEMPORARY_KEY_ID
                    + "%2F20260301%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260301T093000Z&X-Amz-Expires=900"
                    + "&X-Amz-Security-Token=IQoJb3JpZ2luX2Vj%2F%2F%2FwEaCXVzLWVhc3QtMSJGMEQC%3D"
                    + "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + SIGV4_SIGNATURE,
                MEDIA + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[REDACTED]&X-Amz-Date=20260301T093000Z"
                    + "&X-Amz-Expires=900&X-Amz-Security-Token=[REDACTED]&X-Amz-SignedHeaders=host"
                    + "&X-Amz-Signature=[REDACTED]",
                SIGV4_SIGNATURE),
            Arguments.of("presigned SigV2 URL",
                MEDIA + "?AWSAccessKeyId=" + ACCESS_KEY_ID + "&Expires=1772361000&Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D",
                MEDIA + "?AWSAccessKeyId=[REDACTED]&Expires=1772361000&Signature=[REDACTED]",
                "vjbyPxybdZaNmGa"),
            Arguments.of("SigV4 Authorization header",
                "Authorization: AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY_ID + "/20260301/eu-west-1/s3/aws4_request, "
                    + "SignedHeaders=host;range;x-amz-date, Signature=" + SIGV4_SIGNATURE,
                "Authorization: AWS4-HMAC-SHA256 Credential=[REDACTED], SignedHeaders=host;range;x-amz-date, Signature=[REDACTED]",
                SIGV4_SIGNATURE),
            Arguments.of("Bearer Authorization header",
                "Authorization: Bearer opaque-access-token-4f2a9c",
                "Authorization: Bearer [REDACTED]",
                "opaque-access-token"),
            Arguments.of("Basic Authorization header, quoted",
                "{'Authorization': 'Basic dXNlcjpwYXNzd29yZA=='}",
                "{'Authorization': 'Basic [REDACTED]'}",
                "dXNlcjpwYXNzd29yZA"),
            Arguments.of("GitHub's token Authorization header",
                "authorization: token 0123456789abcdef0123456789abcdef01234567",
                "authorization: token [REDACTED]",
                "0123456789abcdef0123456789abcdef01234567"),
            Arguments.of("bearer token without its header",
                "retrying with Bearer ya29.a0AfH6SMBx-example_token after 401",
                "retrying with Bearer [REDACTED] after 401",
                "ya29.a0AfH6SMBx"),
            Arguments.of("X-Hub-Signature-256",
                "X-Hub-Signature-256: sha256=" + SHA256_HEX,
                "X-Hub-Signature-256: sha256=[REDACTED]",
                SHA256_HEX),
            Arguments.of("X-Hub-Signature",
                "X-Hub-Signature: sha1=" + SHA1_HEX,
                "X-Hub-Signature: sha1=[REDACTED]",
                SHA1_HEX),
            Arguments.of("Map.toString() of webhook headers",
                "{x-github-event=push, x-hub-signature=sha1=" + SHA1_HEX + ", x-hub-signature-256=sha256=" + SHA256_HEX
                    + ", authorization=Bearer abc123, content-type=application/json}",
                "{x-github-event=push, x-hub-signature=sha1=[REDACTED], x-hub-signature-256=sha256=[REDACTED]"
                    + ", authorization=Bearer [REDACTED], content-type=application/json}",
                SHA256_HEX),
            Arguments.of("toString() of a Map<String, List<String>> of headers",
                "{authorization=[token 0123456789abcdef0123456789abcdef01234567], x-amz-security-token=[" + SESSION_TOKEN
                    + "], x-hub-signature-256=[sha256=" + SHA256_HEX + "]}",
                "{authorization=[token [REDACTED]], x-amz-security-token=[[REDACTED]], x-hub-signature-256=[sha256=[REDACTED]]}",
                "0123456789abcdef0123456789abcdef01234567"),
            Arguments.of("classic personal access token",
                "GH_TOKEN=" + "ghp_" + TOKEN_BODY,
                "GH_TOKEN=[REDACTED]",
                TOKEN_BODY),
            Arguments.of("OAuth token", "got gho_" + TOKEN_BODY + ".", "got [REDACTED].", TOKEN_BODY),
            Arguments.of("user-to-server token", "ghu_" + TOKEN_BODY, "[REDACTED]", TOKEN_BODY),
            Arguments.of("installation token",
                "installation token ghs_" + TOKEN_BODY + " expires at 2026-03-01T10:30:00Z",
                "installation token [REDACTED] expires at 2026-03-01T10:30:00Z",
                TOKEN_BODY),
            Arguments.of("refresh token", "(ghr_" + TOKEN_BODY + ")", "([REDACTED])", TOKEN_BODY),
            Arguments.of("fine-grained personal access token",
                "token=github_pat_" + PAT_BODY,
                "token=[REDACTED]",
                PAT_BODY),
            Arguments.of("JWT",
                "id_token=" + JWT + "; expires in 3600 s",
                "id_token=[REDACTED]; expires in 3600 s",
                "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"),
            Arguments.of("JWT in an Authorization header",
                "Authorization: Bearer " + JWT,
                "Authorization: Bearer [REDACTED]",
                "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"),
            Arguments.of("long-term AWS access key id",
                "signing as " + ACCESS_KEY_ID + "/20260301",
                "signing as [REDACTED]/20260301",
                ACCESS_KEY_ID),
            Arguments.of("labelled AWS secret key",
                "aws_access_key_id=" + ACCESS_KEY_ID + " aws_secret_access_key=" + SECRET_KEY,
                "aws_access_key_id=[REDACTED] aws_secret_access_key=[REDACTED]",
                "bPxRfiCYEXAMPLEKEY"),
            Arguments.of("labelled session token",
                "AWS_SESSION_TOKEN = " + SESSION_TOKEN,
                "AWS_SESSION_TOKEN = [REDACTED]",
                "wEaCXVzLWVhc3QtMSJGMEQCIEXAMPLE"),
            Arguments.of("STS credentials as JSON",
                "{\"AccessKeyId\": \"" + TEMPORARY_KEY_ID + "\", \"SecretAccessKey\": \"" + SECRET_KEY
                    + "\", \"SessionToken\": \"" + SESSION_TOKEN + "\", \"Expiration\": \"2026-03-01T10:30:00Z\"}",
                "{\"AccessKeyId\": \"[REDACTED]\", \"SecretAccessKey\": \"[REDACTED]\", \"SessionToken\": \"[REDACTED]\""
                    + ", \"Expiration\": \"2026-03-01T10:30:00Z\"}",
                "bPxRfiCYEXAMPLEKEY"),
            Arguments.of("X-Amz-Security-Token header",
                "X-Amz-Security-Token: " + SESSION_TOKEN,
                "X-Amz-Security-Token: [REDACTED]",
                "wEaCXVzLWVhc3QtMSJGMEQCIEXAMPLE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void secretIsMaskedByItsShapeWhereverItReachesALine(String shape, String text, String masked, String secret) {
        MDC.put("note", text);

        log.logger().atError()
                .addKeyValue("detail", text)
                .setCause(new IllegalStateException(text, new RuntimeException("caused by " + text)))
                .log("saw {}", text);

        var line = log.line();
        assertThat(line.get("message").asText()).isEqualTo("saw " + masked);
        assertThat(line.get("note").asText()).isEqualTo(masked);
        assertThat(line.get("detail").asText()).isEqualTo(masked);
        assertThat(line.get("error_message").asText()).isEqualTo(masked);
        assertThat(line.get("stack_trace").asText())
                .startsWith("java.lang.IllegalStateException: " + masked)
                .contains("Caused by: java.lang.RuntimeException: caused by " + masked);
        assertThat(log.raw()).doesNotContain(secret);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void secretIsMaskedByItsShapeInTextLinesToo(String shape, String text, String masked, String secret) {
        var textLog = new CapturedLog(new LoggingConfig(LoggingConfig.Format.TEXT, Level.INFO, null, null));
        MDC.put("note", text);

        textLog.logger().atWarn().addKeyValue("detail", text).log("saw {}", text, new IllegalStateException(text));

        assertThat(textLog.raw()).contains(" - saw " + masked + " ").doesNotContain(secret);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void maskingTwiceChangesNothing(String shape, String text, String masked, String secret) {
        assertThat(Redaction.mask(masked)).isEqualTo(masked);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "deployed commit " + COMMIT + " to production",
        "head_sha=" + COMMIT + " sha=" + COMMIT + " sha1 " + COMMIT,
        "image sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "request 8f14e45f-ceea-467f-a8f4-0b2b0d3b1b47 done",
        "X-Amzn-Trace-Id: Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=1",
        "at 2026-03-01T09:30:00.042Z, etag \"d41d8cd98f00b204e9800998ecf8427e\"",
        MEDIA + "?versionId=3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY&X-Amz-Date=20260301T093000Z&X-Amz-SignedHeaders=host",
        "signature verified for delivery 72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "dev.offstage.github.SignatureVerifier rejected the delivery",
        "authorization failed for user 42",
        "token expired; refreshing; missing bearer token; the bearer of bad news",
        "Basic plan, 3 seats; credentials loaded from the environment",
        "timezone Asia/Tokyo; ASIAN MARKETS; key id AKIA1234",
        "ghp_short and github_pat alone",
        "eyJ is how base64 JSON starts; eyJhbGciOiJIUzI1NiJ9 alone is a header",
        "arn:aws:iam::123456789012:role/offstage-builds in eu-west-1",
        "user=42 build_id=b-17 duration_ms=120 session=7",
    })
    void lookAlikesStay(String text) {
        MDC.put("note", text);

        log.logger().atError().addKeyValue("detail", text).setCause(new IllegalStateException(text)).log(text);

        var line = log.line();
        assertThat(line.get("message").asText()).isEqualTo(text);
        assertThat(line.get("note").asText()).isEqualTo(text);
        assertThat(line.get("detail").asText()).isEqualTo(text);
        assertThat(line.get("error_message").asText()).isEqualTo(text);
        assertThat(log.raw()).doesNotContain(Redaction.MASK);
    }

    /**
     * Masking runs on every string of every line, so the design keeps the common case regex-free:
     * a text without an anchor costs one pass over its characters. This checks that typical lines
     * never get as far as a regex. No timing assertion: the machines are noisy, and speed is a
     * benchmark matter.
     */
    @Test
    void ordinaryLinesNeverRunARegex() {
        int reachedARegex = 0;
        String example = null;
        for (int i = 0; i < 100_000; i++) {
            var line = "processed message " + UUID.randomUUID() + " for post " + i + " in " + (i % 97) + " ms"
                    + " at " + Instant.ofEpochMilli(CapturedLog.NOW + i * 1_000L)
                    + " commit " + Long.toHexString(i * 0x9E3779B97F4A7C15L) + " base " + COMMIT
                    + " key=posts/" + i + "/cover.jpg url=" + MEDIA + "?versionId=" + i
                    + " status=200 user_agent=\"GitHub-Hookshot/abc123\"";
            if (SecretShapes.shapesToTry(line) != 0 || SecretShapes.mask(line) != line) {
                reachedARegex++;
                example = line;
            }
        }
        assertThat(reachedARegex).as("lines that reached a regex, e.g. %s", example).isZero();
    }
}
