/**
 * The local runtime's web console: what the functions did (every invocation with its trigger,
 * outcome and duration; their ERROR log lines), the queues with their dead letters and a redrive
 * button, recent builds and videos — one self-contained page and a small JSON API under
 * {@code /_offstage/} on the HTTP API's port. The queue, build and video views are the ops
 * console's ({@link dev.offstage.ops.OpsConsole}); this package supplies what only the runtime
 * knows: its invocations, its functions' output and the age of the messages its pollers hold.
 */
package dev.offstage.local.console;
