package dev.offstage.ci.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.offstage.ci.github.GitHubCredentials.Anonymous;
import dev.offstage.ci.github.GitHubCredentials.App;
import dev.offstage.ci.github.GitHubCredentials.Token;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.TestSecrets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubCredentialsTest {

    private static final String SECRET = TestSecrets.GITHUB_CREDENTIALS_TOKEN;
    private static final AppKeys KEYS = AppKeys.generate();

    @Test
    void plainStringIsAToken() {
        assertThat(GitHubCredentials.parse(SECRET + "\n")).isEqualTo(new Token(SECRET));
    }

    @Test
    void jsonTokenIsAToken() {
        assertThat(GitHubCredentials.parse("{\"token\": \"" + SECRET + "\"}")).isEqualTo(new Token(SECRET));
    }

    @Test
    void placeholderSecretMeansAnonymous() {
        assertThat(GitHubCredentials.parse("{\"token\": \"\"}")).isInstanceOf(Anonymous.class);
        assertThat(GitHubCredentials.parse("  ")).isInstanceOf(Anonymous.class);
    }

    @Test
    void appWithNumericIdAndPkcs1Key() {
        var credentials = GitHubCredentials.parse(Json.write(Map.of("appId", 123, "privateKey", KEYS.pkcs1Pem())));

        assertThat(credentials).isInstanceOfSatisfying(App.class, app -> {
            assertThat(app.appId()).isEqualTo(123);
            assertThat(app.privateKey().getEncoded()).isEqualTo(KEYS.pair.getPrivate().getEncoded());
        });
    }

    @Test
    void appWithStringIdAndPkcs8Key() {
        var credentials = GitHubCredentials.parse(Json.write(Map.of("appId", "456", "privateKey", KEYS.pkcs8Pem())));

        assertThat(credentials).isInstanceOfSatisfying(App.class, app -> {
            assertThat(app.appId()).isEqualTo(456);
            assertThat(app.privateKey().getEncoded()).isEqualTo(KEYS.pair.getPrivate().getEncoded());
        });
    }

    @Test
    void keyWithLiteralBackslashNLineBreaksIsRead() {
        var flattened = KEYS.pkcs1Pem().replace("\n", "\\n");

        var credentials = GitHubCredentials.parse(Json.write(Map.of("appId", 7, "privateKey", flattened)));

        assertThat(((App) credentials).privateKey().getEncoded()).isEqualTo(KEYS.pair.getPrivate().getEncoded());
    }

    @Test
    void toStringNeverShowsTheSecret() {
        var token = GitHubCredentials.token(SECRET);
        var app = GitHubCredentials.app(123, KEYS.pkcs8Pem());

        assertThat(token.toString()).doesNotContain(SECRET).contains("****");
        assertThat(app.toString()).contains("123").doesNotContain("MII").contains("****");
        assertThat(GitHubCredentials.anonymous().toString()).isEqualTo("GitHubCredentials.Anonymous");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"token\": \"" + SECRET + "\"",                            // truncated JSON
        "{" + SECRET + "}",                                          // not JSON at all, but looks like it
        "{\"token\": \"" + SECRET + "\", \"appId\": 1}",               // both shapes
        "{\"tokn\": \"" + SECRET + "\"}",                            // misspelt
        "{\"token\": [\"" + SECRET + "\"]}",                         // wrong type
        "{\"appId\": \"" + SECRET + "\", \"privateKey\": \"x\"}",     // id is no number
        "{\"appId\": 1, \"privateKey\": \"" + SECRET + "\"}",         // key is no PEM
        "{\"appId\": 1, \"privateKey\": \"-----BEGIN PRIVATE KEY-----\\n" + SECRET + "!!\\n-----END PRIVATE KEY-----\"}",
        "{\"appId\": 1, \"privateKey\": \"-----BEGIN PRIVATE KEY-----\\nAAAA" + SECRET + "\\n-----END PRIVATE KEY-----\"}",
        SECRET + " " + SECRET,                                       // token with a space
    })
    void badShapesAreRejectedWithoutRepeatingTheSecret(String secretValue) {
        assertThatIllegalArgumentException().isThrownBy(() -> GitHubCredentials.parse(secretValue))
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain(SECRET.substring(4, 20));
                    assertThat(e.getCause()).isNull();
                });
    }

    @Test
    void unsupportedPemTypeIsNamed() {
        var ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----";

        assertThatIllegalArgumentException()
                .isThrownBy(() -> GitHubCredentials.parse(Json.write(Map.of("appId", 1, "privateKey", ec))))
                .withMessageContaining("EC PRIVATE KEY").withMessageNotContaining("MHcCAQEE");
    }

    @Test
    void pkcs1WrappingMatchesTheJdksPkcs8Encoding() {
        byte[] pkcs8 = KEYS.pair.getPrivate().getEncoded();

        assertThat(RsaPrivateKeyPem.pkcs8(AppKeys.pkcs1(pkcs8))).isEqualTo(pkcs8);
    }
}
