package dev.offstage.video.media;

/**
 * The input can never be transcoded as it is: not a video, corrupt, empty, a still image, too
 * long. Permanent: the video ends FAILED with {@link #reason()} and is not retried.
 */
public final class UnsupportedMediaException extends RuntimeException {

    public UnsupportedMediaException(String reason) {
        super(reason);
    }

    /** A sentence for people, e.g. "not a video: ffprobe found no video stream". */
    public String reason() {
        return getMessage();
    }
}
