package dev.offstage.ops;

import java.time.Instant;

/**
 * A CI build, newest first in listings.
 *
 * @param id         the build id
 * @param repository owner/name
 * @param ref        the branch, tag or pull request ref
 * @param sha        the commit
 * @param status     QUEUED, RUNNING, SUCCESS, FAILURE, TIMED_OUT, ERROR...
 * @param created    when it was queued
 * @param updated    when its status last changed, or {@code null}
 */
public record BuildSummary(String id, String repository, String ref, String sha, String status,
        Instant created, Instant updated) {
}
