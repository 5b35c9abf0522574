package dev.offstage.ci;

import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildQueue;
import dev.offstage.ci.build.BuildStore;
import dev.offstage.ci.github.GitHubClient;
import dev.offstage.ci.github.GitHubCredentials;
import dev.offstage.ci.pages.BuildPages;
import dev.offstage.ci.runner.ArtifactCollector;
import dev.offstage.ci.runner.BuildRunner;
import dev.offstage.ci.runner.BuildShell;
import dev.offstage.ci.runner.TarballExtractor;
import dev.offstage.ci.webhook.WebhookEvents;
import dev.offstage.ci.webhook.WebhookIntake;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.idempotency.Idempotency;
import dev.offstage.shared.idempotency.IdempotencyConfig;
import dev.offstage.shared.secrets.Secrets;
import dev.offstage.shared.secrets.SecretsConfig;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds each CI function's logic from an environment: the one place where clients, stores and
 * secrets are put together. Handlers call it once, in a static initialiser (once per execution
 * environment); tests call it with the emulators' environment.
 *
 * <p>Secrets are read here, at init, through Secrets Manager — in AWS and under the local runtime
 * alike — and cached by {@link Secrets}; they never pass through an environment variable.
 */
public final class CiSetup {

    /** Variables of the function's environment that builds get; nothing else of it (its AWS credentials!) reaches them. */
    private static final String[] PASSED_TO_BUILDS = {"PATH", "LANG", "JAVA_HOME", "TZ"};

    static final String INITIALIZATION_TYPE = "AWS_LAMBDA_INITIALIZATION_TYPE";
    static final String SNAPSHOT_INIT = "snap-start";

    private final Environment environment;
    private final CiConfig config;
    private final AwsClients aws;
    private Secrets secrets;
    private final Clock clock;

    public CiSetup(Environment environment, AwsClients aws, Clock clock) {
        this.environment = environment;
        this.config = new CiConfig(environment);
        this.aws = aws;
        this.clock = clock;
    }

    /** For handlers: the process environment and the toolkit's clients. */
    public static CiSetup fromEnvironment() {
        return new CiSetup(Environment.system(), AwsClients.fromEnvironment(), Clock.systemUTC());
    }

    /**
     * The webhook intake. Reads the webhook secret now, so a missing secret fails the init —
     * except in a SnapStart snapshot's init (at publish time): a failed read there would fail the
     * deployment, and a secret read then would be kept in every restored snapshot. There the
     * first webhook reads it.
     */
    public WebhookIntake webhookIntake() {
        var secretId = config.webhookSecretId();
        if (!snapshotInit()) {
            secrets().get(secretId);
        }
        var rules = new WebhookEvents.Rules(config.buildTags(), config.buildForks(), config.allowedRepositories());
        return new WebhookIntake(() -> secrets().get(secretId), new WebhookEvents(rules), buildStore(),
                new BuildQueue(aws.sqs(), config.buildsQueueUrl()), webhookIdempotency(), config.webhookMaxBytes(),
                config.pagesUrl(), clock);
    }

    /**
     * How long a delivery being handled holds its id against a redelivery: no longer than the
     * HTTP API waits for the function ({@value #WEBHOOK_HOLD_SECONDS} s, also its Timeout). A
     * webhook invocation that died mid-delivery (killed, out of memory) leaves its claim behind;
     * with the toolkit's default (15 minutes, for calls that know no deadline) every redelivery
     * meanwhile would be answered 409 and the build, maybe never queued, would wait that long.
     */
    static final int WEBHOOK_HOLD_SECONDS = 30;

    Idempotency webhookIdempotency() {
        var idempotency = IdempotencyConfig.from(environment);
        var hold = Duration.ofSeconds(WEBHOOK_HOLD_SECONDS);
        return new Idempotency(aws.dynamoDb(), idempotency.inProgressTimeout().compareTo(hold) > 0
                ? idempotency.withInProgressTimeout(hold) : idempotency, clock);
    }

    /** The build runner; reads the GitHub credentials (and build secrets, if configured) now. */
    public BuildRunner buildRunner() {
        var credentials = GitHubCredentials.parse(secrets().get(config.githubCredentialsId()));
        var github = new GitHubClient(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                config.githubApiUrl(), credentials, clock);
        var buildSecretsId = config.buildSecretsId();
        buildSecretsId.ifPresent(this::buildSecrets);
        var settings = new BuildRunner.Settings(Path.of(environment.get("TMPDIR", "/tmp")).resolve("offstage-builds"),
                config.safetyMargin(), config.tarballMaxBytes(), passedToBuilds());
        return new BuildRunner(buildStore(), buildFiles(), github, idempotency(),
                () -> buildSecretsId.map(this::buildSecrets).orElse(Map.of()),
                new TarballExtractor(config.extractionLimits()), new BuildShell(clock),
                new ArtifactCollector(ArtifactCollector.Limits.defaults()),
                settings, clock);
    }

    /** Whether this init is the one Lambda snapshots for SnapStart (AWS_LAMBDA_INITIALIZATION_TYPE). */
    private boolean snapshotInit() {
        return SNAPSHOT_INIT.equals(environment.get(INITIALIZATION_TYPE, ""));
    }

    Environment environment() {
        return environment;
    }

    CiConfig config() {
        return config;
    }

    AwsClients aws() {
        return aws;
    }

    /** The build pages. */
    public BuildPages buildPages() {
        return new BuildPages(buildStore(), buildFiles());
    }

    /** Built on first use: the build pages read no secret, so their function never builds a Secrets Manager client. */
    private synchronized Secrets secrets() {
        if (secrets == null) {
            secrets = new Secrets(aws.secretsManager(), SecretsConfig.from(environment), clock);
        }
        return secrets;
    }

    BuildStore buildStore() {
        return new BuildStore(aws.dynamoDb(), config.buildsTable(), config.retention());
    }

    private BuildFiles buildFiles() {
        return new BuildFiles(aws.s3(), aws.s3Presigner(), config.artifactsBucket());
    }

    private Idempotency idempotency() {
        return new Idempotency(aws.dynamoDb(), IdempotencyConfig.from(environment), clock);
    }

    /**
     * The build secrets as environment variables; read at init too, so that a malformed secret
     * fails the function's start (naming the variable, never the value) instead of every build.
     */
    private Map<String, String> buildSecrets(String secretId) {
        var json = secrets().getJson(secretId);
        if (!json.isObject()) {
            throw new ConfigurationException("Build secrets " + secretId + " must be a JSON object of environment variables");
        }
        var variables = new LinkedHashMap<String, String>();
        for (var entry : json.properties()) {
            if (!entry.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigurationException("Build secrets " + secretId + ": '" + entry.getKey() + "' is not an environment variable name");
            }
            if (!entry.getValue().isTextual() || entry.getValue().asText().indexOf('\0') >= 0) {
                throw new ConfigurationException("Build secrets " + secretId + ": the value of " + entry.getKey() + " must be a string");
            }
            variables.put(entry.getKey(), entry.getValue().asText());
        }
        return variables;
    }

    private Map<String, String> passedToBuilds() {
        var passed = new LinkedHashMap<String, String>();
        for (var name : PASSED_TO_BUILDS) {
            environment.optional(name).ifPresent(value -> passed.put(name, value));
        }
        passed.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        passed.putIfAbsent("LANG", "C.UTF-8");
        return passed;
    }
}
