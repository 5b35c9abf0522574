package dev.offstage.shared.logging;

import java.util.regex.Pattern;

/**
 * Secrets recognised by their shape, wherever they appear in a text: signed URL parameters,
 * {@code Authorization} headers, GitHub webhook signatures and tokens, JWTs, AWS access key ids and
 * labelled AWS secrets. Each is replaced by {@link Redaction#MASK}, keeping what names it
 * ({@code X-Amz-Signature=[REDACTED]}, {@code Bearer [REDACTED]}, {@code sha256=[REDACTED]}).
 * Part of {@link Redaction#mask}. Thread-safe.
 *
 * <p>Every line passes through here several times (message, each field, stack trace), so a text
 * that holds no secret must cost one pass over its characters and no regex. Each shape names its
 * anchors, literals that every match contains; the pass looks anchors up by their first two
 * characters, and only the shapes whose anchor it saw run their regex.
 */
final class SecretShapes {

    private static final String MASK = Redaction.MASK;

    /**
     * A masked value runs to the next space, parameter or list separator, quote, bracket or
     * backslash. It never holds a {@code [}, so a {@code [REDACTED]} is never masked again.
     */
    private static final String VALUE_CHAR = "[^\\s&,;\"'<>(){}\\[\\]\\\\]";
    private static final String VALUE = VALUE_CHAR + "+";

    /**
     * Between a label and its value: {@code =}, {@code : }, JSON's {@code ": "}, and the {@code =[}
     * of a {@code Map<String, List<String>>} of headers printed with {@code toString()} (but not
     * the {@code [} of a mask). Never across a line break: the next line of a stack trace is no value.
     */
    private static final String LABEL_SEPARATOR = "[\"']?[ \\t]*[:=][ \\t]*(?:[\"']|\\[(?!REDACTED\\]))?";

    /**
     * In order: labelled values first, so that a value whose label is known is masked whole
     * before the free-standing shapes look inside it. At most 32 shapes: one bit each.
     */
    private static final Shape[] SHAPES = {
        // Presigned S3 URLs, SigV4 (X-Amz-Signature, X-Amz-Credential) and SigV2 (Signature,
        // AWSAccessKeyId), and the Credential= and Signature= of a SigV4 Authorization header.
        // A GitHub signature keeps its sha1=/sha256= prefix: the webhook shape below masks it.
        anyCase("(signature|credential|awsaccesskeyid)=(?!sha(?:1|256)=)" + VALUE, "$1=" + MASK,
                "signature=", "credential=", "awsaccesskeyid="),
        // Labelled AWS secrets: aws_secret_access_key=…, AWS_SESSION_TOKEN=…, "SecretAccessKey": "…",
        // X-Amz-Security-Token=… (a URL parameter) or X-Amz-Security-Token: … (a header).
        anyCase("(secret[-_]?access[-_]?key|session[-_]?token|security[-_]?token)(" + LABEL_SEPARATOR + ")" + VALUE,
                "$1$2" + MASK,
                "secret_access", "secret-access", "secretaccess", "session_token", "session-token", "sessiontoken",
                "security_token", "security-token", "securitytoken"),
        // Authorization (and Proxy-Authorization) headers, keeping the scheme: Bearer, Basic, token
        // (GitHub's), Digest, Negotiate. AWS4-HMAC-SHA256 is left to the signing parameters above,
        // so that its SignedHeaders stay readable. The scheme is possessive (?+): once matched, it is
        // never taken for the value, so "Bearer [REDACTED]" is not masked again.
        anyCase("(authorization" + LABEL_SEPARATOR + ")(?!aws4-hmac-sha256\\b)((?:bearer|basic|token|digest|negotiate)[ \\t]+)?+"
                + VALUE, "$1$2" + MASK, "authorization"),
        // A bearer token without its header, 16 characters or more so that "missing bearer token"
        // stays readable (under an Authorization label, a token of any length is masked).
        anyCase("\\b(bearer[ \\t]+)" + VALUE_CHAR + "{16,}", "$1" + MASK, "bearer"),
        // GitHub webhook signatures (X-Hub-Signature-256, X-Hub-Signature). Hex alone is not a
        // secret: a 40-hex commit id stays, and is masked only after sha1=.
        anyCase("(?<=\\bsha256=)[0-9a-f]{64}(?![0-9a-z])|(?<=\\bsha1=)[0-9a-f]{40}(?![0-9a-z])", MASK,
                "sha256=", "sha1="),
        // GitHub tokens: personal (classic and fine-grained), OAuth, user-to-server, installation, refresh.
        exactCase("(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})", MASK,
                "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        // JWTs: three base64url segments, the first a JSON object ({" is eyJ).
        exactCase("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*", MASK, "eyJ"),
        // AWS access key ids: long-term (AKIA) and temporary (ASIA).
        exactCase("(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])", MASK, "AKIA", "ASIA"),
    };

