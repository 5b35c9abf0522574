package dev.offstage.video.segments;

import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.video.media.Rendition;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One segment of a long video for a segment worker: where the piece of the upload is, how to turn
 * it, which renditions to make. Everything the worker needs travels in the message, so workers
 * never re-probe.
 *
 * @param index     0-based position in the video
 * @param count     the video's number of segments
 * @param sourceKey the segment's key in the outputs bucket ({@code work/<id>/source/00003.mkv})
 * @param rotation  the source's clockwise rotation, which the cut segment lost
 */
public record SegmentMessage(String videoId, int index, int count, String sourceKey, int rotation,
                             List<Rendition> renditions, String correlationId) {

    static final Pattern VIDEO_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /**
     * Reads and checks a message body.
     *
     * @throws IllegalArgumentException when it is not a segment message (retrying cannot fix it)
     */
    public static SegmentMessage parse(String body) {
        SegmentMessage message;
        try {
            message = Json.read(body == null ? "" : body, SegmentMessage.class);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException("Segment message is not JSON of the expected shape: " + e.getMessage(), e);
        }
        if (message == null) {
            throw new IllegalArgumentException("Segment message is empty");
        }
        checkVideoId(message.videoId());
        if (message.count() < 1 || message.index() < 0 || message.index() >= message.count()) {
            throw new IllegalArgumentException("Segment message has index " + message.index() + " of " + message.count());
        }
        if (message.sourceKey() == null || !message.sourceKey().startsWith("work/" + message.videoId() + "/")) {
            throw new IllegalArgumentException("Segment message's sourceKey is not under work/" + message.videoId() + "/");
        }
        if (message.rotation() % 90 != 0 || message.rotation() < 0 || message.rotation() >= 360) {
            throw new IllegalArgumentException("Segment message's rotation must be 0, 90, 180 or 270, not " + message.rotation());
        }
        checkRenditions(message.renditions());
        return message;
    }

    static void checkVideoId(String videoId) {
        if (videoId == null || !VIDEO_ID.matcher(videoId).matches()) {
            throw new IllegalArgumentException("Message has no valid videoId (lower-case letters, digits, '-')");
        }
    }

    static void checkRenditions(List<Rendition> renditions) {
        if (renditions == null || renditions.isEmpty()) {
            throw new IllegalArgumentException("Message names no renditions");
        }
        for (var rendition : renditions) {
            if (rendition == null || rendition.name() == null || !rendition.name().matches("[a-z0-9_-]{1,32}")
                    || rendition.width() <= 0 || rendition.height() <= 0 || rendition.width() % 2 != 0 || rendition.height() % 2 != 0
                    || rendition.width() > 8192 || rendition.height() > 8192 || rendition.videoKbps() <= 0 || rendition.audioKbps() < 0) {
                throw new IllegalArgumentException("Message has an invalid rendition: " + rendition);
            }
        }
    }
}
