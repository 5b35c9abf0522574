package dev.offstage.posts.index;

import static dev.offstage.posts.index.SearchIndexFixture.created;
import static dev.offstage.posts.index.SearchIndexFixture.deleted;
import static dev.offstage.posts.index.SearchIndexFixture.updated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At-least-once, unordered delivery and crashes at every step: the index ends exactly where a
 * from-scratch computation over the posts' final versions says.
 */
@ExtendWith(EmulatorsExtension.class)
class SearchIndexConvergenceTest {

    private static final List<String> WORDS = List.of("lambda", "queue", "retry", "batch", "index", "search",
            "post", "spam", "ranking", "cursor", "shard", "stream", "event", "version", "delete");

    private final SearchIndexFixture fixture;
    private final SearchIndex index;

    SearchIndexConvergenceTest(Emulators emulators) {
        this.fixture = new SearchIndexFixture(emulators);
        this.index = fixture.index;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void countersMatchARecomputationAfterDuplicatedShuffledEvents() {
        var random = new Random(20261127);
        var history = history(random, 12);
        var deliveries = duplicatedAndShuffled(history, random);

        deliveries.forEach(index::apply);

        assertConverged(history);
    }

    @Test
    void crashesAtAnyStepConvergeOnceEventsAreRedelivered() {
        var random = new Random(42);
        var history = history(random, 10);
        var queue = new LinkedList<>(duplicatedAndShuffled(history, random));
        int crashes = 0;
        int busy = 0;

        while (!queue.isEmpty()) {
            var event = queue.removeFirst();
            if (random.nextInt(3) == 0) {
                fixture.dynamoDb.crashAtWrite(1 + random.nextInt(12));
            }
            try {
                index.apply(event);
            } catch (CountingDynamoDb.Crash e) {
                crashes++;
                queue.add(random.nextInt(queue.size() + 1), event); // redelivered later, maybe after others
                if (random.nextBoolean()) {
                    fixture.clock.advance(SearchIndexFixture.LEASE.plusSeconds(1));
                }
            } catch (PostBusyException e) {
                busy++;
                queue.add(random.nextInt(queue.size() + 1), event);
                fixture.clock.advance(SearchIndexFixture.LEASE.plusSeconds(1));
            } finally {
                fixture.dynamoDb.noCrash();
            }
        }

        assertThat(crashes).isGreaterThan(5);
        assertThat(busy).isPositive();
        assertConverged(history);
    }

    @Test
    void aWriteRetriedAfterItLandedNeitherStallsThePostNorCountsTwice() {
        // The update writes: lease, intent, postings, four term counters (two terms leave, two
        // arrive; the corpus keeps its size), commit, four marker removals, release — 13 writes.
        // The SDK retries a write whose answer is lost (a 500 after it landed, a dropped
        // connection): each of them sent twice in turn.
        var history = new ArrayList<PostEvent>();
        for (int write = 1; write <= 13; write++) {
            var postId = "retried-" + write;
            var first = created(postId, "lambda queue retry");
            var second = updated(postId, 2, "lambda batch index");
            index.apply(first);
            fixture.dynamoDb.repeatWrite(write);
            assertThat(index.apply(second)).as("write %d sent twice", write).isEqualTo(SearchIndex.Outcome.APPLIED);
            fixture.dynamoDb.noCrash();
            // The post's next event goes through at once: no lease is left behind to wait out.
            var third = updated(postId, 3, "lambda stream event");
            assertThat(index.apply(third)).as("after write %d sent twice", write).isEqualTo(SearchIndex.Outcome.APPLIED);
            history.addAll(List.of(first, second, third));
        }

        assertConverged(history);
    }

    @Test
    void aHeldLeaseMakesOtherEventsOfThePostRetryLater() {
        index.apply(created("p1", "first words"));
        fixture.dynamoDb.crashAtWrite(3); // lease taken, intent staked, crash while writing postings
        assertThatThrownBy(() -> index.apply(updated("p1", 2, "second words"))).isInstanceOf(CountingDynamoDb.Crash.class);

        assertThatThrownBy(() -> index.apply(updated("p1", 3, "third words"))).isInstanceOf(PostBusyException.class);
        fixture.clock.advance(SearchIndexFixture.LEASE.plusSeconds(1));
        // Any later event finishes the crashed one's intent first, then applies its own.
        assertThat(index.apply(updated("p1", 3, "third words"))).isEqualTo(SearchIndex.Outcome.APPLIED);
        assertThat(index.apply(updated("p1", 2, "second words"))).isEqualTo(SearchIndex.Outcome.IGNORED);

        assertThat(fixture.storedPostings()).containsExactly("third p1 1 2", "word p1 1 2");
        assertThat(fixture.storedCounters()).containsEntry("docs", 1L).containsEntry("length", 2L)
                .containsEntry("df:word", 1L).doesNotContainKeys("df:first", "df:second");
    }

    /** Each post: created, updated a few times, sometimes deleted last (a delete is always the newest version). */
    private static List<PostEvent> history(Random random, int posts) {
        var events = new ArrayList<PostEvent>();
        for (int p = 0; p < posts; p++) {
            var postId = "post-" + p;
            int versions = 1 + random.nextInt(4);
            events.add(created(postId, text(random)));
            for (int v = 2; v <= versions; v++) {
                events.add(updated(postId, v, text(random)));
            }
            if (random.nextInt(3) == 0) {
                events.add(deleted(postId, versions + 1));
            }
        }
        return events;
    }

    private static String text(Random random) {
        var words = new ArrayList<String>();
        int count = random.nextInt(9); // sometimes empty: a live post of length zero
        for (int i = 0; i < count; i++) {
            words.add(WORDS.get(random.nextInt(WORDS.size())));
        }
        return String.join(" ", words);
    }

    private static List<PostEvent> duplicatedAndShuffled(List<PostEvent> history, Random random) {
        var deliveries = new ArrayList<PostEvent>();
        for (var event : history) {
            int copies = 1 + random.nextInt(3);
            for (int i = 0; i < copies; i++) {
                deliveries.add(event);
            }
        }
        Collections.shuffle(deliveries, random);
        return deliveries;
    }

    /** Compares the table with the in-memory model: each post at its newest version, deletions final. */
    private void assertConverged(List<PostEvent> history) {
        var newest = new HashMap<String, PostEvent>();
        for (var event : history) {
            newest.merge(event.postId(), event, (a, b) -> a.version() >= b.version() ? a : b);
        }
        var expectedCounters = new HashMap<String, Long>();
        var expectedPostings = new ArrayList<String>();
        for (var event : newest.values()) {
            if (event.type() == PostEvent.Type.DELETED) {
                continue;
            }
            Map<String, Integer> frequencies = fixture.analyzers.termFrequencies(event.text(), event.lang());
            long length = frequencies.values().stream().mapToLong(Integer::longValue).sum();
            expectedCounters.merge("docs", 1L, Long::sum);
            expectedCounters.merge("length", length, Long::sum);
            frequencies.forEach((term, tf) -> {
                expectedCounters.merge("df:" + term, 1L, Long::sum);
                expectedPostings.add(term + " " + event.postId() + " " + tf + " " + length);
            });
        }
        expectedCounters.values().removeIf(value -> value == 0);
        expectedPostings.sort(null);

        assertThat(fixture.storedCounters()).isEqualTo(expectedCounters);
        assertThat(fixture.storedPostings()).isEqualTo(expectedPostings);
        // Nothing left in flight: no intents, leases, or markers.
        for (var item : fixture.items()) {
            assertThat(item).doesNotContainKeys("pv", "lease", "leaseUntil", "cm", "ct", "markers");
        }
        // And search agrees: every live post is found by its words, no deleted one is.
        for (var event : newest.values()) {
            var found = index.search(event.text().isBlank() ? "nothing" : event.text(), SearchIndex.MAX_LIMIT, null)
                    .hits().stream().map(SearchHit::postId).toList();
            if (event.type() == PostEvent.Type.DELETED) {
                assertThat(found).doesNotContain(event.postId());
            } else if (!event.text().isBlank()) {
                assertThat(found).contains(event.postId());
            }
        }
    }
}
