package dev.offstage.posts.index;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SearchIndex} reaches its table.
 *
 * @param tableName the index table (see {@link SearchIndex} for its layout)
 * @param leaseDuration how long one {@code apply} may hold a post; must be at least the consuming
 *     function's timeout, because the lease is what keeps a slow invocation and its successor
 *     from both counting the same change (see {@link SearchIndex})
 */
public record SearchIndexConfig(String tableName, Duration leaseDuration) {

    /** Lambda's maximum timeout: a safe lease for any function. */
    public static final Duration DEFAULT_LEASE = Duration.ofMinutes(15);

    public SearchIndexConfig {
        Objects.requireNonNull(tableName, "tableName");
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive, was " + leaseDuration);
        }
    }

    public static SearchIndexConfig of(String tableName) {
        return new SearchIndexConfig(tableName, DEFAULT_LEASE);
    }

    public SearchIndexConfig withLeaseDuration(Duration leaseDuration) {
        return new SearchIndexConfig(tableName, leaseDuration);
    }
}
