package dev.offstage.posts.spam;

import static dev.offstage.posts.spam.Posts.created;
import static dev.offstage.posts.spam.Posts.deleted;
import static dev.offstage.posts.spam.Posts.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verdicts, duplicate counting and moderation against dynalite, delivered twice and out of order. */
@ExtendWith(EmulatorsExtension.class)
class SpamStoreTest {

    private static final String SPAMMY = "cheap watches at spam.example/w";

    private final AwsClients aws;
    private final SpamConfig config = SpamConfig.defaults().withBlocklist(Set.of("spam.example"));
    private final SpamStore store;
    private final Spam spam;

    SpamStoreTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        var table = EmulatorsExtension.uniqueName("spam");
        SpamStore.createTable(aws.dynamoDb(), table);
        this.store = new SpamStore(aws.dynamoDb(), table, config);
        this.spam = new Spam(store, new SpamScorer(config));
    }

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void verdictIsStoredAndReadable() {
        var verdict = spam.score(created("p-1", "alice", SPAMMY, Duration.ZERO)).orElseThrow();

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.model()).contains(verdict);
        assertThat(stored.postVersion()).isEqualTo(1);
        assertThat(stored.spam()).isTrue();
        assertThat(stored.hidden()).isTrue();
        assertThat(stored.source()).isEqualTo(StoredVerdict.Source.MODEL);
        assertThat(stored.model().orElseThrow().reasons()).extracting(Reason::rule).contains("blocklisted-domain");
    }

    @Test
    void unknownPostHasNoVerdict() {
        assertThat(store.verdict("never")).isEmpty();
    }

    @Test
    void duplicateDeliveryDoesNotCountTheTextTwice() {
        var first = created("p-1", "alice", "same words", Duration.ZERO);

        assertThat(store.signals(first).sameTextInWindow()).isEqualTo(1);
        assertThat(store.signals(first).sameTextInWindow()).isEqualTo(1);
        // Another version of the same post with the same text is still one post.
        assertThat(store.signals(version(first, 2, "same words")).sameTextInWindow()).isEqualTo(1);
        assertThat(store.signals(created("p-2", "alice", "same words", Duration.ofMinutes(1))).sameTextInWindow())
                .isEqualTo(2);
    }

    @Test
    void sameTextThreeTimesWithinTheWindowTripsTheRule() {
        var text = "Follow me for   FREE followers";
        spam.score(created("p-1", "mallory", text, Duration.ZERO));
        var second = spam.score(created("p-2", "mallory", text.toLowerCase(), Duration.ofMinutes(4))).orElseThrow();
        var third = spam.score(created("p-3", "mallory", text, Duration.ofMinutes(8))).orElseThrow();

        assertThat(second.spam()).isFalse();
        assertThat(third.spam()).isTrue();
        assertThat(third.reasons()).extracting(Reason::rule).contains("duplicate-text");
        assertThat(store.verdict("p-3").orElseThrow().spam()).isTrue();
    }

    @Test
    void sameTextThreeTimesSpreadBeyondTheWindowDoesNot() {
        var text = "good morning everyone";
        spam.score(created("p-1", "bob", text, Duration.ZERO));
        spam.score(created("p-2", "bob", text, Duration.ofMinutes(11)));
        var third = spam.score(created("p-3", "bob", text, Duration.ofMinutes(22))).orElseThrow();

        assertThat(third.spam()).isFalse();
        assertThat(third.reasons()).extracting(Reason::rule).doesNotContain("duplicate-text");
    }

    @Test
    void sameTextByOtherAuthorsIsNotADuplicate() {
        var text = "happy new year";
        spam.score(created("p-1", "a", text, Duration.ZERO));
        spam.score(created("p-2", "b", text, Duration.ZERO));
        var third = spam.score(created("p-3", "c", text, Duration.ZERO)).orElseThrow();

        assertThat(third.reasons()).extracting(Reason::rule).doesNotContain("duplicate-text");
    }

    @Test
    void redeliveredEventStoresNothingNew() {
        var event = created("p-1", "alice", SPAMMY, Duration.ZERO);
        var verdict = spam.score(event).orElseThrow();

        assertThat(store.saveVerdict(event, verdict)).isFalse();
        assertThat(store.verdict("p-1").orElseThrow().model()).contains(verdict);
    }

    @Test
    void olderVersionAfterNewerChangesNothing() {
        var first = created("p-1", "alice", SPAMMY, Duration.ZERO);
        spam.score(version(first, 2, "a quiet afternoon in the garden"));

        spam.score(first);

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.postVersion()).isEqualTo(2);
        assertThat(stored.spam()).isFalse();
    }

    @Test
    void newerVersionReplacesTheModelVerdict() {
        var first = created("p-1", "alice", "a quiet afternoon in the garden", Duration.ZERO);
        spam.score(first);

        spam.score(version(first, 2, SPAMMY));

        assertThat(store.verdict("p-1").orElseThrow().spam()).isTrue();
    }

    @Test
    void updateAfterDeleteChangesNothing() {
        var first = created("p-1", "alice", "a quiet afternoon", Duration.ZERO);
        spam.score(first);
        spam.score(deleted(first, 2));

        spam.score(version(first, 3, SPAMMY));

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.deleted()).isTrue();
        assertThat(stored.hidden()).isTrue();
        assertThat(stored.model().orElseThrow().spam()).isFalse();
    }

    @Test
    void deleteArrivingFirstWinsOverEarlierVersions() {
        var first = created("p-1", "alice", SPAMMY, Duration.ZERO);
        spam.score(deleted(first, 3));

        spam.score(version(first, 2, "edited"));
        spam.score(first);

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.deleted()).isTrue();
        assertThat(stored.model()).isEmpty();
        assertThat(store.markDeleted(deleted(first, 3))).isFalse();
    }

    @Test
    void deleteWithALowerVersionThanAStoredUpdateStillDeletes() {
        var first = created("p-1", "alice", "hello", Duration.ZERO);
        spam.score(version(first, 3, "hello again"));

        spam.score(deleted(first, 2));

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.deleted()).isTrue();
        assertThat(stored.postVersion()).isEqualTo(3);
    }

    @Test
    void moderatorVerdictOverridesTheModel() {
        spam.score(created("p-1", "alice", SPAMMY, Duration.ZERO));

        var outcome = spam.moderate(ModeratorVerdict.notSpam("req-1", "p-1", "mod-ann", "a real watch shop"));

        assertThat(outcome).isEqualTo(ModerationOutcome.APPLIED);
        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.spam()).isFalse();
        assertThat(stored.source()).isEqualTo(StoredVerdict.Source.MODERATOR);
        assertThat(stored.moderator()).contains("mod-ann");
        assertThat(stored.note()).isEqualTo("a real watch shop");
        assertThat(stored.model().orElseThrow().spam()).isTrue();
    }

    @Test
    void moderatorVerdictSurvivesALaterModelRescoreOfTheSameVersion() {
        var event = created("p-1", "alice", SPAMMY, Duration.ZERO);
        spam.score(event);
        spam.moderate(ModeratorVerdict.notSpam("req-1", "p-1", "mod-ann", ""));

        spam.score(event);

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.spam()).isFalse();
        assertThat(stored.source()).isEqualTo(StoredVerdict.Source.MODERATOR);
    }

    @Test
    void moderatorVerdictSurvivesANewerVersion() {
        var event = created("p-1", "alice", "hello friends", Duration.ZERO);
        spam.score(event);
        spam.moderate(ModeratorVerdict.spam("req-1", "p-1", "mod-ann", "known spammer"));

        spam.score(version(event, 2, "hello again friends"));

        var stored = store.verdict("p-1").orElseThrow();
        assertThat(stored.postVersion()).isEqualTo(2);
        assertThat(stored.spam()).isTrue();
    }

    @Test
    void moderationFeedsTokenWeightsSoTheSameTokensLaterScoreHigher() {
        var text = "exclusive crypto giveaway tonight";
        var before = spam.score(created("p-1", "alice", text, Duration.ZERO)).orElseThrow();

        spam.moderate(ModeratorVerdict.spam("req-1", "p-1", "mod-ann", ""));

        var model = store.model();
        assertThat(model.version()).isEqualTo(1);
        assertThat(model.weight("crypto")).isEqualTo(config.learningRate());
        var after = spam.score(created("p-2", "bob", "crypto giveaway for you", Duration.ofHours(1))).orElseThrow();
        assertThat(after.score()).isGreaterThan(before.score());
        assertThat(after.modelVersion()).isEqualTo("rules-1/tokens-1");
        assertThat(after.reasons()).extracting(Reason::rule).contains("token-weights");
    }

    @Test
    void notSpamVerdictLowersTokenWeights() {
        spam.score(created("p-1", "alice", "knitting circle thursday", Duration.ZERO));

        spam.moderate(ModeratorVerdict.notSpam("req-1", "p-1", "mod-ann", ""));

        assertThat(store.model().weight("knitting")).isEqualTo(-config.learningRate());
    }

    @Test
    void retriedModerationRequestAppliesOnce() {
        spam.score(created("p-1", "alice", "crypto giveaway", Duration.ZERO));
        var request = ModeratorVerdict.spam("req-1", "p-1", "mod-ann", "");

        assertThat(spam.moderate(request)).isEqualTo(ModerationOutcome.APPLIED);
        assertThat(spam.moderate(request)).isEqualTo(ModerationOutcome.DUPLICATE);

        var model = store.model();
        assertThat(model.version()).isEqualTo(1);
        assertThat(model.weight("crypto")).isEqualTo(config.learningRate());
    }

    @Test
    void retriedOlderModerationDoesNotUndoANewerOne() {
        spam.score(created("p-1", "alice", "crypto giveaway", Duration.ZERO));
        var first = ModeratorVerdict.spam("req-1", "p-1", "mod-ann", "");
        spam.moderate(first);
        spam.moderate(ModeratorVerdict.notSpam("req-2", "p-1", "mod-bo", "appeal accepted"));

        spam.moderate(first);

        assertThat(store.verdict("p-1").orElseThrow().spam()).isFalse();
        assertThat(store.model().version()).isEqualTo(2);
        assertThat(store.model().weight("crypto")).isEqualTo(0.0);
    }

    @Test
    void moderatingAnUnknownOrDeletedPostChangesNothing() {
        var event = created("p-1", "alice", "hello", Duration.ZERO);
        spam.score(event);
        spam.score(deleted(event, 2));

        assertThat(spam.moderate(ModeratorVerdict.spam("req-1", "p-1", "mod", ""))).isEqualTo(ModerationOutcome.DELETED_POST);
        assertThat(spam.moderate(ModeratorVerdict.spam("req-2", "nope", "mod", ""))).isEqualTo(ModerationOutcome.UNKNOWN_POST);
        assertThat(store.model()).isEqualTo(TokenModel.EMPTY);
    }

    @Test
    void searchHidesSpamAndDeletedPostsButNotModeratorApprovedOnes() {
        spam.score(created("spam", "alice", SPAMMY, Duration.ZERO));
        spam.score(created("fine", "alice", "lunch was great", Duration.ZERO));
        spam.score(created("approved", "bob", "watches at spam.example/mine", Duration.ZERO));
        spam.moderate(ModeratorVerdict.notSpam("req-1", "approved", "mod", "his own shop"));
        var gone = created("gone", "carol", "bye", Duration.ZERO);
        spam.score(gone);
        spam.score(deleted(gone, 2));

        assertThat(store.hidden(List.of("spam", "fine", "approved", "gone", "unknown", "spam")))
                .containsExactlyInAnyOrder("spam", "gone");
    }

    @Test
    void hiddenReadsMoreThanOneBatch() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 130; i++) {
            ids.add("p-" + i);
        }
        spam.score(created("p-129", "alice", SPAMMY, Duration.ZERO));

        assertThat(store.hidden(ids)).containsExactly("p-129");
    }
}
