package dev.offstage.shared.idempotency;

import java.time.Instant;
import java.util.Optional;

/**
 * Another call holds the key and has not finished: its work may be running right now. Nothing
 * ran. <b>Retryable</b>: retried after the holder completes, the call returns the holder's stored
 * result; retried after {@link #heldUntil()} (the holder's Lambda deadline, so it crashed or timed
 * out), the call takes the key over and runs the work.
 *
 * <p>In an SQS batch, report the record as a batch item failure: SQS redelivers it after the
 * visibility timeout, by which time the holder has usually finished.
 */
public final class IdempotencyInProgressException extends IdempotencyException {

    private final Instant heldUntil;

    IdempotencyInProgressException(String key, Instant heldUntil, String message) {
        super(key, message, null);
        this.heldUntil = heldUntil;
    }

    /** When the holder's claim lapses and a new call may take the key over; empty when unknown. */
    public Optional<Instant> heldUntil() {
        return Optional.ofNullable(heldUntil);
    }
}