    /** Anchors by their first two characters, ASCII lowercased: see {@link #bigram}. */
    private static final Anchor[][] ANCHORS = indexAnchors();

    private SecretShapes() {}

    /** {@code text} with every secret shape masked; the same instance when it holds none. */
    static String mask(String text) {
        int shapes = shapesToTry(text);
        if (shapes == 0) {
            return text;
        }
        var patterns = Compiled.PATTERNS;
        var masked = text;
        for (int shape = 0; shape < SHAPES.length; shape++) {
            if ((shapes & (1 << shape)) != 0) {
                masked = patterns[shape].matcher(masked).replaceAll(SHAPES[shape].replacement);
            }
        }
        return masked;
    }

    /**
     * Bit {@code i} is set when {@code text} holds an anchor of shape {@code i}: the only shapes
     * worth a regex. One pass, no allocation; most positions end at a {@code null} table entry.
     */
    static int shapesToTry(String text) {
        int shapes = 0;
        for (int i = 1; i < text.length(); i++) {
            char first = text.charAt(i - 1);
            char second = text.charAt(i);
            if ((first | second) < 128) {
                var anchors = ANCHORS[bigram(first, second)];
                if (anchors != null) {
                    for (var anchor : anchors) {
                        if (text.regionMatches(anchor.ignoreCase, i - 1, anchor.text, 0, anchor.text.length())) {
                            shapes |= 1 << anchor.shape;
                        }
                    }
                }
            }
        }
        return shapes;
    }

    /** An index into {@link #ANCHORS} for two ASCII characters, case ignored. */
    private static int bigram(char first, char second) {
        return lowercase(first) << 7 | lowercase(second);
    }

    private static char lowercase(char ascii) {
        return ascii >= 'A' && ascii <= 'Z' ? (char) (ascii + ('a' - 'A')) : ascii;
    }

    private static Anchor[][] indexAnchors() {
        var index = new Anchor[128 * 128][];
        for (int shape = 0; shape < SHAPES.length; shape++) {
            for (var text : SHAPES[shape].anchors) {
                int at = bigram(text.charAt(0), text.charAt(1));
                var known = index[at] == null ? new Anchor[0] : index[at];
                var grown = new Anchor[known.length + 1];
                System.arraycopy(known, 0, grown, 0, known.length);
                grown[known.length] = new Anchor(text, SHAPES[shape].ignoreCase, shape);
                index[at] = grown;
            }
        }
        return index;
    }

    private static Shape anyCase(String regex, String replacement, String... anchors) {
        return new Shape(regex, true, replacement, anchors);
    }

    private static Shape exactCase(String regex, String replacement, String... anchors) {
        return new Shape(regex, false, replacement, anchors);
    }

    /**
     * One shape of secret. Every match of {@code regex} contains one of {@code anchors} (ASCII, two
     * characters or more), compared ignoring case when the regex is.
     */
    private record Shape(String regex, boolean ignoreCase, String replacement, String[] anchors) {}

    private record Anchor(String text, boolean ignoreCase, int shape) {}

    /**
     * The regexes, compiled on the first text that holds an anchor rather than when logging starts:
     * compiling loads much of {@code java.util.regex}, which a cold start that logs no secret need
     * not pay for.
     */
    private static final class Compiled {
        static final Pattern[] PATTERNS = compile();

        private static Pattern[] compile() {
            var patterns = new Pattern[SHAPES.length];
            for (int shape = 0; shape < SHAPES.length; shape++) {
                patterns[shape] = Pattern.compile(SHAPES[shape].regex, SHAPES[shape].ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
            }
            return patterns;
        }
    }
}
