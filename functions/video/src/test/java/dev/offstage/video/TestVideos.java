package dev.offstage.video;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Test media, generated with ffmpeg's lavfi sources the first time a JVM asks for it and kept
 * under {@code target/test-videos/} (the module's, or the temporary directory when this class
 * runs from a jar elsewhere). Each file's name holds a hash of its recipe, so a changed recipe
 * makes a new file. Generation writes aside and renames, so JVMs running side by side never see
 * half a file.
 *
 * <p>Small on purpose: a 2-core machine makes them all in a few seconds. ffmpeg and ffprobe are
 * {@code VIDEO_FFMPEG} and {@code VIDEO_FFPROBE}, or the ones on PATH.
 */
public final class TestVideos {

    /** The {@link #markers()} video's frame rate. */
    public static final int MARKERS_FRAME_RATE = 25;
    /** The {@link #markers()} video's length. */
    public static final double MARKERS_SECONDS = 24;
    /** When the {@link #markers()} video flashes white and beeps, together, for {@link #MARKER_LENGTH_SECONDS}. */
    public static final List<Double> MARKER_TIMES = List.of(7.0, 19.0);
    public static final double MARKER_LENGTH_SECONDS = 0.2;

    /** How much later than its audio the {@link #lateVideoMarkers()} video's picture starts. */
    public static final double LATE_VIDEO_SECONDS = 0.52;
    /** How much later than its picture the {@link #lateAudioMarkers()} video's sound starts. */
    public static final double LATE_AUDIO_SECONDS = 0.3;
    /** What the {@link #lyingDuration()} video's header claims. */
    public static final double LYING_DURATION_CLAIMED_SECONDS = 2;
    /** What the {@link #claimsTenHours()} video's header claims. */
    public static final double TEN_HOURS_CLAIMED_SECONDS = 10 * 3600;
    /** What the {@link #lyingDuration()} video holds. */
    public static final double LYING_DURATION_SECONDS = 20;

    static final String FFMPEG = System.getenv().getOrDefault("VIDEO_FFMPEG", "ffmpeg");
    static final String FFPROBE = System.getenv().getOrDefault("VIDEO_FFPROBE", "ffprobe");
    private static final Map<String, Path> MADE = new ConcurrentHashMap<>();

    private TestVideos() {}

