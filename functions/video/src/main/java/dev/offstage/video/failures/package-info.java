/** What happens to the pipeline's work when every retry failed: its video ends FAILED ({@link dev.offstage.video.failures.FailureRecorder}). */
package dev.offstage.video.failures;
