package dev.offstage.shared.idempotency;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Completed results kept in memory, least recently used evicted first. Thread-safe (one lock:
 * entries are tiny and lookups short). Holds the stored JSON, not the result object, so that
 * callers never share a mutable result.
 */
final class ResultCache {

    record CachedResult(String data, String validation, long expiration) {}

    private final int capacity;
    private final LinkedHashMap<String, CachedResult> entries;

    ResultCache(int capacity) {
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CachedResult> eldest) {
                return size() > ResultCache.this.capacity;
            }
        };
    }

    /** The entry for {@code id} unless it expired before {@code nowSeconds} (then it is dropped). */
    synchronized CachedResult get(String id, long nowSeconds) {
        if (capacity == 0) {
            return null;
        }
        var entry = entries.get(id);
        if (entry != null && entry.expiration() < nowSeconds) {
            entries.remove(id);
            return null;
        }
        return entry;
    }

    synchronized void put(String id, CachedResult entry) {
        if (capacity > 0) {
            entries.put(id, entry);
        }
    }
}
