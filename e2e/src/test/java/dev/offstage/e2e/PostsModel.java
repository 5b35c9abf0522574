package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.posts.event.PostEvent;
import dev.offstage.posts.spam.Signals;
import dev.offstage.posts.spam.SpamConfig;
import dev.offstage.posts.spam.SpamScorer;
import dev.offstage.shared.json.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;

/**
 * A seeded set of posts, their events, and what the post pipeline must end in once it has applied
 * them all — however often, in whatever order: the newest version of each post counts, a deletion
 * wins, spam never shows in search. Computed from the posts alone, compared with the pipeline
 * through its HTTP API ({@link #differences}). Immutable.
 */
public final class PostsModel {

    public static final List<String> AUTHORS = List.of("alice", "bob_2", "carol-3", "dave");
    /** The author of the spam posts, besides {@link #AUTHORS}. */
    public static final String SPAMMER = "mallory";
    /** Words search is checked for: each appears in some versions of some posts. */
    public static final List<String> SEARCHED = List.of("quokka", "zeppelin", "marzipan", "kumquat", "zorblax");

    private static final List<String> WORDS = List.of("morning", "release", "coffee", "build", "deploy", "music",
            "garden", "river", "lunch", "train", "window", "paper");
    private static final List<String> DISTINCTIVE = List.of("quokka", "zeppelin", "marzipan");
    private static final List<String> HASHTAGS = List.of("#java", "#serverless", "#Coffee", "#offstage", "#music");
    private static final List<String> MENTIONS = List.of("@alice", "@bob_2", "@carol");
    private static final Pattern HASHTAG = Pattern.compile("#(\\w+)");
    private static final Pattern WORD_SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    /** The pipeline's read API, as a test reaches it: GET a path (with query), 200 expected, its JSON. */
    @FunctionalInterface
    public interface Api {
        JsonNode get(String pathAndQuery) throws Exception;
    }

    /** One post as the test made it: its events, oldest version first; spam by construction. */
    public record Post(String id, String authorId, Instant createdAt, List<PostEvent> events, boolean spam) {

        public PostEvent newest() {
            return events.getLast();
        }

        public boolean live() {
            return newest().type() != PostEvent.Type.DELETED;
        }

        public boolean searchable() {
            return live() && !spam;
        }

        /** Whether the spam filter must call the newest text spam (spam posts may start ordinary). */
        public boolean spamVerdict() {
            return spam && newest().text().contains("ZORBLAX");
        }

        Set<String> hashtags() {
            return HASHTAG.matcher(newest().text()).results().map(match -> match.group(1).toLowerCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
        }

        Set<String> words() {
            return Arrays.stream(WORD_SEPARATORS.split(newest().text().toLowerCase(Locale.ROOT))).collect(Collectors.toSet());
        }
    }

    private final Map<String, Post> posts = new LinkedHashMap<>();
    private final Instant now;

    private PostsModel(Instant now) {
        this.now = now;
    }

    /**
     * {@code ordinaryPosts} posts by {@link #AUTHORS}, created 5 to 155 minutes before {@code now},
     * each with one to three versions and a one-in-five chance of a deletion, plus a clear ranking
     * case ({@code rank-strong} before {@code rank-weak} for "kumquat") and three spam posts by
     * {@link #SPAMMER} and bob_2 ({@code spam-1} to {@code spam-3}).
     */
    public static PostsModel generate(Random random, Instant now, int ordinaryPosts) {
        var model = new PostsModel(now);
        var width = Math.max(2, Integer.toString(ordinaryPosts).length());
        for (int i = 1; i <= ordinaryPosts; i++) {
            var id = "p" + "0".repeat(width - Integer.toString(i).length()) + i;
            var author = AUTHORS.get(random.nextInt(AUTHORS.size()));
            var created = now.minus(5 + random.nextInt(150), ChronoUnit.MINUTES);
            var texts = new ArrayList<String>();
            for (int v = 1 + random.nextInt(3); v > 0; v--) {
                texts.add(ordinaryText(random, id));
            }
            model.add(id, author, created, texts, random.nextInt(5) == 0, false);
        }
        var created = now.minus(30, ChronoUnit.MINUTES);
        model.add("rank-strong", "carol-3", created, List.of("kumquat kumquat kumquat jam"), false, false);
        model.add("rank-weak", "carol-3", created, List.of("the market had pears apples plums figs grapes"
                + " lemons limes melons and one kumquat near the river on a sunny morning #market"), false, false);
        model.add("spam-1", SPAMMER, created, List.of(spamText("A")), false, true);
        model.add("spam-2", SPAMMER, created, List.of(spamText("B"), spamText("C")), false, true);
        // Ordinary first, spam once edited: whichever arrives first, the newest verdict stands.
        model.add("spam-3", "bob_2", created, List.of("a calm post about a quokka and lunch by the river", spamText("D")),
                false, true);
        return model;
    }

    private void add(String id, String author, Instant created, List<String> texts, boolean deleted, boolean spam) {
        var events = new ArrayList<PostEvent>();
        for (int v = 1; v <= texts.size(); v++) {
            var type = v == 1 ? PostEvent.Type.CREATED : PostEvent.Type.UPDATED;
            events.add(new PostEvent(type, id, v, author, texts.get(v - 1), created, created.plusSeconds(60L * v),
                    v % 2 == 0 ? "en" : null));
        }
        if (deleted) {
            var v = texts.size() + 1;
            events.add(new PostEvent(PostEvent.Type.DELETED, id, v, author, null, created, created.plusSeconds(60L * v), null));
        }
        posts.put(id, new Post(id, author, created, List.copyOf(events), spam));
    }

