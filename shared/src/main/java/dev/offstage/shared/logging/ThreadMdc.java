package dev.offstage.shared.logging;

import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.helpers.ThreadLocalMapOfStacks;
import org.slf4j.spi.MDCAdapter;

/**
 * SLF4J's MDC for Offstage: per-thread keys, every one of which becomes a field of the thread's
 * log lines, in the order they were put.
 *
 * <p>Plain thread-local, not inherited: a thread started while a record was processed must not
 * keep that record's message id for the rest of its life. Values shared by all threads of an
 * invocation belong to {@link LambdaLogging} instead.
 *
 * <p>Each thread's map is replaced, never mutated, so a line being written holds a stable
 * snapshot without copying.
 */
final class ThreadMdc implements MDCAdapter {

    private static final ThreadLocal<Map<String, String>> CONTEXT = new ThreadLocal<>();
    private static final ThreadLocalMapOfStacks STACKS = new ThreadLocalMapOfStacks();

    /** The calling thread's keys, in insertion order; empty when none. Do not modify. */
    static Map<String, String> current() {
        var map = CONTEXT.get();
        return map == null ? Map.of() : map;
    }

    @Override
    public void put(String key, String value) {
        if (key == null) {
            throw new IllegalArgumentException("MDC key cannot be null");
        }
        if (value == null) {
            remove(key);
            return;
        }
        var copy = new LinkedHashMap<>(current());
        copy.put(key, value);
        CONTEXT.set(Collections.unmodifiableMap(copy));
    }

    @Override
    public String get(String key) {
        return current().get(key);
    }

    @Override
    public void remove(String key) {
        var map = current();
        if (!map.containsKey(key)) {
            return;
        }
        if (map.size() == 1) {
            CONTEXT.remove();
            return;
        }
        var copy = new LinkedHashMap<>(map);
        copy.remove(key);
        CONTEXT.set(Collections.unmodifiableMap(copy));
    }

    @Override
    public void clear() {
        CONTEXT.remove();
    }

    @Override
    public Map<String, String> getCopyOfContextMap() {
        var map = CONTEXT.get();
        return map == null ? null : new HashMap<>(map);
    }

    @Override
    public void setContextMap(Map<String, String> contextMap) {
        if (contextMap == null || contextMap.isEmpty()) {
            CONTEXT.remove();
            return;
        }
        var copy = new LinkedHashMap<String, String>();
        for (var entry : contextMap.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
                copy.put(entry.getKey(), entry.getValue());
            }
        }
        CONTEXT.set(Collections.unmodifiableMap(copy));
    }

    @Override
    public void pushByKey(String key, String value) {
        STACKS.pushByKey(key, value);
    }

    @Override
    public String popByKey(String key) {
        return STACKS.popByKey(key);
    }

    @Override
    public Deque<String> getCopyOfDequeByKey(String key) {
        return STACKS.getCopyOfDequeByKey(key);
    }

    @Override
    public void clearDequeByKey(String key) {
        STACKS.clearDequeByKey(key);
    }
}
