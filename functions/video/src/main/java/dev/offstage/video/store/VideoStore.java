package dev.offstage.video.store;

import dev.offstage.video.media.MediaInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The videos table: one item per video (key {@code id} = {@link Upload#videoId()}), its status
 * moving PROCESSING → READY or FAILED once, with conditional writes only (no transactions:
 * dynalite has none). Thread-safe. Every method throws the SDK's exception on a store failure
 * (retryable: the caller lets the platform retry).
 */
public final class VideoStore {

    /** The table's name variable. */
    public static final String TABLE_VARIABLE = "VIDEOS_TABLE";

    public VideoStore(DynamoDbClient dynamoDb, String table, Clock clock) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Claims the upload for this invocation. The first event creates the item (PROCESSING,
     * attempts 1, the request id). An event with the same request id while PROCESSING is Lambda's
     * retry: attempts + 1, {@link Claim.Started}. Anything else (another request id, or the video
     * READY/FAILED) is a {@link Claim.Duplicate} and changes nothing.
     */
    public Claim claim(Upload upload, String requestId, String correlationId) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Records ffprobe's metadata on a PROCESSING video. */
    public void recordMetadata(String videoId, MediaInfo metadata) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Records that the video was split into this many segments (idempotent: same count again is fine). */
    public void planSegments(String videoId, int segmentCount) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Adds a finished segment to the fan-in, atomically: exactly one call sees the set become
     * complete with {@code newlyDone} true. A repeated index changes nothing ({@code newlyDone}
     * false) and reports the current progress.
     */
    public SegmentProgress segmentDone(String videoId, int index) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Takes the assembly lease: true when the video is PROCESSING, all segments are done and no
     * other request holds an unexpired lease (the same request id may take it again).
     */
    public boolean claimAssembly(String videoId, String requestId, Duration lease) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** PROCESSING → READY with the renditions and poster; false (nothing written) when not PROCESSING. */
    public boolean finishReady(String videoId, List<StoredRendition> renditions, String posterKey) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** PROCESSING → FAILED with a reason for people; false (nothing written) when not PROCESSING. */
    public boolean finishFailed(String videoId, String reason) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Marks the READY/FAILED notice sent. */
    public void markNotified(String videoId) {
        throw new UnsupportedOperationException("skeleton");
    }

    public Optional<VideoRecord> get(String videoId) {
        throw new UnsupportedOperationException("skeleton");
    }
}
