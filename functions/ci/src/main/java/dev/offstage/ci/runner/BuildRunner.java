package dev.offstage.ci.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.ci.build.Build;
import dev.offstage.ci.build.BuildFiles;
import dev.offstage.ci.build.BuildQueue;
import dev.offstage.ci.build.BuildStatus;
import dev.offstage.ci.build.BuildStore;
import dev.offstage.ci.github.CommitStatus;
import dev.offstage.ci.github.GitHubApiException;
import dev.offstage.ci.github.GitHubClient;
import dev.offstage.ci.github.TarballTooLargeException;
import dev.offstage.shared.batch.Batch;
import dev.offstage.shared.idempotency.Idempotency;
import dev.offstage.shared.idempotency.IdempotentCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one queued build: claims it, tells GitHub it is pending, fetches the commit's tarball,
 * extracts it safely into a fresh directory under the work root, reads the build config, runs
 * the commands with a deadline, uploads the log and artifacts, records the outcome and sets the
 * final commit status (linking the build page).
 *
 * <p><b>Once at a time.</b> The run holds an idempotency record on the build id for as long as
 * the invocation may live: a second delivery of the same message meanwhile fails (and is
 * retried later, finding the build done). A build whose branch or pull request got a newer
 * build while it waited is SUPERSEDED without running.
 *
 * <p><b>Failures.</b> What cannot succeed on retry — a hostile archive, an invalid build config,
 * no access to the repository — ends the build as ERROR with the reason, and the message is done.
 * Infrastructure failures (GitHub 5xx or rate limits, S3, DynamoDB) mark the build ERROR with the
 * reason and propagate, so the queue retries the message and, after its {@code maxReceiveCount},
 * moves it to the dead-letter queue. A build found final on arrival has its final commit status
 * posted again, so a GitHub outage while reporting heals on the retry.
 *
 * <p><b>Secrets.</b> Builds run with only the environment built here: never the function's own
 * (which holds its AWS credentials). Build secrets are added for builds of the repository's own
 * branches, never for pull requests from forks.
 *
 * <p>Thread-safe, but meant for one build per execution environment (batch size 1).
 */
public final class BuildRunner {

    /** The commit status context GitHub shows. */
    public static final String STATUS_CONTEXT = "offstage/ci";

    private static final Logger LOG = LoggerFactory.getLogger(BuildRunner.class);

    /** How long before the invocation's end the watchdog records a build that is still running. */
    static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(3);

    /**
     * How the runner runs builds.
     *
     * @param workRoot where build directories are made (under /tmp in Lambda)
     * @param safetyMargin time kept back from the invocation's end for uploading and reporting
     * @param maxTarballBytes the largest compressed tarball fetched
     * @param baseEnvironment variables every build gets (PATH, JAVA_HOME…), before the build's own
     */
    public record Settings(Path workRoot, Duration safetyMargin, long maxTarballBytes, Map<String, String> baseEnvironment) {
        public Settings {
            baseEnvironment = Map.copyOf(baseEnvironment);
        }
    }

    private final BuildStore store;
    private final BuildFiles files;
    private final GitHubClient github;
    private final Idempotency idempotency;
    private final Supplier<Map<String, String>> buildSecrets;
    private final TarballExtractor extractor;
    private final BuildShell shell;
    private final ArtifactCollector artifacts;
    private final Settings settings;
    private final Clock clock;

