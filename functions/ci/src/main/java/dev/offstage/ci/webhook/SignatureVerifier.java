package dev.offstage.ci.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks GitHub's {@code X-Hub-Signature-256} header: {@code sha256=} and the hex HMAC-SHA256 of the
 * raw body bytes, keyed with the webhook secret.
 *
 * <p>The comparison takes the same time wherever the first wrong byte is ({@link MessageDigest#isEqual}),
 * so an attacker cannot find a valid signature byte by byte. SHA-1 ({@code X-Hub-Signature}) is
 * not accepted. Thread-safe; the secret never leaves this object ({@link #toString()} hides it).
 */
public final class SignatureVerifier {

    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";
    private static final int SIGNATURE_BYTES = 32;

    private final SecretKeySpec key;

    /** @throws IllegalArgumentException when the secret is empty (every signature would be forgeable) */
    public SignatureVerifier(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("The webhook secret is empty");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** Whether {@code header} is the signature of {@code body}; false for a missing or malformed header. */
    public boolean verify(byte[] body, String header) {
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                || header.length() != PREFIX.length() + SIGNATURE_BYTES * 2) {
            return false;
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(header, PREFIX.length(), header.length());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(body), claimed);
    }

    /** The header GitHub would send for {@code body}: {@code sha256=<hex>}. */
    public String sign(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(mac(body));
    }

    private byte[] mac(byte[] body) {
        try {
            // A Mac is not thread-safe and cheap to create; the key is shared.
            var mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "SignatureVerifier[secret=***]";
    }
}
