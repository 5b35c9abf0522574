package dev.offstage.shared.logging;

import java.util.Locale;

/**
 * Keeps secrets out of log lines. Thread-safe.
 *
 * <p>Three rules, applied by the logging backend to every line it writes:
 * <ul>
 *   <li>a field whose <em>key</em> looks secret ({@link #isSecretKey}) has its value replaced by
 *       {@link #MASK}, whatever the value;</li>
 *   <li>every <em>value</em> registered with {@link #register} is replaced by {@link #MASK}
 *       wherever it appears: message, MDC and key-value fields, exception messages, stack traces;</li>
 *   <li>so is, in the same places, every value whose <em>shape</em> gives it away, whoever
 *       loaded it: presigned URL signatures and credentials, {@code Authorization} headers,
 *       GitHub webhook signatures and tokens, JWTs, AWS access key ids and labelled AWS secrets.
 *       What names the value stays readable: {@code X-Amz-Signature=[REDACTED]},
 *       {@code Bearer [REDACTED]}, {@code sha256=[REDACTED]}. Commit ids, UUIDs and timestamps
 *       are not secrets and stay.</li>
 * </ul>
 *
 * <p>The registry is one per JVM on purpose: a secret is loaded in one place (a config loader, a
 * Secrets Manager read) and must be masked in lines written from anywhere, including libraries.
 */
public final class Redaction {

    /** What a secret is replaced by. */
    public static final String MASK = "[REDACTED]";

    /**
     * Key fragments that mark a value as secret, compared against the key lowercased with
     * {@code -}, {@code _}, {@code .} and spaces removed — so {@code X-Hub-Signature-256},
     * {@code x_api_key} and {@code clientSecret} all match. Errs on the side of masking.
     */
    private static final String[] SECRET_KEY_FRAGMENTS = {
        "token", "secret", "password", "passwd", "passphrase", "pwd", "authorization",
        "signature", "apikey", "cookie", "credential", "privatekey", "accesskey", "jwt", "bearer",
    };

    private static final Object LOCK = new Object();
    /** Registered secrets, longest first so that a secret containing another is masked whole. */
    private static volatile String[] secrets = new String[0];

    private Redaction() {}

    /**
     * Masks {@code secret} in every line written from now on, in this JVM. Call it where the
     * secret is loaded, before anything can log it. Idempotent; {@code null} and empty strings are
     * ignored. Short secrets are masked too, even where that masks harmless text: a leak is worse.
     */
    public static void register(String secret) {
        if (secret == null || secret.isEmpty()) {
            return;
        }
        synchronized (LOCK) {
            var current = secrets;
            for (var known : current) {
                if (known.equals(secret)) {
                    return;
                }
            }
            // Insert by hand rather than sort with a comparator: no lambda bootstrap at init.
            int at = 0;
            while (at < current.length && current[at].length() >= secret.length()) {
                at++;
            }
            var grown = new String[current.length + 1];
            System.arraycopy(current, 0, grown, 0, at);
            grown[at] = secret;
            System.arraycopy(current, at, grown, at + 1, current.length - at);
            secrets = grown;
        }
    }

    /**
     * {@code text} with every registered secret, then every secret recognised by its shape,
     * replaced by {@link #MASK}; {@code null} stays null. Cheap for text that holds none: one pass
     * over its characters per registered secret and one for the shapes, no regex.
     */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        var masked = text;
        for (var secret : secrets) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        return SecretShapes.mask(masked);
    }

    /**
     * Whether a field named {@code key} holds a secret: tokens, passwords, signatures, API keys,
     * cookies, credentials, private keys and the like (case and separators ignored).
     */
    public static boolean isSecretKey(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        var normalized = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '-' && c != '_' && c != '.' && c != ' ') {
                normalized.append(c);
            }
        }
        var compact = normalized.toString().toLowerCase(Locale.ROOT);
        for (var fragment : SECRET_KEY_FRAGMENTS) {
            if (compact.contains(fragment)) {
                return true;
            }
        }
        return false;
    }
}
