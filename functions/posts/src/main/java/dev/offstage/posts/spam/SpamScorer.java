package dev.offstage.posts.spam;

import dev.offstage.posts.event.PostEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Scores a post: pure, no I/O, thread-safe.
 *
 * <p>Every rule adds log-odds points, starting from the configured prior; the score is the
 * logistic of the sum, {@code 1 / (1 + e^-points)}, so it stays in [0, 1] however many rules
 * fire, while each rule's part stays a plain number that adds up ({@link Verdict#points()}).
 * Rules and their ids:
 * <ul>
 *   <li>{@code prior}: every post starts here (negative: most posts are fine);</li>
 *   <li>{@code links}: per link beyond the free ones;</li>
 *   <li>{@code blocklisted-domain}: per distinct blocklisted domain linked;</li>
 *   <li>{@code duplicate-text}: per earlier post of the same text by the same author in the window;</li>
 *   <li>{@code mention-stuffing}, {@code hashtag-stuffing}: per tag beyond the free ones, and
 *       once more when tags make up at least the configured share of the words;</li>
 *   <li>{@code shouting}: when most letters of a long enough text are upper case;</li>
 *   <li>{@code repeated-characters}: per run like {@code !!!!} or {@code loooool} (up to 3);</li>
 *   <li>{@code token-weights}: the sum of the learned weights of the post's distinct tokens.</li>
 * </ul>
 * A rule that adds nothing is left out of the reasons.
 */
public final class SpamScorer {

    /** The version of these rules; part of every verdict's model version. Bump it when a rule changes. */
    public static final String RULES_VERSION = "rules-1";

    // The '@' (or '#') comes first and the look-behind checks the character before it: the same
    // matches as "(?<![…])@[…]+", but a search position that is not an '@' fails on one char
    // compare instead of a Unicode class test (scripts/bench-hotpaths: about a third of the score).
    private static final Pattern MENTION = Pattern.compile("@(?<![\\p{L}\\p{N}_@]@)[\\p{L}\\p{N}_]+");
    private static final Pattern HASHTAG = Pattern.compile("#(?<![\\p{L}\\p{N}_#&]#)[\\p{L}\\p{N}_]+");
    private static final Pattern WORD = Pattern.compile("\\S+");
    // Digits are left out: "1000000" is a number, not a stutter.
    private static final Pattern REPEAT = Pattern.compile("([^\\p{N}\\s])\\1+");
    private static final int MAX_REPEAT_RUNS = 3;
    private static final int TOKENS_NAMED = 5;

    private final SpamConfig config;

    public SpamScorer(SpamConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The verdict on {@code event}'s text, given what the store knows ({@code signals}). */
    public Verdict score(PostEvent event, Signals signals) {
        var text = event.text();
        var weights = config.weights();
        var reasons = new ArrayList<Reason>();
        reasons.add(new Reason("prior", "starting point of every post", weights.prior()));

        var links = Link.findIn(text);
        var extraLinks = links.size() - weights.freeLinks();
        if (extraLinks > 0) {
            reasons.add(new Reason("links", links.size() + " links", extraLinks * weights.link()));
        }
        var blocked = links.stream()
                .flatMap(link -> config.blocklist().stream().filter(link::isOn))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!blocked.isEmpty()) {
            reasons.add(new Reason("blocklisted-domain", "links to blocklisted " + String.join(", ", blocked),
                    blocked.size() * weights.blocklistedDomain()));
        }

        var earlier = signals.sameTextInWindow() - 1;
        if (earlier > 0) {
            reasons.add(new Reason("duplicate-text",
                    "same text posted " + signals.sameTextInWindow() + " times within "
                            + config.duplicateWindow().toMinutes() + " min",
                    earlier * weights.duplicate()));
        }

        var words = (int) WORD.matcher(text).results().count();
        stuffing("mention-stuffing", "mentions", MENTION, text, words, weights.mention()).ifPresent(reasons::add);
        stuffing("hashtag-stuffing", "hashtags", HASHTAG, text, words, weights.hashtag()).ifPresent(reasons::add);

        var letters = text.codePoints().filter(Character::isLetter).count();
        var upper = text.codePoints().filter(Character::isUpperCase).count();
        if (letters >= weights.shoutingMinLetters() && upper >= weights.shoutingRatio() * letters) {
            reasons.add(new Reason("shouting",
                    Math.round(100.0 * upper / letters) + "% of letters upper case", weights.shouting()));
        }

        var runs = REPEAT.matcher(text).results()
                .map(match -> match.group())
                .filter(run -> run.codePointCount(0, run.length()) >= weights.repeatRun())
                .toList();
        if (!runs.isEmpty()) {
            var counted = Math.min(runs.size(), MAX_REPEAT_RUNS);
            reasons.add(new Reason("repeated-characters", "repeated characters: " + String.join(" ", runs),
                    counted * weights.repeatedCharacters()));
        }

        tokenWeights(text, signals.model()).ifPresent(reasons::add);

        var points = reasons.stream().mapToDouble(Reason::contribution).sum();
        var score = 1 / (1 + Math.exp(-points));
        return new Verdict(score, score >= config.threshold(), reasons,
                RULES_VERSION + "/tokens-" + signals.model().version());
    }

    private Optional<Reason> stuffing(
            String rule, String noun, Pattern tag, String text, int words, double weight) {
        var count = (int) tag.matcher(text).results().count();
        var config = this.config.weights();
        var extra = Math.max(0, count - config.freeTags());
        // A short post that is mostly tags ("@a @b buy") is stuffing even under the free count.
        var dense = count >= 2 && words > 0 && count >= config.tagRatio() * words;
        var points = extra * weight + (dense ? weight : 0);
        if (points == 0) {
            return Optional.empty();
        }
        return Optional.of(new Reason(rule, count + " " + noun + " in " + words + " words", points));
    }

    private Optional<Reason> tokenWeights(String text, TokenModel model) {
        var weighted = TokenModel.tokens(text).stream()
                .filter(token -> model.weight(token) != 0)
                .sorted(Comparator.comparingDouble((String token) -> -Math.abs(model.weight(token))))
                .toList();
        if (weighted.isEmpty()) {
            return Optional.empty();
        }
        var sum = weighted.stream().mapToDouble(model::weight).sum() * config.weights().tokens();
        var named = weighted.stream().limit(TOKENS_NAMED)
                .map(token -> String.format(Locale.ROOT, "%s %+.2f", token, model.weight(token)))
                .collect(Collectors.joining(", "));
        return Optional.of(new Reason("token-weights", "learned words: " + named, sum));
    }
}
