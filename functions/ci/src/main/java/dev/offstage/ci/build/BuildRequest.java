package dev.offstage.ci.build;

import dev.offstage.ci.github.GitHubRepository;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a webhook asks to build: one commit of one repository, and where it came from.
 *
 * @param deliveryId GitHub's {@code X-GitHub-Delivery}, the same on redelivery
 * @param event {@code push} or {@code pull_request}
 * @param repository the repository the webhook belongs to: statuses go there, the tarball comes from there
 * @param sha the commit to build (40 hex digits)
 * @param ref the full ref: {@code refs/heads/main}, {@code refs/tags/v1}, {@code refs/pull/12/head}
 * @param branch the branch or tag name (for a pull request, its head branch)
 * @param pullRequest the pull request number, or {@code null} for a push
 * @param fork whether the code comes from a fork (it then runs without secrets)
 * @param installationId the GitHub App installation that sent the webhook, or {@code null}
 * @param title the head commit's first line, or the pull request's title
 * @param author who pushed or opened the pull request (GitHub login)
 * @param privateRepository whether the repository is private (its logs and artifacts stay off the public build pages)
 * @param eventTime when GitHub says the push or pull request update happened, or {@code null}:
 *     what orders builds of one branch for superseding (deliveries may arrive out of order)
 */
public record BuildRequest(
        String deliveryId,
        String event,
        GitHubRepository repository,
        String sha,
        String ref,
        String branch,
        Integer pullRequest,
        boolean fork,
        Long installationId,
        String title,
        String author,
        boolean privateRepository,
        Instant eventTime) {

    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

    public BuildRequest {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(branch, "branch");
        if (sha == null || !SHA.matcher(sha).matches()) {
            throw new IllegalArgumentException("Not a commit SHA (40 lower-case hex digits): " + sha);
        }
        title = title == null ? "" : title;
        author = author == null ? "" : author;
    }

    /**
     * What a newer build replaces: builds of the same repository with the same key supersede each
     * other (a branch, a tag, or a pull request).
     */
    public String supersedeKey() {
        return repository.fullName() + "#" + (pullRequest == null ? ref : "pull/" + pullRequest);
    }

    /** For people: {@code main}, or {@code PR #12 (feature-x)}. */
    public String label() {
        return pullRequest == null ? branch : "PR #" + pullRequest + " (" + branch + ")";
    }

    public Optional<Long> installation() {
        return Optional.ofNullable(installationId);
    }
}
