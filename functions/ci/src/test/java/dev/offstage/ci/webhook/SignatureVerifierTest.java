package dev.offstage.ci.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.TestSecrets;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignatureVerifierTest {

    // GitHub's documented test vector ("Validating webhook deliveries").
    private static final String GITHUB_SECRET = TestSecrets.GITHUB_EXAMPLE_WEBHOOK_SECRET;
    private static final byte[] GITHUB_PAYLOAD = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private final SignatureVerifier verifier = new SignatureVerifier(GITHUB_SECRET);

    @Test
    void githubsTestVectorVerifies() {
        assertThat(verifier.verify(GITHUB_PAYLOAD, GITHUB_SIGNATURE)).isTrue();
        assertThat(verifier.sign(GITHUB_PAYLOAD)).isEqualTo(GITHUB_SIGNATURE);
    }

    @Test
    void upperCaseHexVerifiesToo() {
        assertThat(verifier.verify(GITHUB_PAYLOAD, "sha256=" + GITHUB_SIGNATURE.substring(7).toUpperCase())).isTrue();
    }

    @Test
    void oneChangedBodyByteFails() {
        var tampered = GITHUB_PAYLOAD.clone();
        tampered[0] ^= 1;

        assertThat(verifier.verify(tampered, GITHUB_SIGNATURE)).isFalse();
    }

    @Test
    void otherSecretFails() {
        assertThat(new SignatureVerifier("It's a secret to everybody").verify(GITHUB_PAYLOAD, GITHUB_SIGNATURE)).isFalse();
    }

    @Test
    void missingOrMalformedHeadersFail() {
        var hex = GITHUB_SIGNATURE.substring(7);
        assertThat(verifier.verify(GITHUB_PAYLOAD, null)).isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, "")).isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, hex)).as("no prefix").isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, "sha1=" + hex)).as("SHA-1 prefix").isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, "sha256=" + hex.substring(2))).as("short").isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, GITHUB_SIGNATURE + "00")).as("long").isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, "sha256=" + "zz" + hex.substring(2))).as("not hex").isFalse();
        assertThat(verifier.verify(GITHUB_PAYLOAD, "sha256=" + "x".repeat(100_000))).as("huge").isFalse();
    }

    @Test
    void emptyBodyHasASignatureLikeAnyOther() {
        var signature = verifier.sign(new byte[0]);

        assertThat(verifier.verify(new byte[0], signature)).isTrue();
        assertThat(verifier.verify(new byte[] {0}, signature)).isFalse();
    }

    @Test
    void emptySecretIsRefused() {
        assertThatThrownBy(() -> new SignatureVerifier("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SignatureVerifier(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secretIsNotInToString() {
        assertThat(verifier.toString()).doesNotContain("Secret");
    }
}
