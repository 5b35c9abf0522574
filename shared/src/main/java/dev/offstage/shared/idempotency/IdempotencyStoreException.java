package dev.offstage.shared.idempotency;

import software.amazon.awssdk.core.exception.SdkException;

/**
 * DynamoDB failed: unreachable, throttled beyond the SDK's retries, missing table, missing
 * permission. The cause is the SDK's exception. <b>Retryable</b> once DynamoDB is back.
 *
 * <p>When it happens before the work (claiming the key), the work has not run. When it happens
 * after the work (storing the result), the work has run and the key stays in progress until the
 * call's deadline, after which a retry takes it over and runs the work again: at-least-once, as
 * without idempotency — never silently zero times.
 */
public final class IdempotencyStoreException extends IdempotencyException {

    IdempotencyStoreException(String key, String message, SdkException cause) {
        super(key, message + ": " + cause.getMessage(), cause);
    }
}
