package dev.offstage.video.notify;

import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import java.util.List;
import java.util.Optional;

/**
 * The completion event the application consumes from the notifications queue: one per video
 * (at least once — {@code videoId} + {@code status} identify it), sent after the status is stored.
 *
 * @param type {@code video.ready} or {@code video.failed}
 */
public record VideoNotice(String type, String videoId, VideoStatus status, String bucket, String key,
                          Optional<String> versionId, List<StoredRendition> renditions, Optional<String> posterKey,
                          Optional<String> reason, Optional<Double> durationSeconds, String correlationId) {

    /** The notice for a READY or FAILED record. */
    public static VideoNotice of(VideoRecord record) {
        if (record.status() == VideoStatus.PROCESSING) {
            throw new IllegalArgumentException("video " + record.id() + " is still PROCESSING");
        }
        return new VideoNotice(record.status() == VideoStatus.READY ? "video.ready" : "video.failed", record.id(),
                record.status(), record.upload().bucket(), record.upload().key(), record.upload().versionId(),
                record.renditions(), record.posterKey(), record.reason(),
                record.metadata().map(metadata -> metadata.durationSeconds()), record.correlationId().orElse(record.id()));
    }
}
