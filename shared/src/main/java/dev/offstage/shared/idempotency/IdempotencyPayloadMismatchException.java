package dev.offstage.shared.idempotency;

/**
 * The key was used before with a different payload (its SHA-256 hash differs from the stored
 * one), whether that earlier call has completed or is still in progress. Nothing ran. <b>Not
 * retryable</b>: the caller reuses a key for two different requests, which is a bug to fix, not a
 * duplicate to absorb. In an SQS batch, let the message go to the dead-letter queue.
 */
public final class IdempotencyPayloadMismatchException extends IdempotencyException {

    IdempotencyPayloadMismatchException(String key) {
        super(key, "Idempotency key '" + key + "' was already used with a different payload", null);
    }
}
