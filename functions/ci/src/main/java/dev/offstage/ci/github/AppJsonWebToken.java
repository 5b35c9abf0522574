package dev.offstage.ci.github;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * The JWT a GitHub App signs to ask for installation access tokens: RS256, issued a minute in the
 * past (GitHub's advice against clock drift) and valid for nine minutes (GitHub's limit is ten).
 */
final class AppJsonWebToken {

    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(9);

    private static final String HEADER = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private AppJsonWebToken() {}

    static String sign(long appId, PrivateKey key, Instant now) {
        String claims = "{\"iat\":" + now.minus(BACKDATE).getEpochSecond()
                + ",\"exp\":" + now.plus(LIFETIME).getEpochSecond()
                + ",\"iss\":\"" + appId + "\"}";
        String signingInput = encode(HEADER) + "." + encode(claims);
        try {
            var signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot sign the GitHub App JWT with the App's RSA key", e);
        }
    }

    private static String encode(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
