package dev.offstage.shared.idempotency;

/**
 * Why an idempotent call could not simply run or return a stored result. Catch this type to
 * handle all four cases; each subclass says whether retrying the same call later can succeed:
 * <ul>
 *   <li>{@link IdempotencyInProgressException}: retryable — another call holds the key;</li>
 *   <li>{@link IdempotencyStoreException}: retryable — DynamoDB failed or was unreachable;</li>
 *   <li>{@link IdempotencyPayloadMismatchException}: not retryable — the key was reused for a
 *       different request;</li>
 *   <li>{@link IdempotencyResultTooLargeException}: not retryable — the result cannot be stored.</li>
 * </ul>
 * Exceptions thrown by the work itself are never wrapped in this type: they propagate unchanged.
 */
public abstract sealed class IdempotencyException extends RuntimeException
        permits IdempotencyInProgressException, IdempotencyPayloadMismatchException,
                IdempotencyResultTooLargeException, IdempotencyStoreException {

    private final String key;

    IdempotencyException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The key as stored in the table: the configured prefix, {@code #}, and the caller's key. */
    public String key() {
        return key;
    }
}
