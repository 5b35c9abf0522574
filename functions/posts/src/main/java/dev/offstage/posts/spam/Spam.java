package dev.offstage.posts.spam;

import dev.offstage.posts.event.PostEvent;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import java.util.Objects;
import java.util.Optional;

/**
 * The spam consumer's logic: scores each post event and stores the verdict, and takes
 * moderators' verdicts. A handler calls one method per message or request. Thread-safe; every
 * method is safe to retry (see {@link SpamStore} for how each effect stays exactly once).
 */
public final class Spam {

    private final SpamStore store;
    private final SpamScorer scorer;

    public Spam(SpamStore store, SpamScorer scorer) {
        this.store = Objects.requireNonNull(store, "store");
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    /**
     * Built from the environment: {@code OFFSTAGE_SPAM_TABLE} (required), the
     * {@code OFFSTAGE_SPAM_*} settings of {@link SpamConfig#from}, and the AWS variables of
     * {@link AwsClients}. Call once per execution environment.
     */
    public static Spam fromEnvironment(Environment environment) {
        var config = SpamConfig.from(environment);
        var table = environment.require(SpamStore.TABLE_VARIABLE);
        return new Spam(new SpamStore(AwsClients.from(environment).dynamoDb(), table, config), new SpamScorer(config));
    }

    /**
     * Handles a post event: a deletion marks the post deleted; a creation or update is scored
     * and its verdict stored, unless a newer version (or the deletion) is stored already.
     *
     * @return the verdict computed, or empty for a deletion
     */
    public Optional<Verdict> score(PostEvent event) {
        if (event.type() == PostEvent.Type.DELETED) {
            store.markDeleted(event);
            return Optional.empty();
        }
        var verdict = scorer.score(event, store.signals(event));
        store.saveVerdict(event, verdict);
        return Optional.of(verdict);
    }

    /** Records a moderator's verdict; see {@link SpamStore#recordModeratorVerdict}. */
    public ModerationOutcome moderate(ModeratorVerdict request) {
        return store.recordModeratorVerdict(request);
    }

    /** What is stored for the post (e.g. whether search must hide it); empty when unknown. */
    public Optional<StoredVerdict> verdict(String postId) {
        return store.verdict(postId);
    }
}
