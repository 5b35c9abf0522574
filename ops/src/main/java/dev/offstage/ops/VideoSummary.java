package dev.offstage.ops;

import java.time.Instant;
import java.util.List;

/**
 * A video, newest first in listings.
 *
 * @param id         the video id
 * @param key        the uploaded object's key
 * @param status     PROCESSING, READY or FAILED
 * @param created    when the upload was claimed
 * @param updated    when its status last changed
 * @param renditions the renditions' names (e.g. 720p), empty until READY
 * @param reason     why it FAILED, or {@code null}
 */
public record VideoSummary(String id, String key, String status, Instant created, Instant updated,
        List<String> renditions, String reason) {

    public VideoSummary {
        renditions = List.copyOf(renditions);
    }
}
