package dev.offstage.ci.github;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Reads an RSA private key from PEM. GitHub issues App keys as PKCS#1 ({@code RSA PRIVATE KEY}),
 * which the JDK cannot read; it reads PKCS#8, so a PKCS#1 key is wrapped into PKCS#8 here (the
 * PKCS#1 structure is exactly the PKCS#8 payload for an RSA key). Messages never hold key material.
 */
final class RsaPrivateKeyPem {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private RsaPrivateKeyPem() {}

    static PrivateKey read(String pem) {
        if (pem == null) {
            throw new IllegalArgumentException("No GitHub App private key");
        }
        // A key pasted into JSON by hand often keeps its line breaks as the two characters \n.
        var matcher = PEM.matcher(pem.replace("\\n", "\n"));
        if (!matcher.find()) {
            throw new IllegalArgumentException("The GitHub App private key is not PEM (-----BEGIN … PRIVATE KEY-----)");
        }
        String type = matcher.group(1);
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(2).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The GitHub App private key's PEM body is not valid base64");
        }
        byte[] pkcs8 = switch (type) {
            case "RSA PRIVATE KEY" -> pkcs8(der);
            case "PRIVATE KEY" -> der;
            default -> throw new IllegalArgumentException("Unsupported PEM type '" + type
                    + "' for the GitHub App private key: expected RSA PRIVATE KEY (PKCS#1, as GitHub issues it) "
                    + "or PRIVATE KEY (PKCS#8, unencrypted)");
        };
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The GitHub App private key (" + type + ") is not a readable RSA private key");
        }
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
    static byte[] pkcs8(byte[] pkcs1) {
        var body = new ByteArrayOutputStream();
        body.writeBytes(VERSION_0);
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(der(0x04, pkcs1));
        return der(0x30, body.toByteArray());
    }

    /** A DER tag-length-value; lengths of 128 and more take the long form. */
    private static byte[] der(int tag, byte[] value) {
        var out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
                out.write(length >>> shift);
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
