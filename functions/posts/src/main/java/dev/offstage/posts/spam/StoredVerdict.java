package dev.offstage.posts.spam;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SpamStore} holds for a post: the model's verdict on its latest version, and the
 * moderator's verdict when there is one, which wins.
 *
 * @param postId          the post
 * @param postVersion     the newest version scored (or deleted)
 * @param deleted         whether the post was deleted; then nothing else changes it
 * @param model           the model's verdict on {@code postVersion}; empty for a post deleted
 *                        before it was scored
 * @param moderatorSpam   the moderator's decision, when a moderator judged the post
 * @param moderator       who decided, when a moderator did
 * @param note            the moderator's note, empty when none
 */
public record StoredVerdict(
        String postId,
        long postVersion,
        boolean deleted,
        Optional<Verdict> model,
        Optional<Boolean> moderatorSpam,
        Optional<String> moderator,
        String note) {

    /** Who decided {@link #spam()}. */
    public enum Source { MODEL, MODERATOR }

    public StoredVerdict {
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(moderatorSpam, "moderatorSpam");
        Objects.requireNonNull(moderator, "moderator");
        Objects.requireNonNull(note, "note");
    }

    /** Whether the post is spam: the moderator's decision if any, else the model's. */
    public boolean spam() {
        return moderatorSpam.orElseGet(() -> model.map(Verdict::spam).orElse(false));
    }

    /** Whether search must hide the post: spam, or deleted. */
    public boolean hidden() {
        return deleted || spam();
    }

    public Source source() {
        return moderatorSpam.isPresent() ? Source.MODERATOR : Source.MODEL;
    }
}
