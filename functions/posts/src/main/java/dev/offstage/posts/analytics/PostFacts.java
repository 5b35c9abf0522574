package dev.offstage.posts.analytics;

import dev.offstage.posts.event.PostEvent;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What analytics counts about one version of a post: its hashtags and mentions, and the UTC hour
 * and day it was created in. Pure and thread-safe.
 *
 * <p>The rules, decided here once:
 * <ul>
 *   <li>A <b>hashtag</b> is {@code #} followed by letters, digits, combining marks and underscores,
 *       with at least one letter ({@code #1} and {@code #2026} are not hashtags, {@code #2026wc} is),
 *       not preceded by a letter, digit, mark, underscore, {@code &}, {@code /}, {@code #} or {@code @}
 *       (so {@code page#top}, {@code /#/route} and {@code &#38;} are not hashtags).</li>
 *   <li>A <b>mention</b> is {@code @} followed by letters, digits, marks and underscores, with the same
 *       rule before it, so {@code email@example.com} is not a mention.</li>
 *   <li>The text is NFKC-normalised first (fullwidth {@code ＃} is {@code #}), and names are
 *       case-folded ({@code upper} then {@code lower}, root locale: {@code #Straße} and {@code #STRASSE}
 *       are the same hashtag).</li>
 *   <li>Each name counts once per post, in order of first appearance; at most {@link #MAX_NAMES}
 *       hashtags and {@link #MAX_NAMES} mentions per post, and names longer than
 *       {@link #MAX_NAME_LENGTH} code points are ignored. These caps bound the writes per event.</li>
 * </ul>
 *
 * @param hashtags distinct case-folded hashtags without {@code #}
 * @param mentions distinct case-folded user names without {@code @}
 * @param hour the hour the post was created in (UTC, truncated)
 * @param day the day the post was created on (UTC)
 */
public record PostFacts(List<String> hashtags, List<String> mentions, Instant hour, LocalDate day) {

    /** At most this many hashtags, and this many mentions, count per post. */
    public static final int MAX_NAMES = 30;

    /** Longer hashtags and user names are ignored. */
    public static final int MAX_NAME_LENGTH = 100;

    // The lookbehind keeps URL fragments, HTML entities, e-mail addresses and doubled signs out.
    private static final String BEFORE = "(?<![\\p{L}\\p{N}\\p{M}_&/#@])";
    private static final Pattern HASHTAG = Pattern.compile(BEFORE + "#([\\p{L}\\p{N}\\p{M}_]+)");
    private static final Pattern MENTION = Pattern.compile(BEFORE + "@([\\p{L}\\p{N}\\p{M}_]+)");
    private static final Pattern HAS_LETTER = Pattern.compile("\\p{L}");

    public PostFacts {
        hashtags = List.copyOf(hashtags);
        mentions = List.copyOf(mentions);
    }

    /** The facts of the post version {@code event} describes (a deletion's empty text has none). */
    public static PostFacts of(PostEvent event) {
        var created = event.createdAt();
        return new PostFacts(
                hashtags(event.text()),
                mentions(event.text()),
                created.truncatedTo(ChronoUnit.HOURS),
                LocalDate.ofInstant(created, ZoneOffset.UTC));
    }

    /** The hashtags of {@code text}, by the rules above. */
    public static List<String> hashtags(String text) {
        return names(HASHTAG, text, true);
    }

    /** The user names {@code text} mentions, by the rules above. */
    public static List<String> mentions(String text) {
        return names(MENTION, text, false);
    }

    private static List<String> names(Pattern pattern, String text, boolean needsLetter) {
        var normalized = Normalizer.normalize(text, Normalizer.Form.NFKC);
        var names = new LinkedHashSet<String>();
        var matcher = pattern.matcher(normalized);
        while (matcher.find() && names.size() < MAX_NAMES) {
            var name = fold(matcher.group(1));
            if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
                continue;
            }
            if (needsLetter && !HAS_LETTER.matcher(name).find()) {
                continue;
            }
            names.add(name);
        }
        return new ArrayList<>(names);
    }

    // Java has no full case folding; upper-then-lower covers ß/SS and final sigma, in the root
    // locale so a Turkish default locale does not turn I into dotless ı.
    private static String fold(String name) {
        return Normalizer.normalize(name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
    }
}
