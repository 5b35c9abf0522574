package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.testing.TestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Calls racing for one key, with real threads against dynalite. Latches fix the interleaving;
 * nothing sleeps and nothing asserts on timing.
 */
@ExtendWith(EmulatorsExtension.class)
class IdempotencyConcurrencyTest {

    private static final long HANG_GUARD_SECONDS = 20;

    private final IdempotencyFixture fixture;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    IdempotencyConcurrencyTest(Emulators emulators) {
        this.fixture = new IdempotencyFixture(emulators);
    }

    @AfterEach
    void close() {
        threads.shutdownNow();
        fixture.close();
    }

    @Test
    void concurrentDuplicateIsRejectedAsInProgressWhileTheFirstRuns() throws Exception {
        var idempotency = fixture.idempotency();
        var first = HeldWork.returning("built");
        var firstCall = CompletableFuture.supplyAsync(() -> idempotency.run("delivery", String.class, first), threads);
        first.awaitRunning();

        var duplicate = HeldWork.returning("never");
        assertThatThrownBy(() -> idempotency.run("delivery", String.class, duplicate))
                .isInstanceOfSatisfying(IdempotencyInProgressException.class, e -> {
                    assertThat(e.key()).isEqualTo("delivery");
                    assertThat(e.heldUntil()).contains(fixture.clock.instant().plus(IdempotencyConfig.DEFAULT_IN_PROGRESS_TIMEOUT));
                });
        first.release();

        assertThat(firstCall.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("built");
        assertThat(first.runs()).isEqualTo(1);
        assertThat(duplicate.runs()).isZero();
        // Once the first call completed, the duplicate's retry gets its result.
        assertThat(idempotency.run("delivery", String.class, duplicate)).isEqualTo("built");
    }

    @Test
    void manySimultaneousCallsRunTheWorkExactlyOnce() throws Exception {
        var idempotency = fixture.idempotency();
        int callers = 8;
        var start = new CountDownLatch(1);
        var losersDone = new CountDownLatch(callers - 1);
        var runs = new AtomicInteger();
        var inProgress = new AtomicInteger();
        var calls = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < callers; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                await(start);
                try {
                    return idempotency.run("post-42:v3", String.class, () -> {
                        runs.incrementAndGet();
                        // The winner holds the key until every other caller has been answered.
                        await(losersDone);
                        return "indexed";
                    });
                } catch (IdempotencyInProgressException e) {
                    inProgress.incrementAndGet();
                    losersDone.countDown();
                    return "in progress";
                }
            }, threads));
        }

        start.countDown();
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(HANG_GUARD_SECONDS, TimeUnit.SECONDS);

        assertThat(runs).hasValue(1);
        assertThat(inProgress).hasValue(callers - 1);
        assertThat(calls).filteredOn(call -> call.join().equals("indexed")).hasSize(1);
    }

    @Test
    void inProgressRecordPastItsLambdaDeadlineIsTakenOver() throws Exception {
        var idempotency = fixture.idempotency();
        // The first invocation hangs in its work until Lambda's 10 s timeout would have killed it.
        var hung = HeldWork.returning("late");
        var hungCall = CompletableFuture.supplyAsync(() -> idempotency.run(
                IdempotentCall.of("upload.mp4").until(TestContext.forFunction("Transcoder")
                        .clock(fixture.clock, Duration.ofSeconds(10))), String.class, hung), threads);
        hung.awaitRunning();
        assertThatThrownBy(() -> idempotency.run("upload.mp4", String.class, () -> "too early"))
                .isInstanceOf(IdempotencyInProgressException.class);

        fixture.clock.advance(Duration.ofSeconds(11));
        var retried = idempotency.run("upload.mp4", String.class, () -> "transcoded");

        assertThat(retried).isEqualTo("transcoded");
        assertThat(fixture.item("upload.mp4").get("data").s()).isEqualTo("\"transcoded\"");

        // Had the hung invocation come back after all, its completion must not overwrite the successor's.
        hung.release();
        assertThat(hungCall.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo("late");
        assertThat(fixture.item("upload.mp4").get("data").s()).isEqualTo("\"transcoded\"");
        assertThat(idempotency.run("upload.mp4", String.class, () -> "never")).isEqualTo("transcoded");
    }

    @Test
    void recordOfACrashedInvocationIsTakenOverAfterItsDeadline() {
        var idempotency = fixture.idempotency();
        fixture.putInProgress("crashed", fixture.clock.instant().plusSeconds(30));
        assertThatThrownBy(() -> idempotency.run("crashed", String.class, () -> "too early"))
                .isInstanceOf(IdempotencyInProgressException.class);

        fixture.clock.advance(Duration.ofSeconds(31));

        assertThat(idempotency.run("crashed", String.class, () -> "recovered")).isEqualTo("recovered");
        assertThat(fixture.item("crashed").get("status").s()).isEqualTo("COMPLETED");
    }

    @Test
    void failureOfATakenOverCallDoesNotDeleteItsSuccessorsRecord() throws Exception {
        var idempotency = fixture.idempotency();
        var hung = HeldWork.<String>failingWith(new IllegalStateException("gave up"));
        var hungCall = CompletableFuture.supplyAsync(() -> idempotency.run(
                IdempotentCall.of("segment-7").until(TestContext.forFunction("Segment")
                        .clock(fixture.clock, Duration.ofSeconds(5))), String.class, hung), threads);
        hung.awaitRunning();
        fixture.clock.advance(Duration.ofSeconds(6));
        assertThat(idempotency.run("segment-7", String.class, () -> "encoded")).isEqualTo("encoded");

        hung.release();
        assertThatThrownBy(() -> hungCall.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);

        assertThat(fixture.item("segment-7").get("status").s()).isEqualTo("COMPLETED");
        assertThat(idempotency.run("segment-7", String.class, () -> "never")).isEqualTo("encoded");
    }

    @Test
    void recordDeletedBetweenTheFailedPutAndTheReadIsClaimedAgain() throws Exception {
        var idempotency = fixture.idempotency();
        var failing = HeldWork.<String>failingWith(new IllegalStateException("first attempt failed"));
        var firstCall = CompletableFuture.supplyAsync(() -> idempotency.run("order-9", String.class, failing), threads);
        failing.awaitRunning();
        // Exactly between the second call's failed claim and its read, the first call fails and
        // deletes its record.
        fixture.dynamoDb.beforeGet(request -> {
            fixture.dynamoDb.beforeGet(ignored -> {});
            failing.release();
            assertThatThrownBy(() -> firstCall.get(HANG_GUARD_SECONDS, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IllegalStateException.class);
        });
        fixture.dynamoDb.resetCounts();

        var result = idempotency.run("order-9", String.class, () -> "charged");

        assertThat(result).isEqualTo("charged");
        assertThat(fixture.dynamoDb.calls("GetItem")).isEqualTo(1);
        // First claim failed, second claim succeeded, then the result: three puts by this call.
        assertThat(fixture.dynamoDb.calls("PutItem")).isEqualTo(3);
        assertThat(fixture.item("order-9").get("data").s()).isEqualTo("\"charged\"");
    }

    @Test
    void recordThatKeepsChangingHandsGivesUpAfterBoundedRetries() {
        var idempotency = fixture.idempotency();
        var runs = new AtomicInteger();
        // Before each claim another call takes the key; before each read it lets it go again.
        fixture.dynamoDb.beforePut(request -> fixture.putInProgress("flapping", fixture.clock.instant().plusSeconds(60)));
        fixture.dynamoDb.beforeGet(request -> fixture.deleteItem("flapping"));

        assertThatThrownBy(() -> idempotency.run("flapping", String.class, () -> {
            runs.incrementAndGet();
            return "never";
        })).isInstanceOf(IdempotencyInProgressException.class).hasMessageContaining("3 times");

        assertThat(runs).hasValue(0);
        assertThat(fixture.dynamoDb.calls("PutItem")).isEqualTo(3);
        assertThat(fixture.dynamoDb.calls("GetItem")).isEqualTo(3);
    }

    @Test
    void blockingRecordReturnedWithTheConditionFailureSavesTheRead() {
        fixture.dynamoDb.returnOldItemOnConditionFailure();
        var idempotency = fixture.idempotency();
        idempotency.run("delivery", String.class, () -> "built");
        fixture.dynamoDb.resetCounts();

        assertThat(idempotency.run("delivery", String.class, () -> "never")).isEqualTo("built");

        assertThat(fixture.dynamoDb.calls("GetItem")).isZero();
        assertThat(fixture.dynamoDb.calls("PutItem")).isEqualTo(1);
    }

    @Test
    void withoutTheBlockingRecordInTheFailureAConsistentReadFetchesIt() {
        var idempotency = fixture.idempotency();
        idempotency.run("delivery", String.class, () -> "built");
        var reads = new ArrayList<Boolean>();
        fixture.dynamoDb.beforeGet(request -> reads.add(request.consistentRead()));

        assertThat(idempotency.run("delivery", String.class, () -> "never")).isEqualTo("built");

        assertThat(reads).containsExactly(true);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
