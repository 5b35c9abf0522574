package dev.offstage.ci.github;

import dev.offstage.testing.TestSecrets;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A GitHub App key pair for tests, with its private key in the two PEM forms GitHub users hold.
 * Both are recorded as test secrets when generated: no log of the test run may show them.
 */
final class AppKeys {

    final KeyPair pair;

    private AppKeys(KeyPair pair) {
        this.pair = pair;
    }

    static AppKeys generate() {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            var keys = new AppKeys(generator.generateKeyPair());
            TestSecrets.record("generated GitHub App private key (PKCS#8 PEM)", keys.pkcs8Pem());
            TestSecrets.record("generated GitHub App private key (PKCS#1 PEM)", keys.pkcs1Pem());
            return keys;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code -----BEGIN PRIVATE KEY-----}: what the JDK writes. */
    String pkcs8Pem() {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** {@code -----BEGIN RSA PRIVATE KEY-----}: what GitHub issues. */
    String pkcs1Pem() {
        return pem("RSA PRIVATE KEY", pkcs1(pair.getPrivate().getEncoded()));
    }

    /**
     * The PKCS#1 key inside a PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER version, SEQUENCE
     * algorithm, OCTET STRING privateKey }. Parsed by hand so the test does not reuse the code under test.
     */
    static byte[] pkcs1(byte[] pkcs8) {
        var der = ByteBuffer.wrap(pkcs8);
        expectTag(der, 0x30);
        length(der);
        expectTag(der, 0x02);
        skip(der, length(der));
        expectTag(der, 0x30);
        skip(der, length(der));
        expectTag(der, 0x04);
        byte[] key = new byte[length(der)];
        der.get(key);
        return key;
    }

    private static void skip(ByteBuffer der, int bytes) {
        der.position(der.position() + bytes);
    }

    private static void expectTag(ByteBuffer der, int tag) {
        int actual = der.get() & 0xff;
        if (actual != tag) {
            throw new AssertionError("DER tag " + actual + " where " + tag + " was expected");
        }
    }

    private static int length(ByteBuffer der) {
        int first = der.get() & 0xff;
        if (first < 0x80) {
            return first;
        }
        int length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der.get() & 0xff);
        }
        return length;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