    private static String ordinaryText(Random random, String id) {
        var words = new ArrayList<String>();
        words.add(id);
        for (int n = 6 + random.nextInt(5); n > 0; n--) {
            words.add(WORDS.get(random.nextInt(WORDS.size())));
        }
        for (var word : DISTINCTIVE) {
            if (random.nextInt(3) == 0) {
                words.add(random.nextInt(words.size()), word);
            }
        }
        for (int n = random.nextInt(3); n > 0; n--) {
            words.add(HASHTAGS.get(random.nextInt(HASHTAGS.size())));
        }
        if (random.nextBoolean()) {
            words.add(MENTIONS.get(random.nextInt(MENTIONS.size())));
        }
        return String.join(" ", words);
    }

    /** Shouting, three runs of repeated characters and four links: 1.5 + 2.25 + 2.25 points over the -3 prior. */
    private static String spamText(String offer) {
        return "WIN FREE ZORBLAX PRIZES NOW!!!! OFFER " + offer + " WOOOOW $$$$ HTTP://PRIZES.EXAMPLE/1"
                + " HTTP://PRIZES.EXAMPLE/2 HTTP://PRIZES.EXAMPLE/3 HTTP://PRIZES.EXAMPLE/4 #DEALS";
    }

    public Instant now() {
        return now;
    }

    public Collection<Post> posts() {
        return posts.values();
    }

    public Post post(String id) {
        return posts.get(id);
    }

    /** Every event of every post, post by post, oldest version first. */
    public List<PostEvent> events() {
        return posts.values().stream().flatMap(post -> post.events().stream()).toList();
    }

    /** {@link #AUTHORS} and {@link #SPAMMER}. */
    public Set<String> authors() {
        var authors = new LinkedHashSet<>(AUTHORS);
        authors.add(SPAMMER);
        return authors;
    }

    /** The spam filter's own rules, with nothing learned yet, agree with the model about every version of every post. */
    public void checkSpamRulesFire() {
        var scorer = new SpamScorer(SpamConfig.defaults());
        for (var post : posts.values()) {
            for (var event : post.events()) {
                if (event.type() == PostEvent.Type.DELETED) {
                    continue;
                }
                var verdict = scorer.score(event, Signals.none());
                var spam = post.spam() && event.text().contains("ZORBLAX");
                assertThat(verdict.spam()).as("%s v%d: %s", post.id(), event.version(), verdict.reasons()).isEqualTo(spam);
                assertThat(verdict.score()).as("%s v%d is clearly on its side of the threshold", post.id(), event.version())
                        .isNotCloseTo(SpamConfig.DEFAULT_THRESHOLD, Offset.offset(0.4));
            }
        }
    }

    /** {@code GET /analytics/trending?hours=24&limit=100}'s hashtags. */
    public List<Map<String, Object>> trending() {
        var counts = new TreeMap<String, Long>();
        posts.values().stream().filter(Post::live).forEach(post -> post.hashtags().forEach(tag -> counts.merge(tag, 1L, Long::sum)));
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(entry -> Map.<String, Object>of("hashtag", entry.getKey(), "posts", entry.getValue()))
                .toList();
    }

    /** {@code GET /analytics/authors/{authorId}?days=}. */
    public Map<String, Object> author(String authorId, int days) {
        var today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        var perDay = new ArrayList<Map<String, Object>>();
        for (int back = days - 1; back >= 0; back--) {
            var day = today.minusDays(back);
            var count = posts.values().stream().filter(Post::live).filter(post -> post.authorId().equals(authorId))
                    .filter(post -> LocalDate.ofInstant(post.createdAt(), ZoneOffset.UTC).equals(day)).count();
            perDay.add(Map.of("day", day.toString(), "count", count));
        }
        var total = posts.values().stream().filter(Post::live).filter(post -> post.authorId().equals(authorId)).count();
        return Map.of("authorId", authorId, "days", perDay, "total", total);
    }

    /** The posts a search for {@code word} must find. */
    public Set<String> searchable(String word) {
        return posts.values().stream().filter(Post::searchable).filter(post -> post.words().contains(word))
                .map(Post::id).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * Where the API disagrees with the model; empty when it agrees: trending hashtags, each
     * author's counts, and every page of a search for each of {@link #SEARCHED}.
     */
    public List<String> differences(Api api) throws Exception {
        var differences = new ArrayList<String>();
        var trending = api.get("/analytics/trending?hours=24&limit=100");
        if (!trending.get("hashtags").equals(tree(trending()))) {
            differences.add("trending " + trending.get("hashtags") + " != " + Json.write(trending()));
        }
        for (var author : authors()) {
            var stats = api.get("/analytics/authors/" + author + "?days=7");
            var expected = tree(author(author, 7));
            if (!stats.equals(expected)) {
                differences.add("author " + stats + " != " + expected);
            }
        }
        for (var word : SEARCHED) {
            var found = searchIds(api, word);
            var unique = new TreeSet<>(found);
            if (unique.size() != found.size()) {
                differences.add("search " + word + " returns a post twice: " + found);
            }
            if (!unique.equals(searchable(word))) {
                differences.add("search " + word + " " + unique + " != " + searchable(word));
            }
        }
        return differences;
    }

    /** Every hit of a search, page after page, in the order returned. */
    public static List<String> searchIds(Api api, String query) throws Exception {
        var ids = new ArrayList<String>();
        String cursor = null;
        do {
            var page = api.get("/search?limit=50&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            page.get("hits").forEach(hit -> ids.add(hit.get("postId").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return ids;
    }

    /** The JSON tree of {@code value} as a response would carry it (numbers compare by value). */
    private static JsonNode tree(Object value) {
        return Json.tree(Json.write(value));
    }
}
