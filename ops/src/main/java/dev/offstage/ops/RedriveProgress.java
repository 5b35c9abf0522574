package dev.offstage.ops;

import java.time.Instant;

/**
 * One SQS message move task of a dead-letter queue, as ListMessageMoveTasks reports it.
 *
 * @param taskHandle  the task's handle, or {@code null} once it is no longer running
 * @param status      RUNNING, COMPLETED, CANCELLING, CANCELLED or FAILED
 * @param moved       messages moved so far
 * @param toMove      messages to move when it started, or {@code null} when SQS does not say
 * @param failure     why it FAILED, or {@code null}
 * @param started     when it started
 */
public record RedriveProgress(String taskHandle, String status, long moved, Long toMove, String failure, Instant started) {

    /** Whether the task has stopped, one way or the other. */
    public boolean finished() {
        return !"RUNNING".equals(status) && !"CANCELLING".equals(status);
    }
}
