package dev.offstage.ci.build;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A build record, as the builds table holds it.
 *
 * @param id the build id (derived from the webhook's delivery id, so a retried intake writes the same record)
 * @param request what to build
 * @param status where the build is
 * @param reason why it ended as it did, for people ({@code null} while it runs)
 * @param pageUrl the build page, linked from the commit status
 * @param createdAt when the webhook queued it
 * @param startedAt when the runner last started it, or {@code null}
 * @param finishedAt when it reached its current final status, or {@code null}
 * @param exitCode the failing command's exit code (0 on success), or {@code null}
 * @param logKey the S3 key of the build log, or {@code null}
 * @param artifactKeys the S3 keys of the uploaded artifacts
 * @param attempts how many times the runner started it
 * @param retryable for an ERROR: whether it came from an infrastructure failure, which a retry
 *     may cure (the runner starts such a build again; any other ERROR is final)
 */
public record Build(
        String id,
        BuildRequest request,
        BuildStatus status,
        String reason,
        String pageUrl,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Integer exitCode,
        String logKey,
        List<String> artifactKeys,
        int attempts,
        boolean retryable) {

    public Build {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        artifactKeys = artifactKeys == null ? List.of() : List.copyOf(artifactKeys);
    }

    /** A new build, QUEUED. */
    public static Build queued(String id, BuildRequest request, String pageUrl, Instant now) {
        return new Build(id, request, BuildStatus.QUEUED, null, pageUrl, now, null, null, null, null, List.of(), 0, false);
    }

    /** Whether the runner will not run it (again): a final status, or an ERROR no retry can cure. */
    public boolean settled() {
        return status.isFinal() || (status == BuildStatus.ERROR && !retryable);
    }

    /** How long the last run took, once it finished. */
    public Optional<Duration> duration() {
        return startedAt == null || finishedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, finishedAt));
    }
}
