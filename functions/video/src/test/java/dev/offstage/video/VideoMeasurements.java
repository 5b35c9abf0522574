package dev.offstage.video;

import static dev.offstage.video.TestVideos.FFMPEG;
import static dev.offstage.video.TestVideos.FFPROBE;
import static dev.offstage.video.TestVideos.output;
import static dev.offstage.video.TestVideos.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What tests measure of a media file, with ffmpeg and ffprobe themselves (not the code under
 * test): decoded frame counts, stream durations, when {@link TestVideos#markers()}' flashes and
 * beeps happen, where a coloured corner is, and the MP4's top-level boxes.
 */
public final class VideoMeasurements {

    /** A flash frame is nearly white; the test pattern around it averages about 120. */
    private static final double FLASH_LUMA = 200;
    private static final Pattern FRAME_LUMA = Pattern.compile("pts_time:([0-9.]+)\\s+lavfi\\.signalstats\\.YAVG=([0-9.]+)");
    private static final Pattern SILENCE = Pattern.compile("silence_(start|end): ([0-9.]+)");

    private VideoMeasurements() {}

    /** The frames of the first video stream, decoded and counted. */
    public static long frameCount(Path file) {
        return Long.parseLong(probeEntry(file, "v:0", "stream=nb_read_frames", "-count_frames"));
    }

    /** The first video stream's duration, as the container says. */
    public static double videoDuration(Path file) {
        return Double.parseDouble(probeEntry(file, "v:0", "stream=duration"));
    }

    /** The first audio stream's duration, as the container says. */
    public static double audioDuration(Path file) {
        return Double.parseDouble(probeEntry(file, "a:0", "stream=duration"));
    }

    /** "codec WxH" of the first video stream (or picture) as ffprobe sees it: {@code mjpeg 426x240}. */
    public static String picture(Path file) {
        String[] fields = probeEntry(file, "v:0", "stream=codec_name,width,height").split(",");
        return fields[0] + " " + fields[1] + "x" + fields[2];
    }

    /** The first video stream's H.264 profile as ffprobe names it: {@code High}. */
    public static String videoProfile(Path file) {
        return probeEntry(file, "v:0", "stream=profile");
    }

    /** Whether the first video packet is a keyframe. */
    public static boolean startsWithKeyframe(Path file) {
        String flags = run(List.of(FFPROBE, "-v", "error", "-select_streams", "v:0", "-read_intervals", "%+#1",
                "-show_entries", "packet=flags", "-of", "csv=p=0", file.toString())).strip();
        return flags.lines().findFirst().orElse("").startsWith("K");
    }

    /** When the picture turns white: the first frame of each run of nearly white frames, in seconds. */
    public static List<Double> flashTimes(Path file) {
        String report = run(List.of(FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", file.toString(),
                "-map", "0:v:0", "-vf", "signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=-", "-f", "null", "-"));
        var flashes = new ArrayList<Double>();
        boolean inFlash = false;
        Matcher frame = FRAME_LUMA.matcher(report);
        while (frame.find()) {
            boolean white = Double.parseDouble(frame.group(2)) > FLASH_LUMA;
            if (white && !inFlash) {
                flashes.add(Double.parseDouble(frame.group(1)));
            }
            inFlash = white;
        }
        return flashes;
    }

    /** When a sound starts after silence, in seconds (ffmpeg's silencedetect at -30 dB). */
    public static List<Double> beepTimes(Path file) {
        String report = run(List.of(FFMPEG, "-hide_banner", "-nostdin", "-i", file.toString(), "-map", "0:a:0",
                "-af", "silencedetect=noise=-30dB:duration=0.05", "-f", "null", "-"));
        var beeps = new ArrayList<Double>();
        Double soundFrom = null;
        Matcher silence = SILENCE.matcher(report);
        while (silence.find()) {
            // A silence that ends at the end of the file is followed by no start: no beep there.
            if (silence.group(1).equals("start") && soundFrom != null) {
                beeps.add(soundFrom);
            }
            soundFrom = silence.group(1).equals("end") ? Double.parseDouble(silence.group(2)) : null;
        }
        return beeps;
    }

    /** Which corners of the first frame, as a player shows it, are red: {@code [top-right]} for {@link TestVideos#portrait()}. */
    public static List<String> redCorners(Path file) {
        var red = new ArrayList<String>();
        for (String corner : List.of("top-left", "top-right", "bottom-left", "bottom-right")) {
            String x = corner.endsWith("left") ? "0" : "iw-8";
            String y = corner.startsWith("top") ? "0" : "ih-8";
            // ffmpeg's own autorotation turns the picture as a player would; 8x8 pixels averaged to one.
            byte[] rgb = output(List.of(FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-i", file.toString(),
                    "-frames:v", "1", "-vf", "crop=8:8:" + x + ":" + y + ",scale=1:1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"));
            if (rgb.length == 3 && (rgb[0] & 0xff) > 180 && (rgb[1] & 0xff) < 80 && (rgb[2] & 0xff) < 80) {
                red.add(corner);
            }
        }
        return red;
    }

    /** The MP4's top-level boxes in file order: {@code [ftyp, moov, free, mdat]} when the index comes first. */
    public static List<String> topLevelBoxes(Path file) {
        var boxes = new ArrayList<String>();
        try (var channel = FileChannel.open(file)) {
            long position = 0;
            long size = channel.size();
            var header = ByteBuffer.allocate(16);
            while (position + 8 <= size) {
                header.clear().limit(16);
                channel.read(header, position);
                header.flip();
                long boxSize = Integer.toUnsignedLong(header.getInt());
                byte[] type = new byte[4];
                header.get(type);
                if (boxSize == 1) {
                    boxSize = header.getLong(); // a 64-bit size follows the type
                } else if (boxSize == 0) {
                    boxSize = size - position; // to the end of the file
                }
                boxes.add(new String(type, StandardCharsets.ISO_8859_1));
                if (boxSize < 8) {
                    break;
                }
                position += boxSize;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return boxes;
    }

    private static String probeEntry(Path file, String stream, String entry, String... options) {
        var command = new ArrayList<>(List.of(FFPROBE, "-v", "error", "-select_streams", stream));
        command.addAll(List.of(options));
        command.addAll(List.of("-show_entries", entry, "-of", "csv=p=0", file.toString()));
        return run(command).strip().lines().findFirst().orElseThrow(() -> new IllegalStateException(
                "ffprobe found no " + entry + " in stream " + stream + " of " + file)).replaceAll(",$", "");
    }
}
