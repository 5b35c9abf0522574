package dev.offstage.video.store;

/**
 * A video's fan-in after {@link VideoStore#segmentDone}.
 *
 * @param newlyDone whether this call added the index (false for a repeated segment)
 * @param done      segments done so far
 * @param count     the video's segment count
 * @param status    the video's status (a FAILED video's segments stop)
 */
public record SegmentProgress(boolean newlyDone, int done, int count, VideoStatus status) {

    public boolean complete() {
        return count > 0 && done == count;
    }
}
