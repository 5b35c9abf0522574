package dev.offstage.video.media;

/** ffmpeg was still running at its deadline and was killed (its whole process tree). */
public final class MediaDeadlineException extends MediaToolException {

    public MediaDeadlineException(String message) {
        super(message);
    }
}
