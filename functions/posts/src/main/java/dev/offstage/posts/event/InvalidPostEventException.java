package dev.offstage.posts.event;

import dev.offstage.shared.http.ApiException;

/**
 * Input that is not a post event (docs/post-events.md): not UTF-8, not JSON, or JSON that breaks
 * the schema. Says which field ({@link #field()}, a JSON pointer such as {@code /version}; empty
 * for the document as a whole) and what is wrong, without echoing the input, so the message is
 * safe to return to a caller and to log.
 *
 * <p>Bad input is permanent: an HTTP caller gets 400 ({@link #toApiException()}); a queue
 * consumer lets it fail the message, which the redrive policy then moves to the dead-letter queue
 * with this message logged.
 */
public final class InvalidPostEventException extends RuntimeException {

    private final String field;
    private final String reason;

    InvalidPostEventException(String field, String reason) {
        super((field.isEmpty() ? "The event " : field + ": ") + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /** The JSON pointer of the offending field ({@code /text}), or {@code ""} for the whole document. */
    public String field() {
        return field;
    }

    /** What is wrong with the field, without the field's name (the message has both). */
    public String reason() {
        return reason;
    }

    /** This rejection as the API's {@code 400 invalid_event} answer, the field pointer in its message. */
    public ApiException toApiException() {
        return ApiException.badRequest("invalid_event", getMessage());
    }
}