    public BuildRunner(BuildStore store, BuildFiles files, GitHubClient github, Idempotency idempotency,
            Supplier<Map<String, String>> buildSecrets, TarballExtractor extractor, BuildShell shell,
            ArtifactCollector artifacts, Settings settings, Clock clock) {
        this.store = store;
        this.files = files;
        this.github = github;
        this.idempotency = idempotency;
        this.buildSecrets = buildSecrets;
        this.extractor = extractor;
        this.shell = shell;
        this.artifacts = artifacts;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Runs the build each message of a builds-queue event names ({@code {"buildId": "..."}}),
     * answering which messages failed: those are retried, and a message that names no build
     * fails every time and ends in the dead-letter queue.
     */
    public SQSBatchResponse process(SQSEvent event, Context context) {
        return Batch.process(event, context, message -> run(BuildQueue.buildId(message.getBody()), context));
    }

    /**
     * Runs the build, or does what is left of it.
     *
     * @return the build's status afterwards
     * @throws IllegalArgumentException when there is no such build (the message can never succeed)
     * @throws RuntimeException on infrastructure failures, to be retried
     */
    public BuildStatus run(String buildId, Context context) {
        var build = store.find(buildId).orElseThrow(() -> new IllegalArgumentException("No build " + buildId));
        if (build.settled()) {
            LOG.info("Build {} is already {}; posting its commit status again", buildId, build.status());
            report(build, finalStatus(build));
            return build.status();
        }
        if (build.status() == BuildStatus.QUEUED) {
            var newer = store.supersedingBuild(build);
            if (newer.isPresent() && store.supersede(buildId, newer.get(), clock.instant())) {
                LOG.info("Build {} superseded by build {}", buildId, newer.get());
                report(build, finalStatus(store.find(buildId).orElseThrow()));
                return BuildStatus.SUPERSEDED;
            }
        }
        var deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        return idempotency.run(IdempotentCall.of("build:" + buildId).until(context), BuildStatus.class,
                () -> claimAndRun(buildId, deadline));
    }

    private BuildStatus claimAndRun(String buildId, Instant invocationEnd) {
        var started = store.start(buildId, clock.instant());
        if (started.isEmpty()) {
            return store.find(buildId).map(Build::status).orElseThrow();
        }
        var build = started.get();
        var directory = settings.workRoot().resolve(buildId);
        var watchdog = watchdog(build, invocationEnd);
        Build finished;
        try {
            deleteTree(directory);
            Files.createDirectories(directory);
            try (var log = new BuildLog(directory.resolve("build.log"), clock)) {
                finished = execute(build, directory, log, invocationEnd);
            }
        } catch (IOException e) {
            throw recordInfrastructureFailure(build, new UncheckedIOException("Build directory " + directory + ": " + e.getMessage(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw recordInfrastructureFailure(build, new IllegalStateException("Interrupted while building", e));
        } catch (RuntimeException e) {
            throw recordInfrastructureFailure(build, e);
        } finally {
            watchdog.interrupt();
            try {
                deleteTree(directory);
            } catch (IOException e) {
                LOG.warn("Could not delete build directory {}", directory, e);
            }
        }
        // Outside the failure handling above: the outcome is recorded, and a GitHub failure here
        // must not turn it into ERROR. The retry finds the build final and posts the status again.
        report(finished, finalStatus(finished));
        return finished.status();
    }

    private Build execute(Build build, Path directory, BuildLog log, Instant invocationEnd) throws IOException, InterruptedException {
        var request = build.request();
        var repository = request.repository();
        report(build, new CommitStatus(CommitStatus.State.PENDING, pageUri(build), "Build started", STATUS_CONTEXT));
        log.note("Build " + build.id() + " of " + repository.fullName() + " " + request.label() + " at " + request.sha()
                + (build.attempts() > 1 ? " (attempt " + build.attempts() + ")" : ""));

        BuildConfig config;
        Path source;
        try {
            var tarball = directory.resolve("source.tar.gz");
            github.downloadTarball(repository, request.sha(), request.installationId(), tarball, settings.maxTarballBytes());
            try (var in = Files.newInputStream(tarball)) {
                source = extractor.extract(in, directory.resolve("source"));
            }
            Files.delete(tarball);
            config = BuildConfig.read(source);
        } catch (UnsafeArchiveException | InvalidBuildConfigException e) {
            return endWithError(build, log, e.getMessage());
        } catch (IllegalArgumentException e) {
            // GitHub App credentials without an installation id: the App is not installed on the repository.
            return endWithError(build, log, "Cannot fetch the source: " + e.getMessage());
        } catch (TarballTooLargeException e) {
            return endWithError(build, log, "The repository's tarball is over " + e.maxBytes() / (1024 * 1024) + " MiB");
        } catch (GitHubApiException e) {
            if (e.retryable()) {
                throw e;
            }
            return endWithError(build, log, "GitHub refused the source: " + e.getMessage());
        } catch (IOException e) {
            // A download cut short, a full disk: possibly transient, so retried like the infrastructure.
            throw new UncheckedIOException("Source: " + e.getMessage(), e);
        }
        log.note("Build config: " + config.source());

        var now = clock.instant();
        var deadline = earliest(now.plus(config.timeout()), invocationEnd.minus(settings.safetyMargin()));
        if (!deadline.isAfter(now)) {
            return endWithError(build, log, "Not enough time left in the invocation to build (the safety margin is "
                    + settings.safetyMargin().toSeconds() + " s): raise the BuildRunner's Timeout");
        }
        var environment = environment(build, config, directory);
        var result = shell.run(config.commands(), source, environment, deadline, log);

        var found = artifacts.collect(source, config.artifacts());
        found.notes().forEach(log::note);
        var uploaded = new ArrayList<String>();
        for (var artifact : found.files()) {
            uploaded.add(files.putArtifact(build.id(), artifact.path(), source.resolve(artifact.path())));
        }
        var outcome = switch (result.outcome()) {
            case SUCCEEDED -> BuildStatus.SUCCEEDED;
            case FAILED -> BuildStatus.FAILED;
            case TIMED_OUT -> BuildStatus.TIMED_OUT;
        };
        var reason = switch (result.outcome()) {
            case SUCCEEDED -> "Passed in " + result.duration().toSeconds() + " s";
            case FAILED -> "'" + abbreviate(result.failedCommand().orElse(""), 60) + "' exited " + result.exitCode();
            case TIMED_OUT -> "Timed out after " + Duration.between(now, deadline).toSeconds() + " s";
        };
        log.note("Build " + outcome.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + reason
                + (uploaded.isEmpty() ? "" : "; " + uploaded.size() + " artifact(s) uploaded"));
        log.close();
        var logKey = files.putLog(build.id(), log.file());
        var exitCode = result.outcome() == BuildShell.Outcome.TIMED_OUT ? null : Integer.valueOf(result.exitCode());
        store.finish(build.id(), outcome, reason, exitCode, logKey, uploaded, clock.instant());
        LOG.info("Build {} {}: {}", build.id(), outcome, reason);
        return store.find(build.id()).orElseThrow();
    }

    /**
     * Lambda kills an invocation at its timeout without a word: a stalled download or upload
     * would leave the build RUNNING and its commit pending, for good after the message's last
     * delivery. Shortly before the end, the watchdog records what is happening — ERROR,
     * retryable, and a commit status saying so — unless the build has finished; the run's own
     * outcome replaces it if the run does finish.
     */
    private Thread watchdog(Build build, Instant invocationEnd) {
        var wakeUp = Duration.between(clock.instant(), invocationEnd).minus(WATCHDOG_MARGIN);
        return Thread.ofVirtual().name("build-watchdog-" + build.id()).start(() -> {
            try {
                Thread.sleep(wakeUp.isNegative() ? Duration.ZERO : wakeUp);
            } catch (InterruptedException e) {
                return;
            }
            var reason = "The runner ran out of time (Lambda timeout) while building; the queue retries it";
            try {
                if (store.timeOut(build.id(), reason, clock.instant())) {
                    LOG.error("Build {}: {}", build.id(), reason);
                    report(build, new CommitStatus(CommitStatus.State.ERROR, pageUri(build), reason, STATUS_CONTEXT));
                }
            } catch (RuntimeException e) {
                LOG.error("Build {}: the watchdog could not record the timeout", build.id(), e);
            }
        });
    }

    /** A build that can never succeed on retry: ERROR with the reason and the log; the message is done. */
    private Build endWithError(Build build, BuildLog log, String reason) throws IOException {
        LOG.warn("Build {} cannot run: {}", build.id(), reason);
        log.note("Build error: " + reason);
        log.close();
        var logKey = files.putLog(build.id(), log.file());
        store.finish(build.id(), BuildStatus.ERROR, reason, null, logKey, List.of(), clock.instant());
        return store.find(build.id()).orElseThrow();
    }

    private RuntimeException recordInfrastructureFailure(Build build, RuntimeException failure) {
        LOG.error("Build {} failed on infrastructure; the queue retries it", build.id(), failure);
        try {
            store.failForNow(build.id(), "Infrastructure failure (retried): " + abbreviate(String.valueOf(failure.getMessage()), 300),
                    clock.instant());
        } catch (RuntimeException alsoFailed) {
            failure.addSuppressed(alsoFailed);
        }
        return failure;
    }

    private Map<String, String> environment(Build build, BuildConfig config, Path directory) throws IOException {
        var request = build.request();
        var home = Files.createDirectories(directory.resolve("home"));
        var tmp = Files.createDirectories(directory.resolve("tmp"));
        var environment = new LinkedHashMap<>(settings.baseEnvironment());
        environment.put("HOME", home.toString());
        environment.put("TMPDIR", tmp.toString());
        environment.put("CI", "true");
        environment.put("OFFSTAGE_CI", "true");
        environment.put("OFFSTAGE_BUILD_ID", build.id());
        environment.put("OFFSTAGE_REPOSITORY", request.repository().fullName());
        environment.put("OFFSTAGE_COMMIT", request.sha());
        environment.put("OFFSTAGE_REF", request.ref());
        environment.put("OFFSTAGE_BRANCH", request.branch());
        environment.put("OFFSTAGE_FORK", Boolean.toString(request.fork()));
        if (request.pullRequest() != null) {
            environment.put("OFFSTAGE_PULL_REQUEST", Integer.toString(request.pullRequest()));
        }
        environment.putAll(config.env());
        if (!request.fork()) {
            environment.putAll(buildSecrets.get());
        }
        return environment;
    }

    /** The commit status for a build's current (final) state. */
    static CommitStatus finalStatus(Build build) {
        var state = switch (build.status()) {
            case SUCCEEDED -> CommitStatus.State.SUCCESS;
            case FAILED, TIMED_OUT -> CommitStatus.State.FAILURE;
            case QUEUED, RUNNING -> CommitStatus.State.PENDING;
            case ERROR, SUPERSEDED -> CommitStatus.State.ERROR;
        };
        var description = build.reason() == null ? build.status().name() : build.reason();
        if (build.status() == BuildStatus.SUPERSEDED) {
            description = "Superseded by a newer build; not run";
        }
        return new CommitStatus(state, pageUri(build), description, STATUS_CONTEXT);
    }

    private static URI pageUri(Build build) {
        return build.pageUrl() == null ? null : URI.create(build.pageUrl());
    }

    /**
     * Sets a commit status. GitHub being down or rate limiting propagates (retried); a refusal
     * that no retry changes — no token, a token without the permission — is logged and the build
     * goes on: statuses report a build, they are not the build.
     */
    private void report(Build build, CommitStatus status) {
        var request = build.request();
        if (!github.authenticated()) {
            LOG.info("No GitHub credentials: commit status {} for build {} not set", status.state(), build.id());
            return;
        }
        try {
            github.setStatus(request.repository(), request.sha(), status, request.installationId());
        } catch (GitHubApiException e) {
            if (e.retryable()) {
                throw e;
            }
            LOG.warn("Commit status {} for build {} not set: {}", status.state(), build.id(), e.getMessage());
        } catch (IllegalArgumentException e) {
            LOG.warn("Commit status {} for build {} not set: {}", status.state(), build.id(), e.getMessage());
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String abbreviate(String text, int max) {
        return text == null ? "" : text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                // Builds may leave read-only files and directories behind.
                path.toFile().setWritable(true);
                Files.deleteIfExists(path);
            }
        }
    }
}
