package dev.offstage.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatenciesTest {

    @Test
    void percentilesAreNearestRankOverUnsortedSamples() {
        var latencies = Latencies.of(List.of(40L, 10L, 30L, 20L));

        assertEquals(20, latencies.p50());
        assertEquals(40, latencies.p99());
        assertEquals(10, latencies.percentile(25));
        assertEquals(30, latencies.percentile(75));
        assertEquals(4, latencies.count());
    }

    @Test
    void p99OfAHundredSamplesIsTheNinetyNinthNotTheMaximum() {
        var latencies = new Latencies(LongStream.rangeClosed(1, 100).toArray());

        assertEquals(50, latencies.p50());
        assertEquals(99, latencies.p99());
        assertEquals(100, latencies.max());
    }

    @Test
    void p99OfTwentySamplesIsTheMaximum() {
        var latencies = new Latencies(LongStream.rangeClosed(1, 20).map(i -> 21 - i).toArray());

        assertEquals(10, latencies.p50());
        assertEquals(20, latencies.p99());
    }

    @Test
    void oneSampleIsEveryPercentile() {
        var latencies = Latencies.of(List.of(7L));

        assertEquals(7, latencies.p50());
        assertEquals(7, latencies.p99());
    }

    @Test
    void refusesNoSamplesAndPercentilesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> Latencies.of(List.of()));
        var latencies = Latencies.of(List.of(1L, 2L));
        assertThrows(IllegalArgumentException.class, () -> latencies.percentile(0));
        assertThrows(IllegalArgumentException.class, () -> latencies.percentile(101));
    }

    @Test
    void doesNotSortTheCallersArray() {
        long[] samples = {3, 1, 2};

        new Latencies(samples).p50();

        assertEquals(3, samples[0]);
    }
}
