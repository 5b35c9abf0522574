package dev.offstage.posts.spam;

import java.util.Objects;

/**
 * One rule's part in a verdict.
 *
 * @param rule         stable rule id, e.g. {@code links}, {@code blocklisted-domain},
 *                     {@code duplicate-text}; see {@link SpamScorer}
 * @param text         what the rule saw, for a moderator or the author, e.g. "links to a
 *                     blocklisted domain: spam.example"
 * @param contribution log-odds points this rule added (negative: evidence of a normal post)
 */
public record Reason(String rule, String text, double contribution) {

    public Reason {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(text, "text");
    }
}
