package dev.offstage.ops;

import java.time.Instant;

/**
 * A message in a dead-letter queue, as read without consuming it.
 *
 * @param messageId     the SQS message id (the same id it had in its source queue)
 * @param sentAt        when it was first sent
 * @param receiveCount  how often it has been received
 * @param body          the body, cut to a readable length
 * @param failureReason why it failed, from the logs or the body (Lambda destination records carry
 *                      the error), or {@code null} when nothing says
 */
public record DeadLetter(String messageId, Instant sentAt, int receiveCount, String body, String failureReason) {
}
