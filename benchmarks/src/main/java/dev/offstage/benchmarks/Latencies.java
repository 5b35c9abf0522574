package dev.offstage.benchmarks;

import java.util.Arrays;
import java.util.Collection;

/**
 * Per-item latencies of one benchmark round, in milliseconds, and their percentiles by the
 * nearest-rank method: the p-th percentile is the smallest sample with at least p% of the samples
 * at or below it (so p50 of 20 samples is the 10th, p99 of 20 the 20th: the maximum). Immutable.
 */
final class Latencies {

    private final long[] sortedMillis;

    /** @throws IllegalArgumentException for no samples; {@code millis} is copied, never sorted in place */
    Latencies(long[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("No latencies");
        }
        this.sortedMillis = millis.clone();
        Arrays.sort(sortedMillis);
    }

    static Latencies of(Collection<Long> millis) {
        return new Latencies(millis.stream().mapToLong(Long::longValue).toArray());
    }

    /**
     * The nearest-rank percentile, {@code 0 < percent <= 100}.
     *
     * @throws IllegalArgumentException for a percent outside that range
     */
    long percentile(double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("A percentile is in (0, 100], got " + percent);
        }
        int rank = (int) Math.ceil(percent / 100 * sortedMillis.length);
        return sortedMillis[Math.max(rank, 1) - 1];
    }

    long p50() {
        return percentile(50);
    }

    long p99() {
        return percentile(99);
    }

    long max() {
        return sortedMillis[sortedMillis.length - 1];
    }

    int count() {
        return sortedMillis.length;
    }
}
