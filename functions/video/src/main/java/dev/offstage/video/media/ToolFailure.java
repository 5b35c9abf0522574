package dev.offstage.video.media;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Why ffmpeg or ffprobe exited non-zero, from the last lines of its standard error: the input
 * can never work ({@link UnsupportedMediaException}), or it may on a retry
 * ({@link MediaToolException}: the network, the server, anything not recognised).
 */
final class ToolFailure {

    /** Reading the input over HTTP failed: a retry (with a fresh URL, after a pause) may succeed. */
    private static final List<String> UNREADABLE = List.of(
            "connection refused", "connection reset", "connection timed out", "operation timed out",
            "network is unreachable", "failed to resolve hostname", "name or service not known",
            "server returned", "http error", "input/output error", "i/o error", "error in the pull function",
            "[tls @", "gnutls", "openssl", "handshake", "will reconnect");

    /** The bytes are not a video ffmpeg can read; the same bytes will fail again. Most telling first. */
    private static final List<String> NOT_A_VIDEO = List.of(
            "moov atom not found", "invalid data found when processing input", "could not find codec parameters",
            "does not contain any stream", "no decoder", "decoder not found", "unknown decoder",
            "error while decoding", "invalid nal unit", "corrupt", "truncat", "end of file");

    /** {@code [hls @ 0x55d1] Format not on whitelist '...'}: the demuxer ffmpeg recognised, refused by {@link InputOptions}. */
    private static final Pattern FORMAT_REFUSED = Pattern.compile("^\\[([^\\]@]+?) @ 0x[0-9a-f]+\\] Format not on whitelist");
    /** What the formats that name other files are, for people. */
    private static final Map<String, String> PLAYLISTS = Map.of("hls", "an HLS playlist (hls)", "dash", "a DASH manifest (dash)",
            "concat", "a concat list (concat)", "image2", "an image sequence (image2)");
    /** {@code Protocol 'http' not on whitelist 'https,tls,tcp'!}: the input named another resource. */
    private static final Pattern PROTOCOL_REFUSED = Pattern.compile("Protocol '([^']*)' not on whitelist");

    /** A URL's query string: a presigned URL's is long, and a secret until it expires. */
    private static final Pattern QUERY = Pattern.compile("(https?://[^\\s?'\"]+)\\?[^\\s'\"]*");

    private ToolFailure() {}

    /**
     * The exception for a run that exited with {@code exit}'s non-zero status.
     *
     * @param command what ran, for the tool's name and the step
     */
    static RuntimeException of(MediaCommand command, MediaCommand.Exit exit) {
        String tool = command.tool().displayName();
        var errors = exit.errors();
        if (find(errors, "no space left on device").isPresent()) {
            return new UnsupportedMediaException("too large for this function's temporary storage: " + tool
                    + " ran out of space in /tmp (No space left on device); the function's EphemeralStorage must be larger for this video");
        }
        var refused = refused(tool, errors);
        if (refused.isPresent()) {
            return new UnsupportedMediaException(refused.get());
        }
        // Network trouble first: a connection reset midway also makes the demuxer complain about invalid data.
        var unreadable = find(errors, UNREADABLE);
        if (unreadable.isPresent()) {
            return new MediaToolException(tool + " (" + command.step() + ") could not read its input: " + unreadable.get());
        }
        var invalid = find(errors, NOT_A_VIDEO);
        if (invalid.isPresent()) {
            String verb = command.tool() == MediaCommand.Tool.FFPROBE ? "could not read it" : "could not decode it";
            String reason = reason(invalid.get());
            if (reason.equalsIgnoreCase("moov atom not found")) {
                reason += ": an incomplete upload, or not an MP4"; // jargon only ffmpeg people read
            }
            return new UnsupportedMediaException("not a video: " + tool + " " + verb + " (" + reason + ")");
        }
        return new MediaToolException(tool + " (" + command.step() + ") exited with status " + exit.status()
                + (errors.isEmpty() ? " and said nothing" : ": " + withoutQueries(String.join(" | ", errors))));
    }

    /**
     * The reason for an input that {@link InputOptions}' whitelists turned down: a playlist or
     * another format that is not a video file, or one that names other resources. Permanent: the
     * same bytes are turned down again.
     */
    private static Optional<String> refused(String tool, List<String> lines) {
        for (String line : lines.reversed()) {
            var format = FORMAT_REFUSED.matcher(line.strip());
            if (format.find()) {
                String name = format.group(1).strip();
                return Optional.of("not a video file: " + tool + " recognised it as " + PLAYLISTS.getOrDefault(name, name)
                        + ", which the pipeline does not read (it reads video files such as MP4, MOV, MKV, WebM, AVI and MPEG-TS)");
            }
            var protocol = PROTOCOL_REFUSED.matcher(line);
            if (protocol.find()) {
                return Optional.of("not a video file: it refers to another resource (over " + protocol.group(1)
                        + "), which the pipeline does not read");
            }
        }
        return Optional.empty();
    }

    /** A URL without its query string, for messages that outlive the log (reasons, exceptions). */
    static String withoutQueries(String text) {
        return QUERY.matcher(text).replaceAll("$1?...");
    }

    private static Optional<String> find(List<String> lines, String marker) {
        return find(lines, List.of(marker));
    }

    /** The last line holding the first marker (any case) that any line holds, without its URL's query string. */
    private static Optional<String> find(List<String> lines, List<String> markers) {
        for (String marker : markers) {
            for (String line : lines.reversed()) {
                if (line.toLowerCase(Locale.ROOT).contains(marker)) {
                    return Optional.of(withoutQueries(line.strip()));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * What ffmpeg said, without the {@code [mov,mp4,... @ 0x55d1]} context or the input's name,
     * which both say nothing to people: "Invalid data found when processing input".
     */
    private static String reason(String line) {
        String text = line.replaceFirst("^\\[[^\\]]*@ 0x[0-9a-f]+\\]\\s*", "");
        int colon = text.lastIndexOf(": ");
        return colon >= 0 && colon + 2 < text.length() ? text.substring(colon + 2) : text;
    }
}
