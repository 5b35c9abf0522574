/**
 * Everything that turns outside events into invocations, as AWS does it: the HTTP API
 * ({@link dev.offstage.local.triggers.HttpApiServer}), SQS event source mappings
 * ({@link dev.offstage.local.triggers.SqsPoller}), S3 event notifications
 * ({@link dev.offstage.local.triggers.S3Notifications}) and Lambda's asynchronous invocation with
 * retries and destinations ({@link dev.offstage.local.triggers.AsyncInvoker}). Each builds the
 * event JSON the AWS service sends and calls a {@link dev.offstage.local.lambda.Invoker}.
 */
package dev.offstage.local.triggers;
