package dev.offstage.local.console;

import dev.offstage.local.lambda.Invocation;
import dev.offstage.local.lambda.Invoker;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The runtime's recent invocations: the last {@code capacity} in memory (older ones are dropped)
 * and, per function, how many ended in each outcome since the runtime started. Fed by
 * {@link #recording(Invoker, String)}, which every trigger invokes through. Thread-safe.
 */
public final class InvocationLog {

    /** Kinds of caller, as {@link InvocationRecord#trigger()} names them. */
    public static final String HTTP = "http";
    public static final String SQS = "sqs";
    public static final String ASYNC = "async";
    public static final String DIRECT = "direct";
    /** An asynchronous invocation for an S3 notification: its trigger detail starts with {@code s3:}. */
    public static final String S3 = "s3";

    private final int capacity;
    private final Deque<InvocationRecord> recent = new ArrayDeque<>();
    private final Map<String, Map<String, Long>> counts = new HashMap<>();

    public InvocationLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * An invoker that records every call it passes on to {@code invoker} as an invocation of the
     * given kind. An {@link #ASYNC} call whose trigger names an S3 notification ({@code s3:...})
     * is recorded as {@link #S3}. Calls that throw (unknown function, closed service) invoked
     * nothing and are not recorded.
     */
    public Invoker recording(Invoker invoker, String kind) {
        Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(kind, "kind");
        return new Invoker() {
            @Override
            public Invocation invoke(String functionLogicalId, byte[] eventJson) {
                return invoke(functionLogicalId, eventJson, null);
            }

            @Override
            public Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger) {
                var startedAt = Instant.now();
                return record(invoker.invoke(functionLogicalId, eventJson, trigger), kind, trigger, startedAt);
            }

            @Override
            public Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger, String requestId) {
                var startedAt = Instant.now();
                return record(invoker.invoke(functionLogicalId, eventJson, trigger, requestId), kind, trigger, startedAt);
            }
        };
    }

    private Invocation record(Invocation invocation, String kind, String trigger, Instant startedAt) {
        var effectiveKind = ASYNC.equals(kind) && trigger != null && trigger.startsWith("s3:") ? S3 : kind;
        var ok = invocation.succeeded();
        var record = new InvocationRecord(invocation.functionLogicalId(), invocation.requestId(), effectiveKind, trigger,
                startedAt, invocation.duration().toMillis(), InvocationRecord.outcomeOf(invocation.outcome()),
                ok ? null : invocation.errorType(),
                ok || invocation.errorMessage() == null ? null : FunctionErrorLog.cut(invocation.errorMessage(), FunctionErrorLog.MAX_MESSAGE));
        synchronized (this) {
            if (recent.size() == capacity) {
                recent.removeFirst();
            }
            recent.addLast(record);
            counts.computeIfAbsent(record.function(), id -> new TreeMap<>()).merge(record.outcome(), 1L, Long::sum);
        }
        return invocation;
    }

    /** The last {@code max} invocations, newest first. */
    public synchronized List<InvocationRecord> recent(int max) {
        var newestFirst = new ArrayList<InvocationRecord>(Math.min(max, recent.size()));
        var iterator = recent.descendingIterator();
        while (iterator.hasNext() && newestFirst.size() < max) {
            newestFirst.add(iterator.next());
        }
        return newestFirst;
    }

    /** How many invocations of the function ended in each outcome ({@code OK}, {@code ERROR}...); empty when none. */
    public synchronized Map<String, Long> counts(String functionLogicalId) {
        return Map.copyOf(counts.getOrDefault(functionLogicalId, Map.of()));
    }
}
