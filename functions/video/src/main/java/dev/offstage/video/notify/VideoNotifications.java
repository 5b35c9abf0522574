package dev.offstage.video.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoStatus;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends {@link VideoNotice}s to the notifications queue as JSON, with message attributes
 * {@code type} and {@code correlationId} for filtering and tracing. Send failures propagate.
 *
 * <p>The body, written with the toolkit's mapper ({@link Json}); an absent value (an empty
 * {@code Optional}, a rendition's null {@code audioCodec}) is an absent field, never
 * {@code null} — the shared mapper has no {@code Optional} support, so the shape is spelled out
 * here rather than left to reflection:
 * <pre>{@code
 * {"type": "video.ready", "videoId": "holiday-clip-3f2a9c1b04de", "status": "READY",
 *  "bucket": "...", "key": "uploads/holiday-clip.mp4", "versionId": "...",
 *  "renditions": [{"name": "720p", "key": "videos/holiday-clip-3f2a9c1b04de/720p.mp4", "width": 1280,
 *                  "height": 720, "durationSeconds": 187.4, "sizeBytes": 65536000,
 *                  "videoCodec": "h264", "audioCodec": "aac"}],
 *  "posterKey": "videos/holiday-clip-3f2a9c1b04de/poster.jpg", "durationSeconds": 187.4,
 *  "correlationId": "..."}
 * }</pre>
 * A failed video has {@code "type": "video.failed"}, {@code "status": "FAILED"}, a {@code reason},
 * and {@code renditions: []}. Consumers read it back with {@link #parse(String)}.
 *
 * <p>Thread-safe. Needs {@code sqs:SendMessage} on the queue.
 */
public final class VideoNotifications {

    public static final String QUEUE_URL_VARIABLE = "VIDEO_NOTIFICATIONS_QUEUE_URL";

    private final SqsClient sqs;
    private final String queueUrl;

    public VideoNotifications(SqsClient sqs, String queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    }

    /** Sends the notice (at least once: a retry after a failure may send it twice). */
    public void send(VideoNotice notice) {
        sqs.sendMessage(send -> send.queueUrl(queueUrl)
                .messageBody(body(notice))
                .messageAttributes(Map.of(
                        "type", attribute(notice.type()),
                        "correlationId", attribute(notice.correlationId()))));
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }

    /** The notice as the message body carries it. */
    public static String body(VideoNotice notice) {
        var json = Json.mapper().createObjectNode();
        json.put("type", notice.type());
        json.put("videoId", notice.videoId());
        json.put("status", notice.status().name());
        json.put("bucket", notice.bucket());
        json.put("key", notice.key());
        notice.versionId().ifPresent(version -> json.put("versionId", version));
        var renditions = json.putArray("renditions");
        for (var rendition : notice.renditions()) {
            var item = renditions.addObject();
            item.put("name", rendition.name());
            item.put("key", rendition.key());
            item.put("width", rendition.width());
            item.put("height", rendition.height());
            item.put("durationSeconds", rendition.durationSeconds());
            item.put("sizeBytes", rendition.sizeBytes());
            putIfPresent(item, "videoCodec", rendition.videoCodec());
            putIfPresent(item, "audioCodec", rendition.audioCodec());
        }
        notice.posterKey().ifPresent(poster -> json.put("posterKey", poster));
        notice.reason().ifPresent(reason -> json.put("reason", reason));
        notice.durationSeconds().ifPresent(duration -> json.put("durationSeconds", duration));
        json.put("correlationId", notice.correlationId());
        return Json.write(json);
    }

    /**
     * A notice from a message body, as the application (or a test) receives it.
     *
     * @throws IllegalArgumentException when the body is not a notice
     */
    public static VideoNotice parse(String body) {
        JsonNode json;
        try {
            json = Json.tree(body == null ? "" : body);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException("video notice is not JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("video notice is not a JSON object");
        }
        var type = required(json, "type");
        var videoId = required(json, "videoId");
        var statusName = required(json, "status");
        VideoStatus status;
        try {
            status = VideoStatus.valueOf(statusName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("video notice has an unknown status: " + statusName, e);
        }
        var renditions = new ArrayList<StoredRendition>();
        for (var item : json.path("renditions")) {
            renditions.add(new StoredRendition(required(item, "name"), required(item, "key"), item.path("width").asInt(),
                    item.path("height").asInt(), item.path("durationSeconds").asDouble(), item.path("sizeBytes").asLong(),
                    optional(item, "videoCodec").orElse(null), optional(item, "audioCodec").orElse(null)));
        }
        var duration = json.path("durationSeconds");
        return new VideoNotice(type, videoId, status, required(json, "bucket"), required(json, "key"),
                optional(json, "versionId"), renditions, optional(json, "posterKey"), optional(json, "reason"),
                duration.isNumber() ? Optional.of(duration.asDouble()) : Optional.empty(), required(json, "correlationId"));
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static String required(JsonNode node, String name) {
        var value = node.path(name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("video notice has no " + name);
        }
        return value.asText();
    }

    private static Optional<String> optional(JsonNode node, String name) {
        var value = node.path(name);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
