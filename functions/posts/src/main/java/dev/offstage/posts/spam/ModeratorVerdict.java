package dev.offstage.posts.spam;

import java.util.Objects;

/**
 * A moderator's decision on a post ({@code POST /moderation/{postId}}).
 *
 * @param requestId identifies the request: the same id applied twice has one effect
 * @param postId    the post judged
 * @param spam      the decision
 * @param moderator who decided
 * @param note      why, for other moderators; empty for none
 */
public record ModeratorVerdict(String requestId, String postId, boolean spam, String moderator, String note) {

    public ModeratorVerdict {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(postId, "postId");
        Objects.requireNonNull(moderator, "moderator");
        note = note == null ? "" : note;
        if (requestId.isBlank()) {
            throw new IllegalArgumentException("requestId must not be blank");
        }
    }

    /** The moderator says the post is spam. */
    public static ModeratorVerdict spam(String requestId, String postId, String moderator, String note) {
        return new ModeratorVerdict(requestId, postId, true, moderator, note);
    }

    /** The moderator says the post is fine. */
    public static ModeratorVerdict notSpam(String requestId, String postId, String moderator, String note) {
        return new ModeratorVerdict(requestId, postId, false, moderator, note);
    }
}
