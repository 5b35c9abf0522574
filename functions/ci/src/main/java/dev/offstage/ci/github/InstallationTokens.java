package dev.offstage.ci.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Installation access tokens of a GitHub App, one per installation, reused until five minutes
 * before they expire (they live an hour), so a build that starts with a token never sees it run
 * out mid-call. Thread-safe: concurrent callers for one installation wait for one issue call.
 */
final class InstallationTokens {

    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    /** A token and when GitHub said it expires. */
    record Issued(String token, Instant expiresAt) {}

    private final Clock clock;
    private final LongFunction<Issued> issue;
    private final Map<Long, Issued> tokens = new ConcurrentHashMap<>();
    private final Map<Long, ReentrantLock> locks = new ConcurrentHashMap<>();

    InstallationTokens(Clock clock, LongFunction<Issued> issue) {
        this.clock = clock;
        this.issue = issue;
    }

    String token(long installationId) {
        Issued cached = tokens.get(installationId);
        if (fresh(cached)) {
            return cached.token();
        }
        // A lock rather than ConcurrentHashMap.compute: the issue call is network I/O.
        var lock = locks.computeIfAbsent(installationId, id -> new ReentrantLock());
        lock.lock();
        try {
            cached = tokens.get(installationId);
            if (!fresh(cached)) {
                cached = issue.apply(installationId);
                tokens.put(installationId, cached);
            }
            return cached.token();
        } finally {
            lock.unlock();
        }
    }

    /** Drops {@code token} if it is still the cached one: GitHub refused it (revoked, App uninstalled). */
    void forget(long installationId, String token) {
        tokens.computeIfPresent(installationId, (id, cached) -> cached.token().equals(token) ? null : cached);
    }

    private boolean fresh(Issued issued) {
        return issued != null && clock.instant().isBefore(issued.expiresAt().minus(REFRESH_MARGIN));
    }
}
