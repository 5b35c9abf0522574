package dev.offstage.posts.spam;

import java.util.List;
import java.util.Objects;

/**
 * The scorer's judgement of one post version, explainable: the reasons' contributions add up to
 * {@link #points()}, and {@code score} is the logistic of the points.
 *
 * @param score        spam probability in [0, 1]: {@code 1 / (1 + e^-points)}
 * @param spam         whether {@code score} reached the configured threshold
 * @param reasons      every rule that contributed, the prior first
 * @param modelVersion the rules and token model that produced it, e.g. {@code rules-1/tokens-7}
 */
public record Verdict(double score, boolean spam, List<Reason> reasons, String modelVersion) {

    public Verdict {
        Objects.requireNonNull(reasons, "reasons");
        Objects.requireNonNull(modelVersion, "modelVersion");
        reasons = List.copyOf(reasons);
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be in [0, 1], was " + score);
        }
    }

    /** The log-odds: the sum of the reasons' contributions. */
    public double points() {
        return reasons.stream().mapToDouble(Reason::contribution).sum();
    }
}
