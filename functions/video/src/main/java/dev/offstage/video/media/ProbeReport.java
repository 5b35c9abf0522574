package dev.offstage.video.media;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * ffprobe's {@code -show_format -show_streams} JSON as a {@link MediaInfo}, and whether it is a
 * video the pipeline can transcode: a moving picture with a duration.
 */
final class ProbeReport {

    /** Codecs of still pictures; in a real container (motion JPEG in AVI) they are video when there are many frames. */
    private static final Set<String> IMAGE_CODECS = Set.of(
            "png", "mjpeg", "jpeg2000", "bmp", "tiff", "webp", "gif", "jpegxl", "qoi", "ppm", "pgm", "pam", "heif", "avif");

    private ProbeReport() {}

    /**
     * The report as a {@link MediaInfo}, only for playable videos.
     *
     * @throws UnsupportedMediaException when it has no video stream (a cover picture does not
     *     count), is a still image, has no duration or an implausible one, no picture size, too
     *     large a picture or too many frames a second
     * @throws MediaToolException when the report is not ffprobe's JSON
     */
    static MediaInfo parse(String json) {
        JsonNode root;
        try {
            root = Json.tree(json);
        } catch (InvalidJsonException e) {
            throw new MediaToolException("ffprobe printed something that is not its JSON report", e);
        }
        JsonNode format = root.path("format");
        JsonNode streams = root.path("streams");
        String container = format.path("format_name").asText("");
        Optional<JsonNode> found = first(streams, "video", false);
        Optional<JsonNode> audioStream = first(streams, "audio", false);
        if (found.isEmpty()) {
            throw new UnsupportedMediaException(first(streams, "video", true).isPresent()
                    ? "not a video: ffprobe found only a still picture (cover art) and no video stream"
                    : "not a video: ffprobe found no video stream" + (audioStream.isPresent() ? " (only audio)" : ""));
        }
        JsonNode videoStream = found.get();
        String codec = videoStream.path("codec_name").asText("unknown");
        if (isStillImage(container, codec, videoStream)) {
            throw new UnsupportedMediaException("not a video: it is a still image (" + codec + ")");
        }
        double duration = positive(format.path("duration")).or(() -> positive(videoStream.path("duration"))).orElse(0.0);
        if (duration <= 0) {
            throw new UnsupportedMediaException("not a video: ffprobe found no duration");
        }
        if (duration > VideoEncoder.MAX_PLAUSIBLE_DURATION_SECONDS) {
            throw new UnsupportedMediaException(String.format(Locale.ROOT,
                    "not a video: its header claims %.3g s (over a week), which no upload holds", duration));
        }
        // Read wide: a header may claim more than an int holds, which must read as too large, not as negative.
        long width = videoStream.path("width").asLong(0);
        long height = videoStream.path("height").asLong(0);
        if (width < 2 || height < 2) {
            throw new UnsupportedMediaException("not a video: ffprobe found no picture size (" + width + "x" + height + ")");
        }
        rejectOversized(width, height);
        var video = new MediaInfo.Video(codec, (int) width, (int) height, rotation(videoStream), frameRate(videoStream),
                videoStream.path("pix_fmt").asText(""), sampleAspectRatio(videoStream), startSeconds(videoStream, format));
        rejectOversized(video.displayWidth(), video.displayHeight());
        double averageFrameRate = ratio(videoStream.path("avg_frame_rate").asText(""));
        if (averageFrameRate > VideoEncoder.MAX_FRAME_RATE) {
            throw new UnsupportedMediaException(String.format(Locale.ROOT,
                    "too many frames a second: %.1f on average, over the limit of %.0f", averageFrameRate, VideoEncoder.MAX_FRAME_RATE));
        }
        Optional<MediaInfo.Audio> audio = audioStream.map(stream -> new MediaInfo.Audio(
                stream.path("codec_name").asText("unknown"), stream.path("channels").asInt(0),
                stream.path("sample_rate").asInt(0), stream.path("bit_rate").asLong(0), startSeconds(stream, format)));
        return new MediaInfo(container, duration, format.path("size").asLong(-1), format.path("bit_rate").asLong(0),
                Optional.of(video), audio, streams.size());
    }

