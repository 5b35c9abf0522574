package dev.offstage.ci.github;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.security.PrivateKey;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How {@link GitHubClient} authenticates: not at all (public repositories, 60 requests an hour),
 * with a personal access token (fine-grained or classic), or as a GitHub App, whose client trades
 * a signed JWT for an installation access token per installation.
 *
 * <p>Values are immutable and thread-safe. {@code toString()} never shows a token or key, and no
 * exception thrown here repeats the secret.
 */
public sealed interface GitHubCredentials {

    /** No credentials: public repositories only, under GitHub's anonymous rate limit. */
    static GitHubCredentials anonymous() {
        return Anonymous.INSTANCE;
    }

    /**
     * A personal access token ({@code ghp_…}, {@code github_pat_…}) or any other bearer token.
     *
     * @throws IllegalArgumentException when the token is blank or holds anything but visible ASCII
     */
    static GitHubCredentials token(String token) {
        return new Token(token);
    }

    /**
     * A GitHub App: its id and its private key in PEM, either PKCS#1 ({@code BEGIN RSA PRIVATE KEY},
     * what GitHub issues) or PKCS#8 ({@code BEGIN PRIVATE KEY}).
     *
     * @throws IllegalArgumentException when the id is not positive or the key is no RSA private key
     */
    static GitHubCredentials app(long appId, String privateKeyPem) {
        return new App(appId, RsaPrivateKeyPem.read(privateKeyPem));
    }

    /**
     * Reads the credentials secret. Accepted shapes:
     * <ul>
     *   <li>a plain token, e.g. {@code ghp_…};</li>
     *   <li>{@code {"token": "ghp_…"}}, where an empty token means anonymous, so that a freshly
     *       deployed placeholder secret works for public repositories (so does an empty secret);</li>
     *   <li>{@code {"appId": 123, "privateKey": "-----BEGIN RSA PRIVATE KEY-----…"}}, the id as
     *       number or string.</li>
     * </ul>
     *
     * @throws IllegalArgumentException for any other shape; the message names the problem, never the secret
     */
    static GitHubCredentials parse(String secretValue) {
        Objects.requireNonNull(secretValue, "secretValue");
        String text = secretValue.strip();
        if (text.isEmpty()) {
            return anonymous();
        }
        if (!text.startsWith("{")) {
            return token(text);
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending text, which may be the secret: keep only where.
            var location = e.getLocation();
            throw new IllegalArgumentException("The GitHub credentials secret starts with '{' but is not valid JSON"
                    + (location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"));
        }
        boolean hasToken = json.has("token");
        boolean hasApp = json.has("appId") || json.has("privateKey");
        if (hasToken && hasApp) {
            throw new IllegalArgumentException("The GitHub credentials secret holds both a token and an App key: keep one");
        }
        if (hasToken) {
            JsonNode token = json.get("token");
            if (!token.isTextual()) {
                throw new IllegalArgumentException("The GitHub credentials secret's \"token\" must be a string");
            }
            return token.asText().isBlank() ? anonymous() : token(token.asText().strip());
        }
        if (hasApp) {
            JsonNode key = json.path("privateKey");
            if (!key.isTextual() || key.asText().isBlank()) {
                throw new IllegalArgumentException("The GitHub credentials secret's \"privateKey\" must be the App's PEM private key");
            }
            return app(appId(json.path("appId")), key.asText());
        }
        throw new IllegalArgumentException("The GitHub credentials secret must be a token, {\"token\": \"…\"} "
                + "or {\"appId\": 123, \"privateKey\": \"-----BEGIN RSA PRIVATE KEY-----…\"}");
    }

    private static long appId(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.asLong();
        }
        if (node.isTextual() && node.asText().strip().matches("[0-9]{1,18}")) {
            return Long.parseLong(node.asText().strip());
        }
        throw new IllegalArgumentException("The GitHub credentials secret's \"appId\" must be the App's numeric id");
    }

    /** No credentials. */
    record Anonymous() implements GitHubCredentials {
        static final Anonymous INSTANCE = new Anonymous();

        @Override
        public String toString() {
            return "GitHubCredentials.Anonymous";
        }
    }

    /** A bearer token sent as it is. */
    record Token(String value) implements GitHubCredentials {
        /** What an HTTP header value can hold without being split or rejected: no spaces, no line breaks. */
        private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");

        public Token {
            Objects.requireNonNull(value, "token");
            if (!VISIBLE_ASCII.matcher(value).matches()) {
                throw new IllegalArgumentException("A GitHub token must be non-empty visible ASCII, without spaces or line breaks");
            }
        }

        @Override
        public String toString() {
            return "GitHubCredentials.Token[****]";
        }
    }

    /** A GitHub App: its id (the JWT's issuer) and the RSA key that signs its JWTs. */
    record App(long appId, PrivateKey privateKey) implements GitHubCredentials {
        public App {
            Objects.requireNonNull(privateKey, "privateKey");
            if (appId <= 0) {
                throw new IllegalArgumentException("A GitHub App id is a positive number, got " + appId);
            }
            if (!"RSA".equals(privateKey.getAlgorithm())) {
                throw new IllegalArgumentException("A GitHub App key is an RSA key, got " + privateKey.getAlgorithm());
            }
        }

        @Override
        public String toString() {
            return "GitHubCredentials.App[appId=" + appId + ", privateKey=****]";
        }
    }
}
