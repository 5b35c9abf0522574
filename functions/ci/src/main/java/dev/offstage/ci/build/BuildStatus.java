package dev.offstage.ci.build;

/**
 * Where a build is in its life. QUEUED and RUNNING move on; the others are final, except an ERROR
 * from an infrastructure failure ({@link Build#retryable()}), which the queue's retry restarts.
 */
public enum BuildStatus {
    /** Recorded and queued; the runner has not started it. */
    QUEUED,
    /** The runner claimed it and is fetching, building or reporting. */
    RUNNING,
    /** Every command exited 0. */
    SUCCEEDED,
    /** A command exited non-zero. */
    FAILED,
    /** The build ran past its deadline and was killed. */
    TIMED_OUT,
    /**
     * The build could not run: hostile archive, invalid build config, no access to the repository
     * (final), or an infrastructure failure, which the queue retries.
     */
    ERROR,
    /** A newer build of the same branch or pull request was queued before this one started. */
    SUPERSEDED;

    /** Whether the status is an outcome no retry changes (ERROR depends on {@link Build#retryable()}). */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == TIMED_OUT || this == SUPERSEDED;
    }
}
