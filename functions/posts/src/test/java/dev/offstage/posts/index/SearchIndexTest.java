package dev.offstage.posts.index;

import static dev.offstage.posts.index.SearchIndexFixture.created;
import static dev.offstage.posts.index.SearchIndexFixture.deleted;
import static dev.offstage.posts.index.SearchIndexFixture.event;
import static dev.offstage.posts.index.SearchIndexFixture.updated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ranked search over the DynamoDB index, and what each kind of event does to it. */
@ExtendWith(EmulatorsExtension.class)
class SearchIndexTest {

    private final SearchIndexFixture fixture;
    private final SearchIndex index;

    SearchIndexTest(Emulators emulators) {
        this.fixture = new SearchIndexFixture(emulators);
        this.index = fixture.index;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private List<String> ids(String query) {
        return index.search(query, SearchIndex.MAX_LIMIT, null).hits().stream().map(SearchHit::postId).toList();
    }

    @Test
    void termTwiceInAShortPostOutranksOnceInALongPost() {
        index.apply(created("long", "Lambda functions scale with traffic while queues absorb the bursts, "
                + "retries happen automatically and dead letters keep failures for later inspection"));
        index.apply(created("short", "Lambda, lambda everywhere"));
        index.apply(created("other", "Nothing relevant in this one"));

        var page = index.search("lambda", 10, null);

        assertThat(page.hits()).extracting(SearchHit::postId).containsExactly("short", "long");
        assertThat(page.hits().get(0).score()).isGreaterThan(page.hits().get(1).score());
        assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void rarerTermsWeighMore() {
        for (int i = 0; i < 5; i++) {
            index.apply(created("common-" + i, "queue message number " + i));
        }
        index.apply(created("rare", "a zeppelin"));

        assertThat(ids("queue zeppelin")).first().isEqualTo("rare");
        assertThat(ids("queue zeppelin")).hasSize(6);
    }

    @Test
    void stemmedQueryFindsInflectedWords() {
        index.apply(created("p1", "She was RUNNING through the park"));

        assertThat(ids("runs")).containsExactly("p1");
        assertThat(ids("the")).isEmpty();
    }

    @Test
    void postsInOtherLanguagesAreFoundWithTheQueryLanguage() {
        index.apply(event(PostEvent.Type.CREATED, "de1", 1, "Die Häuser am See", "de"));

        assertThat(index.search("Haus", "de", 10, null).hits()).extracting(SearchHit::postId).containsExactly("de1");
        assertThat(index.search("Haus", null, 10, null).hits()).isEmpty();
    }

    @Test
    void updateReplacesThePostings() {
        index.apply(created("p1", "apples and pears"));

        assertThat(index.apply(updated("p1", 2, "pears and plums"))).isEqualTo(SearchIndex.Outcome.APPLIED);

        assertThat(ids("apples")).isEmpty();
        assertThat(ids("plums")).containsExactly("p1");
        assertThat(ids("pears")).containsExactly("p1");
        assertThat(fixture.storedPostings()).containsExactly("pear p1 1 2", "plum p1 1 2");
    }

    @Test
    void deleteRemovesThePostAndItsCounts() {
        index.apply(created("p1", "apples and pears"));
        index.apply(created("p2", "apples only"));

        index.apply(deleted("p1", 2));

        assertThat(ids("apples pears")).containsExactly("p2");
        assertThat(fixture.storedPostings()).containsExactly("appl p2 1 2", "onli p2 1 2");
        assertThat(fixture.storedCounters()).containsOnly(
                org.assertj.core.api.Assertions.entry("docs", 1L),
                org.assertj.core.api.Assertions.entry("length", 2L),
                org.assertj.core.api.Assertions.entry("df:appl", 1L),
                org.assertj.core.api.Assertions.entry("df:onli", 1L));
    }

    @Test
    void olderVersionAfterNewerChangesNothing() {
        index.apply(updated("p1", 3, "newest text"));
        var before = fixture.storedCounters();

        assertThat(index.apply(updated("p1", 2, "older words"))).isEqualTo(SearchIndex.Outcome.IGNORED);
        assertThat(index.apply(created("p1", "original words"))).isEqualTo(SearchIndex.Outcome.IGNORED);

        assertThat(ids("older original words")).isEmpty();
        assertThat(ids("newest")).containsExactly("p1");
        assertThat(fixture.storedCounters()).isEqualTo(before);
    }

    @Test
    void updateAfterDeleteChangesNothing() {
        index.apply(created("p1", "first words"));
        index.apply(deleted("p1", 2));
        var before = fixture.storedCounters();

        assertThat(index.apply(updated("p1", 3, "resurrected words"))).isEqualTo(SearchIndex.Outcome.IGNORED);

        assertThat(ids("resurrected words first")).isEmpty();
        assertThat(fixture.storedCounters()).isEqualTo(before);
    }

    @Test
    void deleteBeforeCreateKeepsThePostOut() {
        index.apply(deleted("p1", 2));

        assertThat(index.apply(created("p1", "late creation"))).isEqualTo(SearchIndex.Outcome.IGNORED);

        assertThat(ids("late creation")).isEmpty();
        assertThat(fixture.storedPostings()).isEmpty();
    }

    @Test
    void duplicateApplyIsANoOp() {
        var event = created("p1", "exactly once please");
        index.apply(event);
        var counters = fixture.storedCounters();
        var postings = fixture.storedPostings();

        assertThat(index.apply(event)).isEqualTo(SearchIndex.Outcome.IGNORED);

        assertThat(fixture.storedCounters()).isEqualTo(counters)
                .containsEntry("docs", 1L).containsEntry("length", 3L);
        assertThat(fixture.storedPostings()).isEqualTo(postings);
    }

    @Test
    void hiddenPostsAreNeverReturned() {
        index.hide("spam");  // the verdict may arrive before the post is indexed
        index.apply(created("spam", "cheap pills cheap pills"));
        index.apply(created("ham", "pills from the doctor"));

        assertThat(ids("pills")).containsExactly("ham");

        index.unhide("spam");
        assertThat(ids("pills")).containsExactly("spam", "ham");
        index.hide("spam");
        index.apply(updated("spam", 2, "still cheap pills"));
        assertThat(ids("pills")).containsExactly("ham");
    }

    @Test
    void paginationByCursorWalksTheWholeRankingOnce() {
        for (int i = 0; i < 11; i++) {
            index.apply(created("p" + i, "lambda " + "word ".repeat(i)));
        }
        index.hide("p4");
        var all = ids("lambda");

        var paged = new ArrayList<String>();
        String cursor = null;
        int pages = 0;
        do {
            var page = index.search("lambda", 3, cursor);
            page.hits().forEach(hit -> paged.add(hit.postId()));
            cursor = page.nextCursor().orElse(null);
            pages++;
        } while (cursor != null);

        assertThat(all).hasSize(10).doesNotContain("p4").startsWith("p0", "p1", "p2");
        assertThat(paged).isEqualTo(all);
        assertThat(pages).isEqualTo(4);
        assertThat(index.search("lambda", 3, index.search("lambda", 3, null).nextCursor().orElseThrow()).hits())
                .extracting(SearchHit::postId).containsExactly("p3", "p5", "p6");
    }

    @Test
    void snippetIsAWindowAroundTheFirstMatch() {
        var text = "x".repeat(300) + " the serverless QUEUES keep work off the request path " + "y".repeat(300);
        index.apply(created("p1", text));

        var snippet = index.search("queue", 1, null).hits().get(0).snippet();

        assertThat(snippet).startsWith("…").endsWith("…").contains("QUEUES keep work")
                .hasSizeLessThanOrEqualTo(SearchIndex.SNIPPET_CHARS + 2);
    }

    @Test
    void searchRequestsAreBoundedAndExtraTermsReported() {
        for (int i = 0; i < 30; i++) {
            index.apply(created("p" + i, "alpha bravo charlie delta echo foxtrot golf hotel india juliet " + i));
        }
        fixture.dynamoDb.resetCounts();

        var page = index.search("alpha bravo charlie delta echo foxtrot golf hotel india juliet", 10, null);

        assertThat(page.ignoredTerms()).containsExactly("india", "juliet");
        assertThat(page.hits()).hasSize(10);
        assertThat(fixture.dynamoDb.totalCalls()).isLessThanOrEqualTo(SearchIndex.MAX_REQUESTS_PER_SEARCH);
        assertThat(fixture.dynamoDb.calls("Query")).isEqualTo(SearchIndex.MAX_QUERY_TERMS);
        assertThat(fixture.dynamoDb.calls("GetItem")).isEqualTo(1);
        assertThat(fixture.dynamoDb.calls("BatchGetItem")).isEqualTo(1);
    }

    @Test
    void emptyQueryFindsNothingWithoutRequests() {
        index.apply(created("p1", "something"));
        fixture.dynamoDb.resetCounts();

        assertThat(index.search("the and of 🚀", 10, null).hits()).isEmpty();
        assertThat(fixture.dynamoDb.totalCalls()).isZero();
    }

    @Test
    void badLimitsAndCursorsAreRejected() {
        assertThatThrownBy(() -> index.search("x", 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search("x", SearchIndex.MAX_LIMIT + 1, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search("x", 10, "not a cursor!")).isInstanceOf(IllegalArgumentException.class);
    }
}
