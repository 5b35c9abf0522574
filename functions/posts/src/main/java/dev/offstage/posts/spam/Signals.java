package dev.offstage.posts.spam;

import java.util.Objects;

/**
 * What the scorer needs beyond the post itself, gathered by {@link SpamStore}.
 *
 * @param sameTextInWindow how many posts by this author with this normalised text (this one
 *                         included) occurred within the duplicate window before this one
 * @param model            the learned token weights
 */
public record Signals(int sameTextInWindow, TokenModel model) {

    public Signals {
        Objects.requireNonNull(model, "model");
        if (sameTextInWindow < 0) {
            throw new IllegalArgumentException("sameTextInWindow must be 0 or more, was " + sameTextInWindow);
        }
    }

    /** Nothing known: a first post and an untrained model. */
    public static Signals none() {
        return new Signals(1, TokenModel.EMPTY);
    }
}
