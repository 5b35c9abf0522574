package dev.offstage.faults;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many faults every injector in this JVM has injected, by kind, since the JVM started: what a
 * test or a chaos report reads. Thread-safe; compare two {@link #snapshot()}s to count a span.
 */
public final class FaultCounts {

    private static final AtomicLongArray COUNTS = new AtomicLongArray(FaultKind.values().length);

    private FaultCounts() {
    }

    /** Faults of {@code kind} injected so far. */
    public static long injected(FaultKind kind) {
        return COUNTS.get(kind.ordinal());
    }

    /** Every kind with its count so far (zeros included), as an immutable map. */
    public static Map<FaultKind, Long> snapshot() {
        var counts = new EnumMap<FaultKind, Long>(FaultKind.class);
        for (var kind : FaultKind.values()) {
            counts.put(kind, injected(kind));
        }
        return Collections.unmodifiableMap(counts);
    }

    static void record(FaultKind kind) {
        COUNTS.incrementAndGet(kind.ordinal());
    }
}
