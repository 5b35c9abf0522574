package dev.offstage.posts.spam;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Learned token weights: how much each word says about spam (positive) or not (negative),
 * moved by moderator verdicts ({@link SpamStore#recordModeratorVerdict}).
 *
 * @param version grows by one with every moderator verdict applied; 0 for the untrained model
 * @param weights token (as {@link #tokens} makes them) to log-odds points
 */
public record TokenModel(long version, Map<String, Double> weights) {

    /** The untrained model. */
    public static final TokenModel EMPTY = new TokenModel(0, Map.of());

    // Letters and digits in any script; everything else separates words.
    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    public TokenModel {
        Objects.requireNonNull(weights, "weights");
        weights = Map.copyOf(weights);
    }

    /** The weight of {@code token}, 0 when never learned. */
    public double weight(String token) {
        return weights.getOrDefault(token, 0.0);
    }

    /**
     * The distinct tokens of a text, in order of first appearance: lower-cased words of letters
     * and digits. Distinct because a token repeated ten times is one piece of evidence, not ten.
     */
    public static List<String> tokens(String text) {
        var tokens = new LinkedHashSet<String>();
        for (var word : SEPARATORS.split(text.toLowerCase(Locale.ROOT))) {
            if (!word.isEmpty()) {
                tokens.add(word);
            }
        }
        return List.copyOf(tokens);
    }
}
