package dev.offstage.video.media;

/**
 * ffmpeg or ffprobe failed for a reason that may pass: the input could not be read over HTTP, the
 * tool is missing, it was killed at the deadline ({@link MediaDeadlineException}). Retryable:
 * callers let it propagate so the platform retries.
 */
public class MediaToolException extends RuntimeException {

    public MediaToolException(String message) {
        super(message);
    }

    public MediaToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
