package dev.offstage.ci;

import dev.offstage.ci.runner.TarballExtractor;
import dev.offstage.ci.webhook.RepositoryFilter;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The CI pipeline's settings, read once per execution environment from the variables
 * {@code template.yaml} sets. Each function reads the ones it uses: a missing required one fails
 * its init with the variable's name.
 */
public record CiConfig(Environment environment) {

    public static final String BUILDS_TABLE = "CI_BUILDS_TABLE";
    public static final String BUILDS_QUEUE_URL = "CI_BUILDS_QUEUE_URL";
    public static final String ARTIFACTS_BUCKET = "CI_ARTIFACTS_BUCKET";
    /** Secrets Manager id (ARN or name) of the webhook secret. */
    public static final String WEBHOOK_SECRET_ID = "CI_WEBHOOK_SECRET_ID";
    /** Secrets Manager id of the GitHub credentials: a token, {@code {"token"}} or {@code {"appId","privateKey"}}. */
    public static final String GITHUB_CREDENTIALS_ID = "CI_GITHUB_CREDENTIALS_ID";
    /** Secrets Manager id of a JSON object of environment variables for builds of trusted code (optional). */
    public static final String BUILD_SECRETS_ID = "CI_BUILD_SECRETS_ID";
    public static final String GITHUB_API_URL = "CI_GITHUB_API_URL";
    public static final String BUILD_TAGS = "CI_BUILD_TAGS";
    public static final String WEBHOOK_MAX_BYTES = "CI_WEBHOOK_MAX_BYTES";
    /** Base URL of the build pages when they are served under a custom domain (optional). */
    public static final String PAGES_URL = "CI_PAGES_URL";
    public static final String SAFETY_MARGIN_SECONDS = "CI_BUILD_SAFETY_MARGIN_SECONDS";
    public static final String RETENTION_DAYS = "CI_BUILD_RETENTION_DAYS";
    /** Repositories whose webhooks build: {@code owner/name} or {@code owner/*}, comma-separated; {@code *} for any. */
    public static final String ALLOWED_REPOSITORIES = "CI_ALLOWED_REPOSITORIES";
    /** Whether pull requests from forks build (without secrets). */
    public static final String BUILD_FORKS = "CI_BUILD_FORKS";

    /** The largest source tarball the runner downloads, compressed (bytes). */
    public static final String TARBALL_MAX_BYTES = "CI_TARBALL_MAX_BYTES";
    /** The most bytes of file content a source tarball may extract to. */
    public static final String SOURCE_MAX_BYTES = "CI_SOURCE_MAX_BYTES";
    /** The most entries (files, directories, links) a source tarball may hold. */
    public static final String SOURCE_MAX_ENTRIES = "CI_SOURCE_MAX_ENTRIES";

    /** The runner's default largest tarball (compressed): 512 MiB. */
    public static final long DEFAULT_TARBALL_MAX_BYTES = 512L * 1024 * 1024;

    /** GitHub's cap on webhook payloads. */
    public static final int GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

    public static CiConfig fromEnvironment() {
        return new CiConfig(Environment.system());
    }

    public String buildsTable() {
        return environment.require(BUILDS_TABLE);
    }

    public String buildsQueueUrl() {
        return environment.require(BUILDS_QUEUE_URL);
    }

    public String artifactsBucket() {
        return environment.require(ARTIFACTS_BUCKET);
    }

    public String webhookSecretId() {
        return environment.require(WEBHOOK_SECRET_ID);
    }

    public String githubCredentialsId() {
        return environment.require(GITHUB_CREDENTIALS_ID);
    }

    public Optional<String> buildSecretsId() {
        return environment.optional(BUILD_SECRETS_ID);
    }

    public URI githubApiUrl() {
        var url = environment.get(GITHUB_API_URL, "https://api.github.com");
        try {
            return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(GITHUB_API_URL + " is not a URL: " + url);
        }
    }

    public boolean buildTags() {
        return environment.booleanValue(BUILD_TAGS, false);
    }

    public int webhookMaxBytes() {
        var max = environment.intValue(WEBHOOK_MAX_BYTES, GITHUB_MAX_PAYLOAD_BYTES);
        if (max <= 0) {
            throw new ConfigurationException(WEBHOOK_MAX_BYTES + " must be positive, was " + max);
        }
        return max;
    }

    /** @throws ConfigurationException when it is set but not an absolute http(s) URL */
    public Optional<String> pagesUrl() {
        return environment.optional(PAGES_URL).map(url -> {
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(PAGES_URL + " is not a URL: " + url);
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigurationException(PAGES_URL + " must be an absolute http(s) URL, was " + url);
            }
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        });
    }

    /** How long build records, logs and artifacts are kept (days; the bucket's lifecycle rule uses the same). */
    public Duration retention() {
        var days = environment.intValue(RETENTION_DAYS, 90);
        if (days < 1) {
            throw new ConfigurationException(RETENTION_DAYS + " must be at least 1, was " + days);
        }
        return Duration.ofDays(days);
    }

    /** Which repositories' webhooks build: any, when unset or {@code *}. */
    public RepositoryFilter allowedRepositories() {
        try {
            return RepositoryFilter.parse(environment.get(ALLOWED_REPOSITORIES, "*"));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(ALLOWED_REPOSITORIES + ": " + e.getMessage());
        }
    }

    public boolean buildForks() {
        return environment.booleanValue(BUILD_FORKS, true);
    }

    /** The largest compressed tarball the runner fetches: {@value #DEFAULT_TARBALL_MAX_BYTES} bytes unless set. */
    public long tarballMaxBytes() {
        var max = environment.longValue(TARBALL_MAX_BYTES, DEFAULT_TARBALL_MAX_BYTES);
        if (max <= 0) {
            throw new ConfigurationException(TARBALL_MAX_BYTES + " must be positive, was " + max);
        }
        return max;
    }

    /**
     * What extracting a source tarball may take: {@link TarballExtractor.Limits#defaults()} (1 GiB
     * of content, 100 000 entries) unless {@value #SOURCE_MAX_BYTES} or {@value #SOURCE_MAX_ENTRIES}
     * say otherwise.
     */
    public TarballExtractor.Limits extractionLimits() {
        var defaults = TarballExtractor.Limits.defaults();
        long maxBytes = environment.longValue(SOURCE_MAX_BYTES, defaults.maxTotalBytes());
        int maxEntries = environment.intValue(SOURCE_MAX_ENTRIES, defaults.maxEntries());
        if (maxBytes <= 0) {
            throw new ConfigurationException(SOURCE_MAX_BYTES + " must be positive, was " + maxBytes);
        }
        if (maxEntries <= 0) {
            throw new ConfigurationException(SOURCE_MAX_ENTRIES + " must be positive, was " + maxEntries);
        }
        return new TarballExtractor.Limits(maxBytes, maxEntries, defaults.maxPathLength());
    }

    /** Time kept back from the Lambda's remaining time for uploading and reporting after the commands. */
    public Duration safetyMargin() {
        var seconds = environment.intValue(SAFETY_MARGIN_SECONDS, 60);
        if (seconds < 0) {
            throw new ConfigurationException(SAFETY_MARGIN_SECONDS + " must not be negative, was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
