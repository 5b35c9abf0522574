package dev.offstage.shared.idempotency;

/**
 * The work ran and returned, but its result, as JSON in a DynamoDB item, exceeds DynamoDB's
 * 400 KB item size limit, so it cannot be stored. The in-progress record has been deleted, so a
 * later call runs the work again. <b>Not retryable</b>: the same work gives the same result;
 * return a reference (an S3 key, an id) instead of the content.
 */
public final class IdempotencyResultTooLargeException extends IdempotencyException {

    private final long itemBytes;

    IdempotencyResultTooLargeException(String key, long itemBytes, Throwable cause) {
        super(key, "The result for idempotency key '" + key + "' makes a DynamoDB item of about " + itemBytes
                + " bytes, over DynamoDB's 400 KB (" + IdempotencyRecord.MAX_ITEM_BYTES + " bytes) item size limit;"
                + " return a reference to the content instead of the content", cause);
        this.itemBytes = itemBytes;
    }

    /** The estimated size of the item that would have been written, in bytes. */
    public long itemBytes() {
        return itemBytes;
    }
}
