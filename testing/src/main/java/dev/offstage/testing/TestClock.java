package dev.offstage.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand, so that expiry and deadlines are tested without sleeping.
 * Thread-safe.
 */
public final class TestClock extends Clock {

    private volatile Instant now;

    /** A clock standing at the current time. */
    public TestClock() {
        this(Instant.now());
    }

    public TestClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward by {@code amount}. */
    public synchronized void advance(Duration amount) {
        now = now.plus(amount);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("TestClock is always UTC");
    }
}
