package dev.offstage.posts.analytics;

import static dev.offstage.posts.analytics.AnalyticsFixture.created;
import static dev.offstage.posts.analytics.AnalyticsFixture.deleted;
import static dev.offstage.posts.analytics.AnalyticsFixture.updated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What each kind of event does to the counters, and what the reads answer. */
@ExtendWith(EmulatorsExtension.class)
class AnalyticsStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:30:00Z");
    private static final Instant THIS_HOUR = Instant.parse("2026-11-27T10:00:00Z");

    private final AnalyticsFixture fixture;
    private final AnalyticsStore store;

    AnalyticsStoreTest(Emulators emulators) {
        this.fixture = new AnalyticsFixture(emulators);
        this.store = fixture.store;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void createdPostCountsItsHourAuthorDayHashtagsAndMentions() {
        assertThat(store.apply(created("p1", "ann", "Hello #Rust @Bob", NOW.minusSeconds(60)))).isTrue();

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("rust", 1));
        assertThat(store.postsPerHour(NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
        assertThat(store.mentions("bob", NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
        assertThat(store.author("ann", NOW, 1))
                .isEqualTo(new AuthorStats("ann", List.of(new DayCount(LocalDate.parse("2026-11-27"), 1)), 1));
    }

    @Test
    void redeliveredEventCountsOnce() {
        var event = created("p1", "ann", "#rust @bob", NOW);

        store.apply(event);
        store.apply(event);
        store.apply(event);

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("rust", 1));
        assertThat(store.postsPerHour(NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
        assertThat(store.author("ann", NOW, 1).total()).isEqualTo(1);
    }

    @Test
    void updateMovesHashtagsAndMentionsToTheNewText() {
        var v1 = created("p1", "ann", "#old @bob", NOW);
        store.apply(v1);

        store.apply(updated(v1, 2, "#new @cleo"));

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("new", 1));
        assertThat(store.mentions("bob", NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 0));
        assertThat(store.mentions("cleo", NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
        assertThat(store.postsPerHour(NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
    }

    @Test
    void olderVersionAfterNewerChangesNothing() {
        var v1 = created("p1", "ann", "#old", NOW);
        store.apply(updated(v1, 2, "#new"));

        assertThat(store.apply(v1)).isFalse();

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("new", 1));
    }

    @Test
    void updateBackToAnEarlierHashtagRevivesIt() {
        var v1 = created("p1", "ann", "#a", NOW);
        store.apply(v1);
        store.apply(updated(v1, 2, "#b"));

        store.apply(updated(v1, 3, "#a"));

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("a", 1));
    }

    @Test
    void deletionRemovesEverythingThePostCounted() {
        var v1 = created("p1", "ann", "#rust @bob", NOW);
        store.apply(v1);
        store.apply(created("p2", "ann", "#rust", NOW));

        assertThat(store.apply(deleted(v1, 2))).isTrue();

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("rust", 1));
        assertThat(store.mentions("bob", NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 0));
        assertThat(store.postsPerHour(NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 1));
        assertThat(store.author("ann", NOW, 1).total()).isEqualTo(1);
    }

    @Test
    void updateAfterDeleteChangesNothing() {
        var v1 = created("p1", "ann", "#rust", NOW);
        store.apply(v1);
        store.apply(deleted(v1, 2));

        // Even with a version above the deletion's: deletion is final.
        assertThat(store.apply(updated(v1, 3, "#back"))).isFalse();
        assertThat(store.apply(v1)).isFalse();

        assertThat(store.trending(NOW, 1, 10)).isEmpty();
        assertThat(store.author("ann", NOW, 1).total()).isZero();
    }

    @Test
    void deletionBeforeCreationCountsNothing() {
        var v1 = created("p1", "ann", "#rust", NOW);

        store.apply(deleted(v1, 2));
        store.apply(v1);

        assertThat(store.trending(NOW, 1, 10)).isEmpty();
        assertThat(store.postsPerHour(NOW, 1)).containsExactly(new HourCount(THIS_HOUR, 0));
    }

    @Test
    void postsCountInTheirCreationHourWhateverVersionArrivesFirst() {
        var v1 = created("p1", "ann", "#rust", THIS_HOUR.minusSeconds(1));

        store.apply(updated(v1, 2, "#rust #java"));

        assertThat(store.postsPerHour(NOW, 2))
                .containsExactly(new HourCount(THIS_HOUR.minusSeconds(3600), 1), new HourCount(THIS_HOUR, 0));
    }

    @Test
    void trendingCountsTheWindowOnlyAndRanksByPostsThenHashtag() {
        store.apply(created("p1", "ann", "#rust #java", NOW));
        store.apply(created("p2", "bob", "#rust #go", NOW.minusSeconds(3600)));
        store.apply(created("p3", "bob", "#go #rust", NOW.minusSeconds(2 * 3600)));
        store.apply(created("p4", "bob", "#ancient", NOW.minusSeconds(3 * 3600)));

        assertThat(store.trending(NOW, 3, 10)).containsExactly(
                new HashtagCount("rust", 3), new HashtagCount("go", 2), new HashtagCount("java", 1));
        assertThat(store.trending(NOW, 3, 2)).containsExactly(new HashtagCount("rust", 3), new HashtagCount("go", 2));
        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("java", 1), new HashtagCount("rust", 1));
    }

    @Test
    void authorStatsCountPerDayWithZerosAndAllTimeTotal() {
        store.apply(created("p1", "ann", "", Instant.parse("2026-11-27T00:00:00Z")));
        store.apply(created("p2", "ann", "", Instant.parse("2026-11-27T09:00:00Z")));
        store.apply(created("p3", "ann", "", Instant.parse("2026-11-25T23:59:59Z")));
        store.apply(created("p4", "ann", "", Instant.parse("2026-10-01T12:00:00Z")));
        store.apply(created("p5", "bob", "", Instant.parse("2026-11-27T09:00:00Z")));

        var stats = store.author("ann", NOW, 3);

        assertThat(stats.days()).containsExactly(
                new DayCount(LocalDate.parse("2026-11-25"), 1),
                new DayCount(LocalDate.parse("2026-11-26"), 0),
                new DayCount(LocalDate.parse("2026-11-27"), 2));
        assertThat(stats.total()).isEqualTo(4);
    }

    @Test
    void postsPerHourSpanDaysOldestFirst() {
        store.apply(created("p1", "ann", "", Instant.parse("2026-11-26T23:10:00Z")));
        store.apply(created("p2", "ann", "", Instant.parse("2026-11-27T00:50:00Z")));
        store.apply(created("p3", "ann", "", Instant.parse("2026-11-27T00:59:59Z")));

        assertThat(store.postsPerHour(Instant.parse("2026-11-27T01:00:00Z"), 3)).containsExactly(
                new HourCount(Instant.parse("2026-11-26T23:00:00Z"), 1),
                new HourCount(Instant.parse("2026-11-27T00:00:00Z"), 2),
                new HourCount(Instant.parse("2026-11-27T01:00:00Z"), 0));
    }

    @Test
    void slowOlderVersionCannotOverwriteWhatANewerOneWrote() {
        var v1 = created("p1", "ann", "#old", NOW);
        var v2 = updated(v1, 2, "#new");
        var client = fixture.interruptible();
        var slow = new AnalyticsStore(client, fixture.table);
        // v1 records itself, then v2 overtakes it completely before v1 writes its first counter.
        client.beforeEachRequest(request -> {
            if (request == 2) {
                store.apply(v2);
            }
        });

        assertThat(slow.apply(v1)).isFalse();

        assertThat(store.trending(NOW, 1, 10)).containsExactly(new HashtagCount("new", 1));
    }

    @Test
    void crashMidwayThenRedeliveryCompletesTheEffect() {
        var v1 = created("p1", "ann", "#a #b #c", NOW);
        var client = fixture.interruptible();
        var crashing = new AnalyticsStore(client, fixture.table);
        client.crashAfter(3);

        assertThatThrownBy(() -> crashing.apply(v1)).isInstanceOf(InterruptibleDynamoDb.Crash.class);
        assertThat(store.trending(NOW, 1, 10)).hasSizeLessThan(3);
        client.reset();
        crashing.apply(v1);

        assertThat(store.trending(NOW, 1, 10)).containsExactly(
                new HashtagCount("a", 1), new HashtagCount("b", 1), new HashtagCount("c", 1));
        assertThat(store.author("ann", NOW, 1).total()).isEqualTo(1);
    }

    @Test
    void windowsOutsideTheLimitsAreRejected() {
        assertThatThrownBy(() -> store.trending(NOW, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.trending(NOW, AnalyticsStore.MAX_HOURS + 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.trending(NOW, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.author("ann", NOW, AnalyticsStore.MAX_DAYS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
