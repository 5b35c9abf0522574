package dev.offstage.posts.spam;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.net.IDN;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How posts are scored. Immutable; read once at init with {@link #from(Environment)}, or built
 * from {@link #defaults()} with the {@code with…} methods.
 *
 * <p>Scores are log-odds points (see {@link SpamScorer}): a rule's weight is how many points it
 * adds, and {@code prior} is the starting point of every post.
 *
 * @param threshold          a post is spam when its score (in [0, 1]) is at least this
 * @param blocklist          domains whose links are spam, lower case ASCII (punycode); a domain
 *                           also covers its subdomains
 * @param duplicateWindow    how far back the same text by the same author counts as a repeat
 * @param learningRate       how much one moderator verdict moves each token weight
 * @param weights            the points each rule adds
 */
public record SpamConfig(
        double threshold,
        Set<String> blocklist,
        Duration duplicateWindow,
        double learningRate,
        Weights weights) {

    /**
     * Points per rule (log-odds). The defaults make one rule alone rarely enough, two strong
     * signals enough: from the prior of -3 (score 0.05), 3 points reach 0.5.
     *
     * @param prior              every post starts here
     * @param link               per link beyond {@code freeLinks}
     * @param freeLinks          links a normal post carries without suspicion
     * @param blocklistedDomain  per distinct blocklisted domain linked
     * @param duplicate          per earlier post of the same text by the same author in the window
     * @param mention            per mention beyond {@code freeTags}, and once more when mentions
     *                           are at least {@code tagRatio} of the words
     * @param hashtag            the same for hashtags
     * @param freeTags           mentions (or hashtags) a normal post carries
     * @param tagRatio           share of words that are mentions (or hashtags) that counts as stuffing
     * @param shouting           when the upper-case share of letters reaches {@code shoutingRatio}
     * @param shoutingRatio      upper-case share of letters that counts as shouting
     * @param shoutingMinLetters shorter texts ("OK", "LOL") never shout
     * @param repeatedCharacters per run of {@code repeatRun} or more equal characters, up to 3 runs
     * @param repeatRun          run length that counts ({@code !!!!}, {@code loooool})
     * @param tokens             multiplies the sum of learned token weights
     */
    public record Weights(
            double prior,
            double link,
            int freeLinks,
            double blocklistedDomain,
            double duplicate,
            double mention,
            double hashtag,
            int freeTags,
            double tagRatio,
            double shouting,
            double shoutingRatio,
            int shoutingMinLetters,
            double repeatedCharacters,
            int repeatRun,
            double tokens) {

        /** The defaults described on each component. */
        public static Weights defaults() {
            return new Weights(-3.0, 0.75, 1, 4.0, 2.0, 0.75, 0.75, 3, 0.5, 1.5, 0.7, 12, 0.75, 4, 1.0);
        }
    }

    public static final String THRESHOLD_VARIABLE = "OFFSTAGE_SPAM_THRESHOLD";
    /** Comma-separated domains, e.g. {@code spam.example,bit.ly}. */
    public static final String BLOCKLIST_VARIABLE = "OFFSTAGE_SPAM_BLOCKLIST";
    /** Whole seconds. */
    public static final String DUPLICATE_WINDOW_VARIABLE = "OFFSTAGE_SPAM_DUPLICATE_WINDOW_SECONDS";
    public static final String LEARNING_RATE_VARIABLE = "OFFSTAGE_SPAM_LEARNING_RATE";
    /** Prefix of the per-rule weights: {@code OFFSTAGE_SPAM_WEIGHT_LINK}, {@code …_BLOCKLISTED_DOMAIN}, … */
    public static final String WEIGHT_PREFIX = "OFFSTAGE_SPAM_WEIGHT_";

    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(10);
    public static final double DEFAULT_LEARNING_RATE = 0.5;

    /**
     * Checks every value and normalises the blocklist (lower case, punycode, no trailing dot).
     *
     * @throws IllegalArgumentException when a value is out of range (the message says which)
     */
    public SpamConfig {
        Objects.requireNonNull(blocklist, "blocklist");
        Objects.requireNonNull(duplicateWindow, "duplicateWindow");
        Objects.requireNonNull(weights, "weights");
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1 (exclusive), was " + threshold);
        }
        if (duplicateWindow.isNegative() || duplicateWindow.isZero()) {
            throw new IllegalArgumentException("duplicateWindow must be positive, was " + duplicateWindow);
        }
        if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be 0 or more, was " + learningRate);
        }
        blocklist = blocklist.stream().map(SpamConfig::normaliseDomain).filter(domain -> !domain.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Threshold 0.5, empty blocklist, 10 min window, learning rate 0.5, {@link Weights#defaults()}. */
    public static SpamConfig defaults() {
        return new SpamConfig(DEFAULT_THRESHOLD, Set.of(), DEFAULT_DUPLICATE_WINDOW, DEFAULT_LEARNING_RATE,
                Weights.defaults());
    }

    /**
     * Reads the configuration, every variable optional with the defaults of {@link #defaults()}:
     * {@code OFFSTAGE_SPAM_THRESHOLD}, {@code OFFSTAGE_SPAM_BLOCKLIST} (comma-separated),
     * {@code OFFSTAGE_SPAM_DUPLICATE_WINDOW_SECONDS}, {@code OFFSTAGE_SPAM_LEARNING_RATE}, and one
     * {@code OFFSTAGE_SPAM_WEIGHT_<RULE>} per rule weight ({@code PRIOR}, {@code LINK},
     * {@code BLOCKLISTED_DOMAIN}, {@code DUPLICATE}, {@code MENTION}, {@code HASHTAG},
     * {@code SHOUTING}, {@code REPEATED_CHARACTERS}, {@code TOKENS}).
     *
     * @throws ConfigurationException naming the variable that is malformed
     */
    public static SpamConfig from(Environment environment) {
        var d = Weights.defaults();
        var weights = new Weights(
                decimal(environment, WEIGHT_PREFIX + "PRIOR", d.prior()),
                decimal(environment, WEIGHT_PREFIX + "LINK", d.link()),
                d.freeLinks(),
                decimal(environment, WEIGHT_PREFIX + "BLOCKLISTED_DOMAIN", d.blocklistedDomain()),
                decimal(environment, WEIGHT_PREFIX + "DUPLICATE", d.duplicate()),
                decimal(environment, WEIGHT_PREFIX + "MENTION", d.mention()),
                decimal(environment, WEIGHT_PREFIX + "HASHTAG", d.hashtag()),
                d.freeTags(),
                d.tagRatio(),
                decimal(environment, WEIGHT_PREFIX + "SHOUTING", d.shouting()),
                d.shoutingRatio(),
                d.shoutingMinLetters(),
                decimal(environment, WEIGHT_PREFIX + "REPEATED_CHARACTERS", d.repeatedCharacters()),
                d.repeatRun(),
                decimal(environment, WEIGHT_PREFIX + "TOKENS", d.tokens()));
        var blocklist = environment.optional(BLOCKLIST_VARIABLE)
                .map(value -> Arrays.stream(value.split(",")).map(String::strip).collect(Collectors.toSet()))
                .orElse(Set.of());
        var window = environment.seconds(DUPLICATE_WINDOW_VARIABLE, DEFAULT_DUPLICATE_WINDOW);
        var threshold = decimal(environment, THRESHOLD_VARIABLE, DEFAULT_THRESHOLD);
        var learningRate = decimal(environment, LEARNING_RATE_VARIABLE, DEFAULT_LEARNING_RATE);
        try {
            return new SpamConfig(threshold, blocklist, window, learningRate, weights);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Spam configuration (OFFSTAGE_SPAM_*): " + e.getMessage());
        }
    }

    /** This configuration with another blocklist. */
    public SpamConfig withBlocklist(Set<String> newBlocklist) {
        return new SpamConfig(threshold, newBlocklist, duplicateWindow, learningRate, weights);
    }

    /** This configuration with another threshold. */
    public SpamConfig withThreshold(double newThreshold) {
        return new SpamConfig(newThreshold, blocklist, duplicateWindow, learningRate, weights);
    }

    /** This configuration with another duplicate window. */
    public SpamConfig withDuplicateWindow(Duration newWindow) {
        return new SpamConfig(threshold, blocklist, newWindow, learningRate, weights);
    }

    /**
     * A domain as links are compared: lower case, ASCII (internationalised names as punycode,
     * so {@code bücher.example} and {@code xn--bcher-kva.example} are one domain), no trailing dot.
     * Empty when the name is not a valid domain.
     */
    static String normaliseDomain(String domain) {
        var trimmed = domain.strip();
        while (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            return IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static double decimal(Environment environment, String name, double fallback) {
        return environment.optional(name).map(value -> {
            try {
                var parsed = Double.parseDouble(value);
                if (!Double.isFinite(parsed)) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigurationException(
                        "Environment variable " + name + " must be a number, was '" + value + "'");
            }
        }).orElse(fallback);
    }
}
