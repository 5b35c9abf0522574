package dev.offstage.video.store;

import dev.offstage.video.media.MediaInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A video's item in the videos table.
 *
 * @param attempts       invocations that started work on it (Lambda's async retries of one event count up)
 * @param segmentCount   0 until a long video is split; then how many segments its workers transcode
 * @param segmentsDone   the indexes (0-based) whose renditions are in the outputs bucket
 * @param notified       whether the READY/FAILED notice was sent
 */
public record VideoRecord(String id, VideoStatus status, Upload upload, Optional<MediaInfo> metadata,
                          List<StoredRendition> renditions, Optional<String> posterKey, Optional<String> reason,
                          int attempts, Instant created, Instant updated, int segmentCount, Set<Integer> segmentsDone,
                          boolean notified, Optional<String> correlationId) {
}
