package dev.offstage.video.media;

import dev.offstage.video.media.MediaCommand.Tool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the pipeline asks of ffmpeg and ffprobe. Inputs named by a String are a presigned
 * HTTP(S) URL or a local path; ffmpeg streams them. Every call runs the tool until it exits or
 * {@code deadline}, when its process tree is killed ({@link MediaDeadlineException}); its progress
 * and stderr go to the structured log. Errors: {@link UnsupportedMediaException} when the input
 * can never work (permanent), {@link MediaToolException} when it may on a retry.
 *
 * <p>Every encode turns the picture explicitly by {@link MediaInfo.Video#rotation()} (ffmpeg's
 * autorotation off), so the single pass and the segmented path make the same pictures, and the
 * outputs carry no rotation of their own. Every output keeps the source's frames and their
 * timestamps ({@code -fps_mode passthrough}), and drops its metadata (a phone's location).
 *
 * <p>Inputs are untrusted: each is read only over the protocol its own read needs and only by
 * a video container's demuxer ({@link InputOptions}), so an upload that is a playlist is turned
 * down before ffmpeg fetches anything it names.
 *
 * <p>Thread-safe: each call runs its own processes. Calls write only the files they name.
 */
public final class VideoEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(VideoEncoder.class);

    /** The widest or tallest picture {@link #probe} accepts, as coded or as shown: 8K. */
    public static final int MAX_PICTURE_SIDE = 8192;
    /** The most pixels in a picture {@link #probe} accepts: DCI 8K, 8192x4320 (35.4 megapixels). */
    public static final long MAX_PICTURE_PIXELS = 8192L * 4320;
    /** The highest average frame rate {@link #probe} accepts: phones' slow motion is 240. */
    public static final double MAX_FRAME_RATE = 240;
    /**
     * The longest duration {@link #probe} believes: a week. A header claiming more is broken or
     * hostile; the transcoder's own, much lower limit (VideoMaxDurationSeconds) applies below it.
     */
    public static final double MAX_PLAUSIBLE_DURATION_SECONDS = 7 * 24 * 3600;

    /** H.264's default quality; {@code -maxrate} caps what the rendition's bit rate allows. */
    private static final int CRF = 23;
    /** A keyframe every 2 s: where players can seek and HLS/DASH packagers can cut. */
    private static final String KEYFRAMES = "expr:gte(t,n_forced*2)";
    /** Where the poster is taken from, when the video is long enough. */
    private static final double POSTER_SECONDS = 1.0;
    private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{5}\\.mkv");
    /** The segment muxer's list of the segments it wrote, beside them (not a segment by its name). */
    private static final String SEGMENT_LIST = "segments.csv";
    /** How much longer than asked a segment may be, for short segment lengths (see {@link #longestSegment}). */
    private static final Duration SEGMENT_OVERRUN = Duration.ofSeconds(10);
    /** How much longer than the probed duration an input may be read: at least this, ... */
    private static final double DURATION_SLACK_SECONDS = 2;
    /** ... or this share of the duration, for durations that are estimates. */
    private static final double DURATION_SLACK_SHARE = 0.05;

    private final MediaTools tools;

    public VideoEncoder(MediaTools tools) {
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    /**
     * Runs {@code ffmpeg -version} and {@code ffprobe -version}, for a function's init: a missing
     * or broken tool fails there, with the variable to set, rather than on the first video.
     *
     * @throws MediaToolException naming the variable ({@code VIDEO_FFMPEG}, {@code VIDEO_FFPROBE})
     */
    public void checkTools(Instant deadline) {
        for (Tool tool : Tool.values()) {
            var command = MediaCommand.version(tools, tool);
            var exit = command.run(deadline);
            if (exit.status() != 0) {
                throw new MediaToolException(tool.displayName() + " -version exited with status " + exit.status()
                        + " (" + String.join(" | ", exit.errors()) + "); check " + tool.variable + "='"
                        + command.command().getFirst() + "'");
            }
            LOG.atInfo().addKeyValue("tool", tool.displayName()).addKeyValue("path", command.command().getFirst())
                    .addKeyValue("version", exit.output().lines().findFirst().orElse(""))
                    .log(tool.displayName() + " found");
        }
    }

    /**
     * ffprobe's view of the input; rejects inputs that are not a playable video with a duration.
     *
     * @throws UnsupportedMediaException with a reason for people: empty, unreadable, not a video
     *     container (a playlist), no video stream, a still image, no duration, a picture over
     *     {@link #MAX_PICTURE_SIDE} or {@link #MAX_PICTURE_PIXELS}, an average frame rate over
     *     {@link #MAX_FRAME_RATE}
     * @throws MediaToolException when the input could not be read (HTTP errors, connection
     *     trouble) or ffprobe failed in a way not recognised
     */
    public MediaInfo probe(String input, Instant deadline) {
        rejectEmptyFile(input);
        var arguments = new ArrayList<String>(InputOptions.probe(input));
        // -i even for ffprobe: an input starting with '-' must never be read as an option.
        arguments.addAll(List.of("-show_format", "-show_streams", "-i", input));
        return ProbeReport.parse(succeed(MediaCommand.ffprobe(tools, "probe", arguments), deadline).output());
    }

    /**
     * Every rendition in one ffmpeg run (decode once): H.264 High + AAC (when the source has audio)
     * MP4s with {@code +faststart}, rotation applied, named {@link Rendition#fileName()} in {@code directory}.
     */
    public List<EncodedFile> transcode(String input, MediaInfo info, List<Rendition> renditions, Path directory, Instant deadline) {
        var video = videoOf(info);
        requireRenditions(renditions);
        // ffmpeg 5.1 copies the input's display matrix onto encoded outputs when autorotation is off,
        // and its rotate override only applies to stream copies: a turned source's outputs are written
        // aside, then remuxed once without it (the remux also moves the index to the front).
        boolean remux = video.rotation() != 0;
        var arguments = new ArrayList<String>(List.of("-y", "-noautorotate"));
        arguments.addAll(durationLimit(info));
        arguments.addAll(InputOptions.video(input));
        arguments.addAll(List.of("-i", input, "-filter_complex", scaleGraph(video.rotation(), renditions)));
        for (int i = 0; i < renditions.size(); i++) {
            Rendition rendition = renditions.get(i);
            arguments.addAll(List.of("-map", "[v" + i + "]"));
            if (info.hasAudio()) {
                arguments.addAll(List.of("-map", "0:a:0"));
                arguments.addAll(audioEncoding(rendition.audioKbps()));
            } else {
                arguments.add("-an");
            }
            arguments.addAll(videoEncoding(rendition));
            arguments.addAll(List.of("-map_metadata", "-1", "-map_chapters", "-1"));
            if (!remux) {
                arguments.addAll(List.of("-movflags", "+faststart"));
            }
            arguments.add((remux ? unrotated(directory, rendition) : directory.resolve(rendition.fileName())).toString());
        }
        try {
            succeed(MediaCommand.ffmpeg(tools, "transcode", arguments, info.durationSeconds()), deadline);
            var files = new ArrayList<EncodedFile>();
            for (Rendition rendition : renditions) {
                Path output = directory.resolve(rendition.fileName());
                if (remux) {
                    remuxWithoutRotation(unrotated(directory, rendition), output, deadline);
                }
                files.add(new EncodedFile(rendition, output, probeOutput(output, deadline)));
            }
            return List.copyOf(files);
        } finally {
            if (remux) {
                renditions.forEach(rendition -> delete(unrotated(directory, rendition)));
            }
        }
    }

    /**
     * A JPEG poster frame at {@code size}'s dimensions, from about a second in (earlier for very
     * short videos; the first frame when there is no frame where the duration promised one).
     *
     * @throws UnsupportedMediaException when ffmpeg decodes no picture at all
     */
    public Path poster(String input, MediaInfo info, Rendition size, Path output, Instant deadline) {
        var video = videoOf(info);
        delete(output); // a poster left by an earlier attempt must not pass for this one's
        double at = info.durationSeconds() >= 2 * POSTER_SECONDS ? POSTER_SECONDS : info.durationSeconds() / 2;
        grabFrame(input, video.rotation(), size, at, output, deadline);
        if (!isNonEmptyFile(output)) {
            // The duration promised more than the frames hold: the first frame will do.
            grabFrame(input, video.rotation(), size, 0, output, deadline);
        }
        if (!isNonEmptyFile(output)) {
            throw new UnsupportedMediaException("not a playable video: ffmpeg decoded no picture for the poster");
        }
        return output;
    }

    private void grabFrame(String input, int rotation, Rendition size, double seconds, Path output, Instant deadline) {
        var arguments = new ArrayList<String>(List.of("-y", "-noautorotate"));
        arguments.addAll(InputOptions.video(input));
        // -ss before -i: seeks to the keyframe before, then decodes up to the exact time.
        arguments.addAll(List.of("-ss", seconds(seconds), "-i", input, "-map", "0:v:0",
                // out_range=full: a JPEG is full range; mjpeg takes yuvj420p (swscale warns about it, harmlessly).
                "-vf", chain(Rotation.filter(rotation), "scale=" + size.width() + ":" + size.height() + ":out_range=full",
                        "setsar=1", "format=yuvj420p"),
                "-frames:v", "1", "-update", "1", "-q:v", "3", "-map_metadata", "-1", output.toString()));
        succeed(MediaCommand.ffmpeg(tools, "poster", arguments, 0), deadline);
    }

    /**
     * Cuts the first video stream into segments: probes the input, then
     * {@link #split(String, MediaInfo, Duration, Path, Instant)}, which saves the probe when the
     * caller has its {@link MediaInfo}.
     */
    public List<Path> split(String input, Duration segmentLength, Path directory, Instant deadline) {
        return split(input, probe(input, deadline), segmentLength, directory, deadline);
    }

    /**
     * Cuts the first video stream, copied without re-encoding, into segments of about
     * {@code segmentLength} starting at keyframes ({@code 00000.mkv}, {@code 00001.mkv}, ... in
     * {@code directory}); returns them in order. Audio is left out: the assembler encodes it once.
     * Segments already in {@code directory} (an earlier attempt's) are replaced. Reads no further
     * than the probed duration says.
     *
     * @param info what {@link #probe} said of the input
     * @throws UnsupportedMediaException when the keyframes are too far apart for segments of about
     *     that length: a segment longer than {@link #longestSegment} would not be transcoded in a
     *     segment worker's time (screen recordings and security cameras may have one keyframe in
     *     minutes); no segment is left in {@code directory}
     */
    public List<Path> split(String input, MediaInfo info, Duration segmentLength, Path directory, Instant deadline) {
        if (segmentLength.isNegative() || segmentLength.isZero()) {
            throw new IllegalArgumentException("segment length must be positive, was " + segmentLength);
        }
        segments(directory).forEach(VideoEncoder::delete);
        Path list = directory.resolve(SEGMENT_LIST);
        delete(list);
        var arguments = new ArrayList<String>(List.of("-y"));
        arguments.addAll(durationLimit(info));
        arguments.addAll(InputOptions.video(input));
        // The segment muxer cuts at the first keyframe after each multiple of segment_time; each
        // segment's timestamps start again at 0, and Matroska needs no index to be written first.
        // Its list says where each segment starts and ends: how far apart the keyframes really are.
        arguments.addAll(List.of("-i", input, "-map", "0:v:0", "-c", "copy", "-map_metadata", "-1",
                "-f", "segment", "-segment_time", seconds(segmentLength.toMillis() / 1000.0),
                "-segment_format", "matroska", "-reset_timestamps", "1",
                "-segment_list", list.toString(), "-segment_list_type", "csv",
                directory.resolve("%05d.mkv").toString()));
        try {
            succeed(MediaCommand.ffmpeg(tools, "split", arguments, info.durationSeconds()), deadline);
            var segments = segments(directory);
            if (segments.isEmpty()) {
                throw new UnsupportedMediaException("not a playable video: splitting it gave no segment");
            }
            double longest = longestSegmentSeconds(list);
            double limit = longestSegment(segmentLength).toMillis() / 1000.0;
            if (longest > limit) {
                segments.forEach(VideoEncoder::delete);
                throw new UnsupportedMediaException(String.format(Locale.ROOT,
                        "its keyframes are too far apart to split it for parallel transcoding (longest gap %.1f s, over "
                                + "the %.1f s a segment may last); re-encode it with a keyframe at least every %s s, or raise "
                                + "VideoSegmentThresholdSeconds", longest, limit, plain(segmentLength.toMillis() / 1000.0)));
            }
            return segments;
        } finally {
            delete(list);
        }
    }

    /**
     * The longest a segment cut for {@code segmentLength} may be: twice the length, and at least
     * 10 s more. Cuts land on keyframes, so segments are a little longer or shorter than asked;
     * much longer means keyframes far apart, and a segment that would take a worker too long.
     */
    public static Duration longestSegment(Duration segmentLength) {
        var twice = segmentLength.multipliedBy(2);
        var longer = segmentLength.plus(SEGMENT_OVERRUN);
        return twice.compareTo(longer) >= 0 ? twice : longer;
    }

    /** The longest segment in the segment muxer's CSV list ({@code 00000.mkv,0.000000,5.080000} a line). */
    static double longestSegmentSeconds(Path list) {
        List<String> lines;
        try {
            lines = Files.readAllLines(list);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the segment list " + list, e);
        }
        double longest = 0;
        for (String line : lines) {
            String[] fields = line.split(",");
            if (fields.length < 3) {
                continue;
            }
            try {
                double start = Double.parseDouble(fields[fields.length - 2]);
                double end = Double.parseDouble(fields[fields.length - 1]);
                longest = Math.max(longest, end - start);
            } catch (NumberFormatException e) {
                throw new MediaToolException("ffmpeg wrote a segment list line that is not name,start,end: " + line, e);
            }
        }
        return longest;
    }

    /**
     * One segment into every rendition, video only ({@link Rendition#fileName()} in
     * {@code directory}), turned by {@code rotation} (the source's, which the segment lost),
     * frame for frame: the stitched renditions keep the source's frame count and timing.
     */
    public List<EncodedFile> transcodeSegment(Path segment, int rotation, List<Rendition> renditions, Path directory, Instant deadline) {
        requireRenditions(renditions);
        var arguments = new ArrayList<String>(List.of("-y", "-noautorotate"));
        arguments.addAll(InputOptions.video(segment.toString()));
        arguments.addAll(List.of("-i", segment.toString(), "-filter_complex", scaleGraph(rotation, renditions)));
        for (int i = 0; i < renditions.size(); i++) {
            arguments.addAll(List.of("-map", "[v" + i + "]", "-an"));
            arguments.addAll(videoEncoding(renditions.get(i)));
            // No +faststart: concat rewrites the file anyway.
            arguments.addAll(List.of("-map_metadata", "-1", directory.resolve(renditions.get(i).fileName()).toString()));
        }
        succeed(MediaCommand.ffmpeg(tools, "transcode-segment", arguments, 0), deadline);
        var files = new ArrayList<EncodedFile>();
        for (Rendition rendition : renditions) {
            Path output = directory.resolve(rendition.fileName());
            files.add(new EncodedFile(rendition, output, probeOutput(output, deadline)));
        }
        return List.copyOf(files);
    }

    /**
     * The input's first audio stream as AAC in an M4A, for stitching: probes the input, then
     * {@link #encodeAudio(String, MediaInfo, int, Path, Instant)}, which saves the probe when the
     * caller has its {@link MediaInfo}.
     *
     * @throws UnsupportedMediaException when the input is not a video or has no audio stream
     */
    public Path encodeAudio(String input, int audioKbps, Path output, Instant deadline) {
        return encodeAudio(input, probe(input, deadline), audioKbps, output, deadline);
    }

    /**
     * The input's first audio stream as AAC in an M4A, for {@link #concat} to stitch: placed as
     * the single pass places it ({@link Timeline}: a sound that starts after the picture keeps its
     * delay), and read no further than the probed duration says.
     *
     * @param info what {@link #probe} said of the input
     * @throws UnsupportedMediaException when the input has no audio stream
     */
    public Path encodeAudio(String input, MediaInfo info, int audioKbps, Path output, Instant deadline) {
        var audio = info.audio().orElseThrow(() -> new UnsupportedMediaException("the video has no audio stream to encode"));
        // -copyts with the input moved by -itsoffset: the audio lands exactly where the timeline
        // puts it, counted on the container's clock, whatever ffmpeg would take as the file's start.
        var arguments = new ArrayList<String>(List.of("-y", "-copyts",
                "-itsoffset", seconds(Timeline.of(info).audioStart() - audio.startSeconds())));
        arguments.addAll(durationLimit(info));
        arguments.addAll(InputOptions.video(input));
        arguments.addAll(List.of("-i", input, "-map", "0:a:0"));
        arguments.addAll(audioEncoding(audioKbps));
        arguments.addAll(List.of("-map_metadata", "-1", output.toString()));
        // The video is read too, and copied to nowhere: for an MPEG-TS whose audio is read alone,
        // ffmpeg 5.1 moves the input's start to the audio's and the gap after the picture is lost.
        arguments.addAll(List.of("-map", "0:v:0", "-c:v", "copy", "-f", "null", "-"));
        var command = MediaCommand.ffmpeg(tools, "encode-audio", arguments, info.durationSeconds());
        var exit = command.run(deadline);
        if (exit.status() != 0 && exit.errors().stream().anyMatch(line -> line.contains("matches no streams"))) {
            throw new UnsupportedMediaException("the video has no audio stream to encode");
        }
        requireSuccess(command, exit);
        return output;
    }

    /**
     * Concatenates a rendition's encoded segments (in order, stream copy) and muxes in the audio
     * when given ({@link #encodeAudio}), into a {@code +faststart} MP4: duration within a frame of
     * the source, audio in sync when the source's picture does not start after its sound.
     *
     * <p>Prefer {@link #concat(List, Optional, MediaInfo, Rendition, Path, Instant)}, which keeps
     * every source in sync: an MPEG-TS or camera file whose picture starts half a second after its
     * sound would be half a second out of sync here.
     */
    public EncodedFile concat(List<Path> segments, Optional<Path> audio, Rendition rendition, Path output, Instant deadline) {
        return concat(segments, audio, 0, rendition, output, deadline);
    }

    /**
     * Concatenates a rendition's encoded segments (in order, stream copy) and muxes in the audio
     * when given ({@link #encodeAudio} of the same source), into a {@code +faststart} MP4 like the
     * single pass's: duration within a frame of the source, the audio in sync. The segments start
     * at 0 (split resets them); a picture that starts after the sound in the source starts as much
     * later here ({@link MediaInfo#videoDelaySeconds()}).
     *
     * @param source what {@link #probe} said of the source the segments and the audio were cut from
     */
    public EncodedFile concat(List<Path> segments, Optional<Path> audio, MediaInfo source, Rendition rendition, Path output,
                              Instant deadline) {
        return concat(segments, audio, Timeline.of(source).videoStart(), rendition, output, deadline);
    }

    private EncodedFile concat(List<Path> segments, Optional<Path> audio, double videoStart, Rendition rendition,
                               Path output, Instant deadline) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("there are no segments to concatenate");
        }
        Path list = output.resolveSibling(output.getFileName() + ".segments.txt");
        try {
            Files.writeString(list, concatList(segments));
            // -copyts: the audio keeps the timestamps encodeAudio gave it; the video, which the
            // concat demuxer starts at 0, is moved to where the timeline puts it.
            var arguments = new ArrayList<String>(List.of("-y", "-copyts"));
            if (audio.isPresent() && videoStart > 0) {
                arguments.addAll(List.of("-itsoffset", seconds(videoStart)));
            }
            arguments.addAll(InputOptions.concatList());
            arguments.addAll(List.of("-f", "concat", "-safe", "0", "-i", list.toString()));
            audio.ifPresent(file -> {
                arguments.addAll(InputOptions.video(file.toString()));
                arguments.addAll(List.of("-i", file.toString()));
            });
            arguments.addAll(List.of("-map", "0:v:0"));
            audio.ifPresent(file -> arguments.addAll(List.of("-map", "1:a:0")));
            arguments.addAll(List.of("-c", "copy", "-map_metadata", "-1", "-movflags", "+faststart", output.toString()));
            succeed(MediaCommand.ffmpeg(tools, "concat", arguments, 0), deadline);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the segment list " + list, e);
        } finally {
            delete(list);
        }
        return new EncodedFile(rendition, output, probeOutput(output, deadline));
    }

    /**
     * Where the video and the audio start in what the segmented path writes, as ffmpeg's single
     * pass places them: 0 is the earlier of the two, the other keeps the source's gap
     * ({@link MediaInfo#videoDelaySeconds()}).
     */
    private record Timeline(double videoStart, double audioStart) {

        static Timeline of(MediaInfo info) {
            double delay = info.videoDelaySeconds();
            if (Math.abs(delay) >= info.durationSeconds()) {
                // A gap as long as the video is a broken clock (an MPEG-TS clock that wrapped), not a gap to keep.
                LOG.atWarn().addKeyValue("videoDelaySeconds", delay).addKeyValue("durationSeconds", info.durationSeconds())
                        .log("The source's video and audio start further apart than its duration: both start at 0");
                return new Timeline(0, 0);
            }
            return new Timeline(Math.max(0, delay), Math.max(0, -delay));
        }
    }

    /** The concat demuxer's list: absolute paths, single-quoted, a quote inside written {@code '\''}. */
    static String concatList(List<Path> segments) {
        var list = new StringBuilder("ffconcat version 1.0\n");
        for (Path segment : segments) {
            list.append("file '").append(segment.toAbsolutePath().toString().replace("'", "'\\''")).append("'\n");
        }
        return list.toString();
    }

    /** One decode, turned once, split into a scaled stream {@code [v<i>]} per rendition. */
    static String scaleGraph(int rotation, List<Rendition> renditions) {
        var graph = new StringBuilder("[0:v:0]");
        Rotation.filter(rotation).ifPresent(turn -> graph.append(turn).append(','));
        graph.append("split=").append(renditions.size());
        for (int i = 0; i < renditions.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < renditions.size(); i++) {
            Rendition rendition = renditions.get(i);
            graph.append(";[s").append(i).append("]scale=").append(rendition.width()).append(':').append(rendition.height())
                    .append(",setsar=1,format=yuv420p[v").append(i).append(']');
        }
        return graph.toString();
    }

    /** H.264 High at CRF 23, capped at the rendition's bit rate, keyframes every 2 s, the source's frame timing. */
    private List<String> videoEncoding(Rendition rendition) {
        return List.of("-c:v", "libx264", "-preset", tools.x264Preset(), "-profile:v", "high", "-pix_fmt", "yuv420p",
                "-crf", String.valueOf(CRF), "-maxrate", rendition.videoKbps() + "k", "-bufsize", 2 * rendition.videoKbps() + "k",
                "-force_key_frames", KEYFRAMES, "-fps_mode", "passthrough");
    }

    /** AAC at {@code audioKbps}; more than two channels are mixed down to stereo, which every player plays. */
    private static List<String> audioEncoding(int audioKbps) {
        return List.of("-af", "aformat=channel_layouts=mono|stereo", "-c:a", "aac", "-b:a", audioKbps + "k");
    }

    /** Stream copy that leaves the display matrix behind ({@code rotate=0} is ffmpeg 5.1's way to say so). */
    private void remuxWithoutRotation(Path encoded, Path output, Instant deadline) {
        var arguments = new ArrayList<String>(List.of("-y"));
        arguments.addAll(InputOptions.video(encoded.toString()));
        arguments.addAll(List.of("-i", encoded.toString(), "-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=0",
                "-map_metadata", "-1", "-movflags", "+faststart", output.toString()));
        succeed(MediaCommand.ffmpeg(tools, "transcode-remux", arguments, 0), deadline);
        delete(encoded);
    }

    private static Path unrotated(Path directory, Rendition rendition) {
        return directory.resolve(rendition.name() + ".turned.mp4");
    }

    /** An output of ours, probed; one that ffprobe finds no video in means ffmpeg decoded nothing from the input. */
    private MediaInfo probeOutput(Path output, Instant deadline) {
        try {
            return probe(output.toString(), deadline);
        } catch (UnsupportedMediaException e) {
            throw new UnsupportedMediaException("not a playable video: ffmpeg made " + output.getFileName()
                    + " without pictures (" + e.reason() + ")");
        }
    }

    /**
     * {@code -t} for an input: read it no further than its probed duration, and a little. A file
     * whose header claims seconds but that holds hours (broken, or made to hurt) then makes an
     * output of about the claimed length, rather than keeping ffmpeg busy until its deadline, on
     * every retry.
     */
    private static List<String> durationLimit(MediaInfo info) {
        double duration = info.durationSeconds();
        return List.of("-t", seconds(duration + Math.max(DURATION_SLACK_SECONDS, DURATION_SLACK_SHARE * duration)));
    }

    /** A local empty file would be "Invalid data found"; people understand "empty" better. */
    private static void rejectEmptyFile(String input) {
        if (InputOptions.isUrl(input)) {
            return;
        }
        long size;
        try {
            Path path = Path.of(input);
            if (!Files.isRegularFile(path)) {
                return; // not a file we can look at: ffprobe will say what it is
            }
            size = Files.size(path);
        } catch (IOException | InvalidPathException e) {
            return;
        }
        if (size == 0) {
            throw new UnsupportedMediaException("not a video: the file is empty (0 bytes)");
        }
    }

    private static MediaCommand.Exit succeed(MediaCommand command, Instant deadline) {
        var exit = command.run(deadline);
        requireSuccess(command, exit);
        return exit;
    }

    private static void requireSuccess(MediaCommand command, MediaCommand.Exit exit) {
        if (exit.status() != 0) {
            throw ToolFailure.of(command, exit);
        }
    }

    private static MediaInfo.Video videoOf(MediaInfo info) {
        return info.video().orElseThrow(() -> new IllegalArgumentException("the media has no video stream"));
    }

    private static void requireRenditions(List<Rendition> renditions) {
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("there are no renditions to make");
        }
    }

    private static List<Path> segments(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> SEGMENT_NAME.matcher(file.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the segments in " + directory, e);
        }
    }

    private static boolean isNonEmptyFile(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + file, e);
        }
    }

    private static String chain(Optional<String> first, String... rest) {
        var filters = new ArrayList<String>();
        first.ifPresent(filters::add);
        filters.addAll(List.of(rest));
        return String.join(",", filters);
    }

    /** Seconds for people: {@code 30}, {@code 7.5}. */
    private static String plain(double seconds) {
        return BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
    }

    /** Seconds as ffmpeg reads them, with a dot whatever the locale. */
    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.6f", seconds);
    }
}
