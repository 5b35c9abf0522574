package dev.offstage.ops;

import java.time.Instant;

/**
 * One ERROR line of a function's structured log.
 *
 * @param time      when it was logged
 * @param function  the function's logical id (or name, where the logical id is unknown)
 * @param requestId the Lambda request id, or {@code null}
 * @param message   the message, with the exception's type and message when there was one
 */
public record ErrorLine(Instant time, String function, String requestId, String message) {
}