    /**
     * A picture ffmpeg could not decode within a function's memory: over
     * {@link VideoEncoder#MAX_PICTURE_SIDE} on a side or {@link VideoEncoder#MAX_PICTURE_PIXELS} in
     * all, as coded or as shown (non-square pixels stretch it). A 16K x 16K H.264 file can be
     * tiny, and gets ffmpeg killed for its memory.
     */
    private static void rejectOversized(long width, long height) {
        double pixels = (double) width * height;
        if (width > VideoEncoder.MAX_PICTURE_SIDE || height > VideoEncoder.MAX_PICTURE_SIDE
                || pixels > VideoEncoder.MAX_PICTURE_PIXELS) {
            throw new UnsupportedMediaException(String.format(Locale.ROOT,
                    "too large a picture: %dx%d (%.1f megapixels), over the limit of %d pixels a side and %.1f megapixels (8K)",
                    width, height, pixels / 1e6, VideoEncoder.MAX_PICTURE_SIDE, VideoEncoder.MAX_PICTURE_PIXELS / 1e6));
        }
    }

    /** The first stream of a type; a video stream marked attached_pic is an MP3's album art, a picture only. */
    private static Optional<JsonNode> first(JsonNode streams, String type, boolean attachedPicture) {
        for (JsonNode stream : streams) {
            boolean attached = stream.path("disposition").path("attached_pic").asInt(0) == 1;
            if (stream.path("codec_type").asText("").equals(type) && attached == attachedPicture) {
                return Optional.of(stream);
            }
        }
        return Optional.empty();
    }

    private static boolean isStillImage(String container, String codec, JsonNode stream) {
        // Demuxers of single pictures: ffprobe finds a "video" stream of one frame in them.
        if (InputOptions.PICTURES.contains(container) || (container.endsWith("_pipe") && IMAGE_CODECS.contains(codec))) {
            return true;
        }
        long frames = stream.path("nb_frames").asLong(0);
        return IMAGE_CODECS.contains(codec) && frames == 1;
    }

    /**
     * Clockwise degrees: the display matrix wins over the legacy {@code rotate} tag (ffmpeg 5 no
     * longer exports the tag from MP4, but other containers and older muxers may carry it).
     */
    private static int rotation(JsonNode stream) {
        for (JsonNode sideData : stream.path("side_data_list")) {
            if (sideData.has("rotation") && sideData.path("rotation").isNumber()) {
                return Rotation.fromDisplayMatrix(sideData.path("rotation").asDouble());
            }
        }
        JsonNode tag = stream.path("tags").path("rotate");
        if (!tag.isMissingNode()) {
            try {
                return Rotation.fromRotateTag(Double.parseDouble(tag.asText()));
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** The average frame rate ("30000/1001"), else the stream's base rate; 0 when neither is known ("0/0"). */
    private static double frameRate(JsonNode stream) {
        double average = ratio(stream.path("avg_frame_rate").asText(""));
        return average > 0 ? average : ratio(stream.path("r_frame_rate").asText(""));
    }

    private static double ratio(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                return text.isEmpty() ? 0 : Double.parseDouble(text);
            }
            double denominator = Double.parseDouble(text.substring(slash + 1));
            return denominator == 0 ? 0 : Double.parseDouble(text.substring(0, slash)) / denominator;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** {@code "4:3"}; {@code "0:1"} (unknown) or none counts as square. */
    private static double sampleAspectRatio(JsonNode stream) {
        String text = stream.path("sample_aspect_ratio").asText("");
        int colon = text.indexOf(':');
        try {
            double width = Double.parseDouble(text.substring(0, Math.max(colon, 0)));
            double height = Double.parseDouble(text.substring(colon + 1));
            return width > 0 && height > 0 ? width / height : 1;
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * The stream's {@code start_time} ("1.400000"); when ffprobe does not know it ("N/A": no
     * packet within what it read), the container's, the nearest guess (an MPEG-TS clock may be
     * far from 0); else 0.
     */
    private static double startSeconds(JsonNode stream, JsonNode format) {
        return number(stream.path("start_time")).or(() -> number(format.path("start_time"))).orElse(0.0);
    }

    private static Optional<Double> number(JsonNode node) {
        try {
            double value = Double.parseDouble(node.asText(""));
            return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** ffprobe prints numbers as strings ("12.345000"), or "N/A". */
    private static Optional<Double> positive(JsonNode node) {
        try {
            double value = Double.parseDouble(node.asText(""));
            return value > 0 && Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
