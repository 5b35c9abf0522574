package dev.offstage.posts.event;

import static dev.offstage.posts.event.PostVersionGuard.Outcome.APPLY;
import static dev.offstage.posts.event.PostVersionGuard.Outcome.DUPLICATE;
import static dev.offstage.posts.event.PostVersionGuard.Outcome.STALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each consumer's view of a post only moves forward, and a deleted post stays deleted. */
@ExtendWith(EmulatorsExtension.class)
class PostVersionGuardTest {

    private final AwsClients aws;
    private final PostVersionGuard guard;

    PostVersionGuardTest(Emulators emulators) {
        this.aws = AwsClients.from(Environment.of(emulators.environment()));
        var table = EmulatorsExtension.uniqueName("post-versions");
        PostVersionGuard.createTable(aws.dynamoDb(), table);
        this.guard = new PostVersionGuard(aws.dynamoDb(), table);
    }

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void versionsInOrderAllApply() {
        assertThat(guard.claim("index", created(1))).isEqualTo(APPLY);
        assertThat(guard.claim("index", updated(2))).isEqualTo(APPLY);
        assertThat(guard.claim("index", updated(3))).isEqualTo(APPLY);
        assertThat(guard.claim("index", deleted(4))).isEqualTo(APPLY);
    }

    @Test
    void olderVersionAfterNewerChangesNothing() {
        assertThat(guard.claim("index", updated(3))).isEqualTo(APPLY);

        assertThat(guard.claim("index", updated(2))).isEqualTo(STALE);
        assertThat(guard.claim("index", created(1))).isEqualTo(STALE);
        assertThat(guard.claim("index", updated(4))).isEqualTo(APPLY);
    }

    @Test
    void redeliveredVersionIsADuplicateNeverApplied() {
        assertThat(guard.claim("index", updated(2))).isEqualTo(APPLY);

        assertThat(guard.claim("index", updated(2))).isEqualTo(DUPLICATE);
        assertThat(guard.claim("index", updated(2))).isEqualTo(DUPLICATE);
    }

    @Test
    void updateAfterDeleteChangesNothing() {
        assertThat(guard.claim("index", deleted(3))).isEqualTo(APPLY);

        assertThat(guard.claim("index", updated(2))).isEqualTo(STALE);
        assertThat(guard.claim("index", created(1))).isEqualTo(STALE);
        assertThat(guard.claim("index", deleted(3))).isEqualTo(DUPLICATE);
    }

    @Test
    void deletedPostStaysDeletedEvenForNewerVersions() {
        assertThat(guard.claim("index", deleted(3))).isEqualTo(APPLY);

        assertThat(guard.claim("index", updated(4))).isEqualTo(STALE);
        assertThat(guard.claim("index", deleted(5))).isEqualTo(STALE);
    }

    @Test
    void deleteWinsATieWithAnUpdate() {
        assertThat(guard.claim("index", updated(3))).isEqualTo(APPLY);

        assertThat(guard.claim("index", deleted(3))).isEqualTo(APPLY);
        assertThat(guard.claim("index", updated(3))).isEqualTo(STALE);
    }

    @Test
    void olderDeleteAfterNewerUpdateChangesNothing() {
        assertThat(guard.claim("index", updated(5))).isEqualTo(APPLY);

        assertThat(guard.claim("index", deleted(4))).isEqualTo(STALE);
    }

    @Test
    void consumersAndPostsHaveSeparateViews() {
        assertThat(guard.claim("index", updated(5))).isEqualTo(APPLY);

        assertThat(guard.claim("spam", updated(2))).isEqualTo(APPLY);
        assertThat(guard.claim("index", new PostEvent(PostEvent.Type.CREATED, "p-2", 1, "alice", "hi",
                Instant.EPOCH, Instant.EPOCH, null))).isEqualTo(APPLY);
    }

    @Test
    void concurrentClaimsOfOneVersionApplyOnce() throws Exception {
        int threads = 8;
        var start = new CountDownLatch(1);
        var claims = new ArrayList<Callable<PostVersionGuard.Outcome>>();
        for (int i = 0; i < threads; i++) {
            claims.add(() -> {
                start.await();
                return guard.claim("index", updated(7));
            });
        }
        try (var executor = Executors.newFixedThreadPool(threads)) {
            var futures = claims.stream().map(executor::submit).toList();
            start.countDown();
            var outcomes = new ArrayList<PostVersionGuard.Outcome>();
            for (var future : futures) {
                outcomes.add(future.get());
            }
            assertThat(outcomes).containsOnlyOnce(APPLY);
            assertThat(outcomes).filteredOn(outcome -> outcome != APPLY).containsOnly(DUPLICATE);
        }
    }

    @Test
    void crashBetweenClaimAndEffectIsCompletedByTheRedelivery() {
        // The consumer loop the guard's Javadoc prescribes, with an effect keyed on (postId, version).
        var applied = new LinkedHashMap<String, Long>();
        var crash = new AtomicBoolean(true);
        Consumer<PostEvent> consume = event -> {
            switch (guard.claim("index", event)) {
                case APPLY, DUPLICATE -> {
                    if (crash.getAndSet(false)) {
                        throw new IllegalStateException("Lambda timed out after the claim");
                    }
                    applied.put(event.postId(), event.version());
                }
                case STALE -> {}
            }
        };

        assertThatThrownBy(() -> consume.accept(updated(2))).isInstanceOf(IllegalStateException.class);
        consume.accept(updated(2)); // SQS delivers it again
        consume.accept(updated(1)); // and a late older one

        assertThat(applied).containsExactly(Map.entry("p-1", 2L));
    }

    @Test
    void consumerNamesCannotBeAmbiguous() {
        assertThatThrownBy(() -> guard.claim("in#dex", created(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> guard.claim("", created(1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static PostEvent created(long version) {
        return event(PostEvent.Type.CREATED, version, "first");
    }

    private static PostEvent updated(long version) {
        return event(PostEvent.Type.UPDATED, version, "edit " + version);
    }

    private static PostEvent deleted(long version) {
        return event(PostEvent.Type.DELETED, version, "");
    }

    private static PostEvent event(PostEvent.Type type, long version, String text) {
        var createdAt = Instant.parse("2026-11-27T08:30:00Z");
        return new PostEvent(type, "p-1", version, "alice", text, createdAt, createdAt.plusSeconds(version), "en");
    }
}
