package dev.offstage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Every secret value the tests configure, in one place, so that {@link SecretLeakScan} can look for
 * them in everything the test run logged. A test that configures a secret takes it from here; a
 * test that generates one (a key pair, a random token) hands it to {@link #record} right away.
 *
 * <p>Values the tests do not own are listed too, with where they come from: the local runtime's
 * generated values, the test templates' values, the emulators' credentials.
 */
public final class TestSecrets {

    /** A configured secret: a name for reports (never the value) and the value. */
    public record Secret(String name, String value) {

        public Secret {
            if (value.length() < 6) {
                // Shorter values turn up by chance in unrelated text: the scan would cry wolf.
                throw new IllegalArgumentException(name + " is too short to look for in logs (" + value.length() + " characters)");
            }
        }

        /** The value as a report may show it: its first two characters and its length. */
        public String masked() {
            return value.substring(0, 2) + "… (" + value.length() + " characters)";
        }

        @Override
        public String toString() {
            return name + " " + masked();
        }
    }

    /**
     * The local runtime's value for the template's {@code GitHubWebhookSecret}
     * ({@code GenerateSecretString} becomes {@code local-<kebab-case-id>}); {@code events/} are signed with it.
     */
    public static final String LOCAL_WEBHOOK_SECRET = "local-github-webhook-secret";
    /** The secret of GitHub's documented webhook signature example. */
    public static final String GITHUB_EXAMPLE_WEBHOOK_SECRET = "It's a Secret to Everybody";
    /** A GitHub token the GitHub client tests authenticate with. */
    public static final String GITHUB_TOKEN = "ghp_testTokenValue0123456789abcdefABCD";
    /** A GitHub token stored as the GitHub credentials secret. */
    public static final String GITHUB_CREDENTIALS_TOKEN = "ghp_s3cr3tT0kenValue0123456789abcdefXYZ";
    /** The value of the one variable in the trusted builds' {@link #BUILD_SECRETS}. */
    public static final String DEPLOY_TOKEN = "deploy-secret-value";
    /** The {@code BuildSecrets} secret's value: the environment of trusted builds. */
    public static final String BUILD_SECRETS = "{\"DEPLOY_TOKEN\": \"" + DEPLOY_TOKEN + "\"}";
    /** A secret value given to the local runtime with {@code --secret}. */
    public static final String LOCAL_SECRET_OPTION = "given with --secret";
    /** A {@code --secret} value with {@code =} in it, which the option parser must keep whole. */
    public static final String SECRET_OPTION_WITH_EQUALS = "s3cr3t=with=equals";
    /** A {@code --secret} value that a malformed option must not echo. */
    public static final String MALFORMED_SECRET_OPTION = "hunter2";
    /** The secret access key of the emulators' credentials (access key id {@code offstage}). */
    public static final String EMULATOR_SECRET_ACCESS_KEY = "offstage-secret";
    /** AWS's documented example secret access key. */
    public static final String AWS_EXAMPLE_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    /** An AWS example session token. */
    public static final String AWS_EXAMPLE_SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJGMEQCIEXAMPLE=";

    /**
     * Where {@link #record} writes, one folder per module: the root POM points Surefire's
     * {@code offstage.testSecretsDirectory} at {@code target/test-secrets}.
     */
    static final String DIRECTORY_PROPERTY = "offstage.testSecretsDirectory";
    private static final String RECORD_SUFFIX = ".secrets";

    private TestSecrets() {}

    /** The secrets known before any test runs: the constants above and the values of test resources. */
    public static List<Secret> configured() {
        return List.of(
                new Secret("local GitHub webhook secret", LOCAL_WEBHOOK_SECRET),
                new Secret("GitHub's example webhook secret", GITHUB_EXAMPLE_WEBHOOK_SECRET),
                new Secret("GitHub token", GITHUB_TOKEN),
                new Secret("GitHub credentials token", GITHUB_CREDENTIALS_TOKEN),
                new Secret("build secret DEPLOY_TOKEN", DEPLOY_TOKEN),
                new Secret("--secret value", LOCAL_SECRET_OPTION),
                new Secret("--secret value with =", SECRET_OPTION_WITH_EQUALS),
                new Secret("malformed --secret value", MALFORMED_SECRET_OPTION),
                new Secret("emulator secret access key", EMULATOR_SECRET_ACCESS_KEY),
                new Secret("AWS example secret access key", AWS_EXAMPLE_SECRET_ACCESS_KEY),
                new Secret("AWS example session token", AWS_EXAMPLE_SESSION_TOKEN),
                // local/src/test/resources/templates/e2e.yaml: ApiTokenSecret's SecretString, and the
                // local runtime's generated key of the AppCredentials secret.
                new Secret("test template's API token", "default-token-value"),
                new Secret("local generated app credentials", "local-app-credentials"));
    }

    /**
     * Remembers a secret a test generated (a key pair, a random token) for the scan at the end of
     * the build: appends it to a file of this JVM under {@code target/test-secrets} of the module.
     * Call it before the secret is used. Thread-safe.
     */
    public static synchronized void record(String name, String value) {
        var secret = new Secret(name, value);
        var directory = Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/test-secrets"));
        var line = Base64.getEncoder().encodeToString(secret.name().getBytes(StandardCharsets.UTF_8)) + " "
                + Base64.getEncoder().encodeToString(secret.value().getBytes(StandardCharsets.UTF_8)) + "\n";
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(ProcessHandle.current().pid() + RECORD_SUFFIX), line,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a generated test secret in " + directory, e);
        }
    }

    /** The secrets {@link #record}ed into {@code directory}; none when it does not exist. */
    public static List<Secret> recorded(Path directory) {
        var secrets = new ArrayList<Secret>();
        if (!Files.isDirectory(directory)) {
            return secrets;
        }
        try (var files = Files.list(directory)) {
            for (var file : files.filter(path -> path.getFileName().toString().endsWith(RECORD_SUFFIX)).sorted().toList()) {
                for (var line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    var parts = line.split(" ");
                    if (parts.length == 2) {
                        secrets.add(new Secret(decode(parts[0]), decode(parts[1])));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the test secrets recorded in " + directory, e);
        }
        return secrets;
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
