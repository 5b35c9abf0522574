package dev.offstage.shared.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Work that, once started, waits inside until the test lets it go: it holds its key while the
 * test makes other calls. The waits are bounded only so that a broken build fails instead of
 * hanging; no assertion depends on timing.
 */
final class HeldWork<T> implements Idempotency.Work<T, RuntimeException> {

    private static final long HANG_GUARD_SECONDS = 20;

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger runs = new AtomicInteger();
    private final Supplier<T> outcome;

    HeldWork(Supplier<T> outcome) {
        this.outcome = outcome;
    }

    static <T> HeldWork<T> returning(T result) {
        return new HeldWork<>(() -> result);
    }

    static <T> HeldWork<T> failingWith(RuntimeException failure) {
        return new HeldWork<>(() -> {
            throw failure;
        });
    }

    @Override
    public T run() {
        runs.incrementAndGet();
        entered.countDown();
        try {
            assertThat(released.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).as("released by the test").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return outcome.get();
    }

    /** Returns once the work is running (its call holds the key). */
    void awaitRunning() throws InterruptedException {
        assertThat(entered.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS)).as("work started").isTrue();
    }

    void release() {
        released.countDown();
    }

    int runs() {
        return runs.get();
    }
}
