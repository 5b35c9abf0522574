package dev.offstage.ops;

/**
 * A started move of a dead-letter queue's messages back to their source queue.
 *
 * @param deadLetterQueue logical id of the queue being emptied
 * @param destination     logical id of the queue the messages go back to
 * @param taskHandle      the SQS message move task's handle (to follow or cancel it)
 * @param messages        approximate number of messages to move when it started
 */
public record RedriveTask(String deadLetterQueue, String destination, String taskHandle, long messages) {
}
