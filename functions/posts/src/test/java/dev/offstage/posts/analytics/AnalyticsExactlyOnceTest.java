package dev.offstage.posts.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly once under at-least-once, unordered delivery: a seeded stream of created, updated and
 * deleted events, every one delivered two or three times, shuffled, with consumers crashing
 * midway (the crashed message redelivered later) or overtaken midway by another consumer, ends in
 * exactly the counts of a plain in-memory model of the same events.
 */
@ExtendWith(EmulatorsExtension.class)
class AnalyticsExactlyOnceTest {

    private static final Instant START = Instant.parse("2026-11-26T20:00:00Z");
    private static final int HOURS = 30;
    private static final Instant NOW = START.plus(HOURS - 1, ChronoUnit.HOURS).plusSeconds(1800);
    private static final List<String> AUTHORS = List.of("ann", "bob", "cleo");
    private static final List<String> HASHTAGS = List.of("#rust", "#Java", "#東京", "#café", "#go", "#RUST");
    private static final List<String> MENTIONS = List.of("@ann", "@Bob", "@δ", "mail@example.com");

    private final AnalyticsFixture fixture;

    AnalyticsExactlyOnceTest(Emulators emulators) {
        this.fixture = new AnalyticsFixture(emulators);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void duplicatedShuffledAndCrashingDeliveriesGiveTheCountsOfTheNewestVersions() {
        var random = new Random(20261127);
        var events = history(random, 40);
        var deliveries = new LinkedList<PostEvent>();
        for (var event : events) {
            for (var copies = 2 + random.nextInt(2); copies > 0; copies--) {
                deliveries.add(event);
            }
        }
        Collections.shuffle(deliveries, random);
        var client = fixture.interruptible();
        var store = new AnalyticsStore(client, fixture.table);
        var crashes = 0;
        var overtakes = 0;

        while (!deliveries.isEmpty()) {
            var event = deliveries.removeFirst();
            client.reset();
            if (random.nextInt(5) == 0) {
                client.crashAfter(1 + random.nextInt(6));
            }
            var overtaking = new ArrayList<PostEvent>();
            var overtook = new boolean[1];
            if (random.nextInt(3) == 0) {
                // A second consumer takes every queued copy of the post's newest queued event and
                // finishes them between two of this one's requests. All copies: a later copy must
                // not be what repairs the damage a slower, older version might do.
                deliveries.stream()
                        .filter(queued -> queued.postId().equals(event.postId()))
                        .max(Comparator.comparingLong(Model::rank))
                        .ifPresent(newest -> {
                            deliveries.stream().filter(newest::equals).forEach(overtaking::add);
                            deliveries.removeIf(newest::equals);
                        });
                var at = 1 + random.nextInt(6);
                client.beforeEachRequest(request -> {
                    if (request == at) {
                        overtaking.forEach(fixture.store::apply);
                        overtook[0] = true;
                    }
                });
            }
            try {
                store.apply(event);
            } catch (InterruptibleDynamoDb.Crash crash) {
                // SQS makes the message visible again; it comes back among the others.
                crashes++;
                deliveries.add(random.nextInt(deliveries.size() + 1), event);
            }
            if (overtook[0]) {
                overtakes++;
            } else {
                // This apply ended before the chosen request: those messages are still due.
                overtaking.forEach(deliveries::addFirst);
            }
        }

        var model = new Model(events);
        assertThat(crashes).isPositive();
        assertThat(overtakes).isPositive();
        assertThat(model.posts).as("the stream deletes some posts and keeps others").isNotEmpty();
        assertThat(fixture.store.postsPerHour(NOW, HOURS)).isEqualTo(model.postsPerHour());
        assertThat(fixture.store.trending(NOW, HOURS, AnalyticsStore.MAX_LIMIT)).isEqualTo(model.trending());
        for (var author : AUTHORS) {
            assertThat(fixture.store.author(author, NOW, 3)).isEqualTo(model.author(author));
        }
        for (var user : List.of("ann", "bob", "δ", "example")) {
            assertThat(fixture.store.mentions(user, NOW, HOURS)).as(user).isEqualTo(model.mentions(user));
        }
    }

    /** Each post: a creation, zero to three updates, and in a third of the posts a deletion. */
    private static List<PostEvent> history(Random random, int posts) {
        var events = new ArrayList<PostEvent>();
        for (var i = 0; i < posts; i++) {
            var createdAt = START.plusSeconds(random.nextLong(HOURS * 3600L));
            var author = AUTHORS.get(random.nextInt(AUTHORS.size()));
            var created = AnalyticsFixture.created("p" + i, author, text(random), createdAt);
            events.add(created);
            var versions = 1 + random.nextInt(4);
            for (var version = 2; version <= versions; version++) {
                events.add(AnalyticsFixture.updated(created, version, text(random)));
            }
            if (random.nextInt(3) == 0) {
                events.add(AnalyticsFixture.deleted(created, versions + 1));
            }
        }
        return events;
    }

    private static String text(Random random) {
        var words = new ArrayList<String>();
        for (var n = random.nextInt(4); n > 0; n--) {
            words.add(HASHTAGS.get(random.nextInt(HASHTAGS.size())));
        }
        for (var n = random.nextInt(3); n > 0; n--) {
            words.add(MENTIONS.get(random.nextInt(MENTIONS.size())));
        }
        words.add("words");
        Collections.shuffle(words, random);
        return String.join(" ", words);
    }

    /** The rule written plainly: each post as its newest event says, nothing if deleted. */
    private static final class Model {

        final List<PostEvent> posts;

        Model(List<PostEvent> events) {
            var newest = events.stream().collect(Collectors.toMap(PostEvent::postId, event -> event,
                    (a, b) -> rank(a) >= rank(b) ? a : b));
            this.posts = newest.values().stream().filter(event -> event.type() != PostEvent.Type.DELETED).toList();
        }

        private static long rank(PostEvent event) {
            return event.type() == PostEvent.Type.DELETED ? Long.MAX_VALUE : event.version();
        }

        List<HourCount> postsPerHour() {
            return perHour(posts);
        }

        List<HourCount> mentions(String user) {
            return perHour(posts.stream().filter(post -> PostFacts.of(post).mentions().contains(user)).toList());
        }

        List<HashtagCount> trending() {
            var counts = new HashMap<String, Long>();
            posts.forEach(post -> PostFacts.of(post).hashtags().forEach(tag -> counts.merge(tag, 1L, Long::sum)));
            return counts.entrySet().stream()
                    .map(entry -> new HashtagCount(entry.getKey(), entry.getValue()))
                    .sorted(Comparator.comparingLong(HashtagCount::posts).reversed().thenComparing(HashtagCount::hashtag))
                    .toList();
        }

        AuthorStats author(String author) {
            var mine = posts.stream().filter(post -> post.authorId().equals(author)).toList();
            var today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
            var days = today.minusDays(2).datesUntil(today.plusDays(1))
                    .map(day -> new DayCount(day, mine.stream().filter(post -> PostFacts.of(post).day().equals(day)).count()))
                    .toList();
            return new AuthorStats(author, days, mine.size());
        }

        private static List<HourCount> perHour(List<PostEvent> selected) {
            Map<Instant, Long> counts = new TreeMap<>();
            for (var i = 0; i < HOURS; i++) {
                counts.put(START.plus(i, ChronoUnit.HOURS), 0L);
            }
            selected.forEach(post -> counts.merge(PostFacts.of(post).hour(), 1L, Long::sum));
            return counts.entrySet().stream().map(entry -> new HourCount(entry.getKey(), entry.getValue())).toList();
        }
    }
}
