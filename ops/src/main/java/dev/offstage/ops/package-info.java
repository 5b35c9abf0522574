/**
 * The ops console: what a deployment of Offstage is doing, for a person on call. Queue depths and
 * the age of the oldest message per queue, dead letters with the reason they failed, redrive of a
 * dead-letter queue back to its source (SQS message move tasks), recent builds and videos with
 * their status, and the last errors from the structured logs.
 *
 * <p>{@link dev.offstage.ops.OpsConsole} holds the logic on plain SQS and DynamoDB clients; where a
 * deployed stack and the local runtime differ — the age of the oldest message (a CloudWatch metric
 * in AWS) and the logs (CloudWatch Logs Insights in AWS) — it asks a {@link dev.offstage.ops.QueueAges}
 * and an {@link dev.offstage.ops.ErrorLog}. {@code scripts/offstage} and the local runtime's web
 * console are its two faces.
 */
package dev.offstage.ops;
