package dev.offstage.video.store;

import dev.offstage.video.media.MediaInfo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A {@link VideoRecord} as a DynamoDB item and back. Absent values are absent attributes (a null
 * string inside a map too), times are epoch seconds, fractional numbers are written as plain
 * decimals that read back as the same double.
 *
 * <table>
 *   <tr><th>attribute</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code id}</td><td>S</td><td>{@link Upload#videoId()}</td></tr>
 *   <tr><td>{@code status}</td><td>S</td><td>{@link VideoStatus}</td></tr>
 *   <tr><td>{@code upload}</td><td>M</td><td>{@code bucket}, {@code key}, {@code versionId}?, {@code sequencer},
 *       {@code size} N, {@code eTag}</td></tr>
 *   <tr><td>{@code eventKey}</td><td>S</td><td>{@link Upload#eventKey()}, for people reading the table</td></tr>
 *   <tr><td>{@code requestId}</td><td>S</td><td>the invocation that claimed the upload (its retries share it)</td></tr>
 *   <tr><td>{@code claimToken}</td><td>S</td><td>the token of the write that created the item (see {@link VideoStore})</td></tr>
 *   <tr><td>{@code attempts}</td><td>N</td><td>invocations that started work on it</td></tr>
 *   <tr><td>{@code metadata}</td><td>M</td><td>{@link MediaInfo}: {@code container}, {@code durationSeconds},
 *       {@code sizeBytes}, {@code bitrate}, {@code streamCount}, {@code video} M?, {@code audio} M?</td></tr>
 *   <tr><td>{@code segmentCount}</td><td>N</td><td>0 until split</td></tr>
 *   <tr><td>{@code segmentsDone}</td><td>NS</td><td>finished segment indexes; absent while none (sets cannot be empty)</td></tr>
 *   <tr><td>{@code segmentWrite}</td><td>S</td><td>the token of the last segment added (see {@link VideoStore})</td></tr>
 *   <tr><td>{@code assemblyOwner}, {@code assemblyExpires}</td><td>S, N</td><td>the assembly lease: request id, epoch ms</td></tr>
 *   <tr><td>{@code renditions}</td><td>L of M</td><td>{@link StoredRendition}s, once READY</td></tr>
 *   <tr><td>{@code posterKey}</td><td>S</td><td>once READY</td></tr>
 *   <tr><td>{@code reason}</td><td>S</td><td>once FAILED</td></tr>
 *   <tr><td>{@code endedBy}</td><td>S</td><td>the token of the write that ended it READY or FAILED (see {@link VideoStore})</td></tr>
 *   <tr><td>{@code notified}</td><td>BOOL</td><td>the READY/FAILED notice was sent</td></tr>
 *   <tr><td>{@code correlationId}</td><td>S</td><td>what every hop logs</td></tr>
 *   <tr><td>{@code created}, {@code updated}</td><td>N</td><td>epoch seconds</td></tr>
 * </table>
 */
final class VideoItems {

    static final String ID = "id";
    static final String STATUS = "status";
    static final String UPLOAD = "upload";
    static final String EVENT_KEY = "eventKey";
    static final String REQUEST_ID = "requestId";
    static final String ATTEMPTS = "attempts";
    static final String METADATA = "metadata";
    static final String SEGMENT_COUNT = "segmentCount";
    static final String SEGMENTS_DONE = "segmentsDone";
    static final String SEGMENT_WRITE = "segmentWrite";
    static final String ENDED_BY = "endedBy";
    static final String CLAIM_TOKEN = "claimToken";
    static final String RENDITIONS = "renditions";
    static final String POSTER_KEY = "posterKey";
    static final String REASON = "reason";
    static final String NOTIFIED = "notified";
    static final String CORRELATION_ID = "correlationId";
    static final String CREATED = "created";
    static final String UPDATED = "updated";

    private VideoItems() {}

    static VideoRecord record(Map<String, AttributeValue> item) {
        return new VideoRecord(
                text(item, ID),
                VideoStatus.valueOf(text(item, STATUS)),
                upload(item.get(UPLOAD).m()),
                Optional.ofNullable(item.get(METADATA)).map(value -> mediaInfo(value.m())),
                item.containsKey(RENDITIONS) ? item.get(RENDITIONS).l().stream().map(value -> rendition(value.m())).toList() : List.of(),
                Optional.ofNullable(text(item, POSTER_KEY)),
                Optional.ofNullable(text(item, REASON)),
                integer(item, ATTEMPTS),
                Instant.ofEpochSecond(longValue(item, CREATED)),
                Instant.ofEpochSecond(longValue(item, UPDATED)),
                integer(item, SEGMENT_COUNT),
                segments(item.get(SEGMENTS_DONE)),
                item.containsKey(NOTIFIED) && Boolean.TRUE.equals(item.get(NOTIFIED).bool()),
                Optional.ofNullable(text(item, CORRELATION_ID)));
    }

    private static Set<Integer> segments(AttributeValue value) {
        var indexes = new TreeSet<Integer>();
        if (value != null) {
            value.ns().forEach(number -> indexes.add(Integer.valueOf(number)));
        }
        return java.util.Collections.unmodifiableSet(indexes);
    }

    // ---- upload --------------------------------------------------------------------------------

    static AttributeValue upload(Upload upload) {
        var map = new HashMap<String, AttributeValue>();
        put(map, "bucket", upload.bucket());
        put(map, "key", upload.key());
        upload.versionId().ifPresent(version -> map.put("versionId", s(version)));
        put(map, "sequencer", upload.sequencer());
        map.put("size", n(upload.size()));
        put(map, "eTag", upload.eTag());
        return AttributeValue.fromM(map);
    }

    private static Upload upload(Map<String, AttributeValue> map) {
        return new Upload(text(map, "bucket"), text(map, "key"), Optional.ofNullable(text(map, "versionId")),
                text(map, "sequencer"), longValue(map, "size"), text(map, "eTag"));
    }

    // ---- media info ----------------------------------------------------------------------------

    static AttributeValue mediaInfo(MediaInfo info) {
        var map = new HashMap<String, AttributeValue>();
        put(map, "container", info.container());
        map.put("durationSeconds", n(info.durationSeconds()));
        map.put("sizeBytes", n(info.sizeBytes()));
        map.put("bitrate", n(info.bitrate()));
        map.put("streamCount", n(info.streamCount()));
        info.video().ifPresent(video -> {
            var stream = new HashMap<String, AttributeValue>();
            put(stream, "codec", video.codec());
            stream.put("width", n(video.width()));
            stream.put("height", n(video.height()));
            stream.put("rotation", n(video.rotation()));
            stream.put("frameRate", n(video.frameRate()));
            put(stream, "pixelFormat", video.pixelFormat());
            stream.put("sampleAspectRatio", n(video.sampleAspectRatio()));
            stream.put("startSeconds", n(video.startSeconds()));
            map.put("video", AttributeValue.fromM(stream));
        });
        info.audio().ifPresent(audio -> {
            var stream = new HashMap<String, AttributeValue>();
            put(stream, "codec", audio.codec());
            stream.put("channels", n(audio.channels()));
            stream.put("sampleRate", n(audio.sampleRate()));
            stream.put("bitrate", n(audio.bitrate()));
            stream.put("startSeconds", n(audio.startSeconds()));
            map.put("audio", AttributeValue.fromM(stream));
        });
        return AttributeValue.fromM(map);
    }

    private static MediaInfo mediaInfo(Map<String, AttributeValue> map) {
        var video = Optional.ofNullable(map.get("video")).map(AttributeValue::m).map(stream -> new MediaInfo.Video(
                text(stream, "codec"), integer(stream, "width"), integer(stream, "height"), integer(stream, "rotation"),
                doubleValue(stream, "frameRate"), text(stream, "pixelFormat"),
                // Items written before these were recorded read 0: square pixels, starting at 0.
                doubleValue(stream, "sampleAspectRatio"), doubleValue(stream, "startSeconds")));
        var audio = Optional.ofNullable(map.get("audio")).map(AttributeValue::m).map(stream -> new MediaInfo.Audio(
                text(stream, "codec"), integer(stream, "channels"), integer(stream, "sampleRate"), longValue(stream, "bitrate"),
                doubleValue(stream, "startSeconds")));
        return new MediaInfo(text(map, "container"), doubleValue(map, "durationSeconds"), longValue(map, "sizeBytes"),
                longValue(map, "bitrate"), video, audio, integer(map, "streamCount"));
    }

    // ---- renditions ----------------------------------------------------------------------------

    static AttributeValue renditions(List<StoredRendition> renditions) {
        return AttributeValue.fromL(renditions.stream().map(rendition -> {
            var map = new HashMap<String, AttributeValue>();
            put(map, "name", rendition.name());
            put(map, "key", rendition.key());
            map.put("width", n(rendition.width()));
            map.put("height", n(rendition.height()));
            map.put("durationSeconds", n(rendition.durationSeconds()));
            map.put("sizeBytes", n(rendition.sizeBytes()));
            put(map, "videoCodec", rendition.videoCodec());
            put(map, "audioCodec", rendition.audioCodec());
            return AttributeValue.fromM(map);
        }).toList());
    }

    private static StoredRendition rendition(Map<String, AttributeValue> map) {
        return new StoredRendition(text(map, "name"), text(map, "key"), integer(map, "width"), integer(map, "height"),
                doubleValue(map, "durationSeconds"), longValue(map, "sizeBytes"), text(map, "videoCodec"),
                text(map, "audioCodec"));
    }

    // ---- values --------------------------------------------------------------------------------

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Plain digits (no exponent): the shortest decimal that reads back as the same double. */
    static AttributeValue n(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("DynamoDB stores finite numbers only, not " + value);
        }
        return AttributeValue.fromN(BigDecimal.valueOf(value).toPlainString());
    }

    private static void put(Map<String, AttributeValue> map, String name, String value) {
        if (value != null) {
            map.put(name, s(value));
        }
    }

    private static String text(Map<String, AttributeValue> map, String name) {
        var value = map.get(name);
        return value == null ? null : value.s();
    }

    private static int integer(Map<String, AttributeValue> map, String name) {
        var value = map.get(name);
        return value == null ? 0 : Integer.parseInt(value.n());
    }

    private static long longValue(Map<String, AttributeValue> map, String name) {
        var value = map.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    private static double doubleValue(Map<String, AttributeValue> map, String name) {
        var value = map.get(name);
        return value == null ? 0 : Double.parseDouble(value.n());
    }
}
