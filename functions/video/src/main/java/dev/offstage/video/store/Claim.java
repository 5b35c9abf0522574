package dev.offstage.video.store;

/** What {@link VideoStore#claim} found. */
public sealed interface Claim {

    VideoRecord record();

    /**
     * This invocation works on the video: the first event for the upload, or Lambda's retry of it
     * (same request id, {@code attempts} counted up) while still PROCESSING.
     */
    record Started(VideoRecord record) implements Claim {
    }

    /** Another event already owns (or finished) this upload: do nothing. */
    record Duplicate(VideoRecord record) implements Claim {
    }
}