    /** 640x360, 25 fps, 4 s: a test pattern and a 440 Hz tone in stereo, H.264 + AAC, its index at the end. */
    public static Path landscape() {
        return video("landscape", ".mp4", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4",
                "-ac", "2", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k"));
    }

    /**
     * As a phone records portrait: coded 640x360 with a display matrix turning it a quarter turn
     * clockwise, so that it shows 360x640 (ffprobe: rotation -90). A red square marks the coded
     * picture's top-left corner, which shows at the top right. 3 s, with a tone.
     */
    public static Path portrait() {
        Path coded = video("portrait-coded", ".mp4", List.of(
                "-f", "lavfi", "-i", "color=color=gray:size=640x360:rate=25:duration=3,"
                        + "drawbox=x=0:y=0:w=120:h=120:color=red:t=fill",
                "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=44100:duration=3",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"));
        // ffmpeg 5.1 turns a 'rotate' value into a display matrix of that many degrees
        // counter-clockwise: 270 is what a phone writes for portrait (ffprobe shows -90).
        var recipe = List.of("-i", coded.toString(), "-map", "0", "-c", "copy", "-metadata:s:v:0", "rotate=270");
        return file("portrait", ".mp4", String.join("\u0000", recipe), target -> {
            ffmpeg(recipe, target);
            String rotation = run(List.of(FFPROBE, "-v", "error", "-select_streams", "v:0",
                    "-show_entries", "stream_side_data=rotation", "-of", "csv=p=0", target.toString())).strip();
            if (!rotation.equals("-90")) {
                throw new IllegalStateException("This ffmpeg made a portrait test video that ffprobe says is rotated '"
                        + rotation + "', not -90: change the recipe for this version (ffmpeg 6.1+ has -display_rotation)");
            }
        });
    }

    /** 320x240, 25 fps, 2 s, no audio stream at all. */
    public static Path silent() {
        return video("silent", ".mp4", List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=2",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"));
    }

    /** 320x180, 25 fps, 0.2 s (5 frames), with a tone. */
    public static Path veryShort() {
        return video("very-short", ".mp4", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=0.2",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=0.2",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"));
    }

    /**
     * Long enough to be split: 320x180, 25 fps, 24 s, a keyframe every second, silent but for a
     * 1 kHz beep at each of {@link #MARKER_TIMES}, when the picture also turns white, for
     * {@link #MARKER_LENGTH_SECONDS}: audio/video sync can be measured after any processing.
     */
    public static Path markers() {
        String during = "(gte(t,7)*lt(t,7.2)+gte(t,19)*lt(t,19.2))";
        return video("markers", ".mp4", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=24,"
                        + "drawbox=color=white:t=fill:enable='" + during + "'",
                "-f", "lavfi", "-i", "aevalsrc='0.5*sin(2*PI*1000*t)*" + during + "':sample_rate=48000:duration=24",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k"));
    }

    /**
     * As an HDV camcorder records: coded 1440x1080 with pixels 4:3 wide (sample aspect ratio 4:3),
     * shown 1920x1080 (16:9). 25 fps, 0.4 s, no audio.
     */
    public static Path hdv() {
        return video("hdv", ".mp4", List.of("-f", "lavfi", "-i", "testsrc2=size=1440x1080:rate=25:duration=0.4,setsar=4/3",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    }

    /**
     * {@link #markers()} as an MPEG-TS from a camera: the picture starts {@link #LATE_VIDEO_SECONDS}
     * after the sound (ffprobe: video start_time 1.94, audio 1.40), the flashes and beeps still
     * together at {@link #MARKER_TIMES} as a player shows them.
     */
    public static Path lateVideoMarkers() {
        double late = LATE_VIDEO_SECONDS;
        String flashes = String.format(Locale.ROOT, "(gte(t,%.2f)*lt(t,%.2f)+gte(t,%.2f)*lt(t,%.2f))",
                7 - late, 7.2 - late, 19 - late, 19.2 - late);
        String beeps = "(gte(t,7)*lt(t,7.2)+gte(t,19)*lt(t,19.2))";
        return video("late-video-markers", ".ts", List.of(
                "-itsoffset", String.valueOf(late),
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=" + (MARKERS_SECONDS - late) + ","
                        + "drawbox=color=white:t=fill:enable='" + flashes + "'",
                "-f", "lavfi", "-i", "aevalsrc='0.5*sin(2*PI*1000*t)*" + beeps + "':sample_rate=48000:duration=" + MARKERS_SECONDS,
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k"));
    }

    /**
     * {@link #markers()} as an MPEG-TS whose sound starts {@link #LATE_AUDIO_SECONDS} after its
     * picture, the flashes and beeps still together at {@link #MARKER_TIMES} as a player shows
     * them. (ffmpeg 5.1 starts an MPEG-TS's audio read alone at 0, losing the gap, unless told.)
     */
    public static Path lateAudioMarkers() {
        double late = LATE_AUDIO_SECONDS;
        String flashes = "(gte(t,7)*lt(t,7.2)+gte(t,19)*lt(t,19.2))";
        String beeps = String.format(Locale.ROOT, "(gte(t,%.2f)*lt(t,%.2f)+gte(t,%.2f)*lt(t,%.2f))",
                7 - late, 7.2 - late, 19 - late, 19.2 - late);
        return video("late-audio-markers", ".ts", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=" + MARKERS_SECONDS + ","
                        + "drawbox=color=white:t=fill:enable='" + flashes + "'",
                "-itsoffset", String.valueOf(late),
                "-f", "lavfi", "-i", "aevalsrc='0.5*sin(2*PI*1000*t)*" + beeps + "':sample_rate=48000:duration=" + (MARKERS_SECONDS - late),
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-fps_mode", "passthrough",
                "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", "aac", "-b:a", "64k"));
    }

    /**
     * As a screen recorder or a security camera writes: one keyframe for the whole video (a GOP
     * of 1000 frames). 160x90, 10 fps, 24 s, no audio.
     */
    public static Path sparseKeyframes() {
        return video("sparse-keyframes", ".mp4", List.of("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=24",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "1000", "-keyint_min", "1000",
                "-sc_threshold", "0"));
    }

    /** A single 6000x6000 frame of one colour: 36 megapixels in a 100 KB file. */
    public static Path hugePicture() {
        return video("huge-picture", ".mp4", List.of("-f", "lavfi", "-i", "color=size=6000x6000:rate=25:duration=0.04",
                "-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    }

    /** 8200x64, one frame: wider than any screen, and few pixels. */
    public static Path widePicture() {
        return video("wide-picture", ".mp4", List.of("-f", "lavfi", "-i", "color=size=8200x64:rate=25:duration=0.04",
                "-frames:v", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    }

    /** 160x90 at 300 fps, 0.2 s. */
    public static Path tooManyFrames() {
        return video("too-many-frames", ".mp4", List.of("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=300:duration=0.2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
    }

    /**
     * A Matroska file whose header claims {@link #LYING_DURATION_CLAIMED_SECONDS} but that holds
     * {@link #LYING_DURATION_SECONDS} of 160x90 at 10 fps with a tone: its Duration element
     * rewritten, as a broken muxer or someone meaning harm could.
     */
    public static Path lyingDuration() {
        return claimingDuration("lying-duration", LYING_DURATION_CLAIMED_SECONDS);
    }

    /**
     * The {@link #lyingDuration()} video with a header claiming {@link #TEN_HOURS_CLAIMED_SECONDS}:
     * 20 s of frames, a duration no upload should be allowed to plan work for.
     */
    public static Path claimsTenHours() {
        return claimingDuration("claims-ten-hours", TEN_HOURS_CLAIMED_SECONDS);
    }

    /** 20 s of 160x90 at 10 fps with a tone, in Matroska, its header's Duration rewritten to {@code claimedSeconds}. */
    private static Path claimingDuration(String name, double claimedSeconds) {
        Path honest = video("honest-duration", ".mkv", List.of(
                "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10:duration=" + LYING_DURATION_SECONDS,
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + LYING_DURATION_SECONDS,
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k"));
        return file(name, ".mkv", honest.getFileName() + "\u0000" + claimedSeconds, target -> {
            try {
                byte[] bytes = Files.readAllBytes(honest);
                // The Segment Info's Duration: element 0x4489, an 8-byte float in milliseconds.
                int at = indexOf(bytes, new byte[] {0x44, (byte) 0x89, (byte) 0x88});
                if (at < 0) {
                    throw new IllegalStateException("No 8-byte Duration element in " + honest + ": change the recipe for this ffmpeg");
                }
                ByteBuffer.wrap(bytes, at + 3, 8).putDouble(claimedSeconds * 1000);
                Files.write(target, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** 64 KiB of (seeded) random bytes, named like a video. */
    public static Path randomBytes() {
        return file("random-bytes", ".mp4", "random 64 KiB, seed 9", target -> {
            byte[] bytes = new byte[64 * 1024];
            new Random(9).nextBytes(bytes);
            write(target, bytes);
        });
    }

    /**
     * {@link #landscape()} with everything between its {@code mdat} box's header and its index
     * ({@code moov}, at the end) overwritten with random bytes: it probes as a fine 4 s video, and
     * no frame of it decodes.
     */
    public static Path garbageFrames() {
        Path whole = landscape();
        return file("garbage-frames", ".mp4", whole.getFileName() + "\u0000garbage, seed 7", target -> {
            try {
                byte[] bytes = Files.readAllBytes(whole);
                int media = indexOf(bytes, "mdat".getBytes(UTF_8));
                int index = indexOf(bytes, "moov".getBytes(UTF_8));
                if (media < 0 || index < media) {
                    throw new IllegalStateException("Expected mdat before moov in " + whole);
                }
                var random = new Random(7);
                for (int i = media + 4; i < index - 4; i++) {
                    bytes[i] = (byte) random.nextInt(256);
                }
                Files.write(target, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        return -1;
    }

    /** 1 s of a tone in an M4A: media, but no video. */
    public static Path audioOnly() {
        return video("audio-only", ".m4a", List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1",
                "-c:a", "aac", "-b:a", "64k"));
    }

    /** The first half of {@link #landscape()}: an interrupted upload, whose index (at the end) never came. */
    public static Path truncated() {
        Path whole = landscape();
        return file("truncated", ".mp4", whole.getFileName().toString(), target -> {
            try {
                byte[] bytes = Files.readAllBytes(whole);
                Files.write(target, Arrays.copyOf(bytes, bytes.length / 2));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** A text file, named like a video. */
    public static Path text() {
        String content = "Meeting notes\n- this is not a video\n";
        return file("not-a-video", ".mp4", content, target -> write(target, content.getBytes(UTF_8)));
    }

    /** A 320x240 PNG: a single picture. */
    public static Path image() {
        return video("image", ".png", List.of("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"));
    }

    /** A file of zero bytes, named like a video. */
    public static Path empty() {
        return file("empty", ".mp4", "", target -> write(target, new byte[0]));
    }

    /** Where the videos are kept. */
    public static Path directory() {
        try {
            Path classes = Path.of(TestVideos.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/test-classes, or target/*-tests.jar in a reactor build.
            Path target = classes.getParent();
            if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")) {
                return Files.createDirectories(target.resolve("test-videos"));
            }
            return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "offstage-test-videos"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path video(String name, String extension, List<String> recipe) {
        return file(name, extension, String.join("\u0000", recipe), target -> ffmpeg(recipe, target));
    }

    private static void ffmpeg(List<String> arguments, Path output) {
        var command = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        command.addAll(arguments);
        command.add(output.toString());
        run(command);
    }

    /** The file {@code name-<hash of recipe>.extension}, made by {@code make} unless it is there already. */
    private static Path file(String name, String extension, String recipe, Consumer<Path> make) {
        String fileName = name + "-" + hash(recipe) + extension;
        return MADE.computeIfAbsent(fileName, key -> {
            Path target = directory().resolve(fileName);
            if (Files.exists(target)) {
                return target;
            }
            // The extension stays last: ffmpeg picks the container from it.
            Path partial = directory().resolve(name + "-" + ProcessHandle.current().pid() + ".partial" + extension);
            try {
                make.accept(partial);
                return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot keep the test video " + target, e);
            }
        });
    }

    /** Runs ffmpeg or ffprobe; returns what it printed (standard output and error, merged). */
    static String run(List<String> command) {
        return new String(output(command), UTF_8);
    }

    /** Runs ffmpeg or ffprobe; returns the bytes it printed (standard output and error, merged). */
    static byte[] output(List<String> command) {
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException("Exit status " + status + " from " + String.join(" ", command) + "\n"
                        + new String(output, UTF_8));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command.getFirst(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path target, byte[] bytes) {
        try {
            Files.write(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String hash(String recipe) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipe.getBytes(UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
