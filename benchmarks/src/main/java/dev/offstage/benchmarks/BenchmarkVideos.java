package dev.offstage.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The video benchmarks' uploads, generated with ffmpeg's lavfi sources as {@code TestVideos}
 * makes the tests' (which are all too small to measure): a moving test pattern and a stereo tone,
 * H.264 + AAC in an MP4 with its index at the end (as cameras write them), a keyframe every 2 s.
 * Kept under {@code target/bench-video/sources/}, named by a hash of the recipe, so a second run
 * reuses them and a changed recipe makes new ones.
 *
 * <p>A synthetic pattern is cheaper to encode than camera footage (no grain, large flat areas):
 * ffmpeg's share of the time is smaller here than it would be with real uploads, so the overhead
 * ratios measured with these err on the high side.
 */
final class BenchmarkVideos {

    static final int FRAME_RATE = 25;
    private static final Path DIRECTORY = Path.of("target", "bench-video", "sources");
    private static final String FFMPEG = System.getenv().getOrDefault("VIDEO_FFMPEG", "ffmpeg");

    private BenchmarkVideos() {}

    /** 1280x720, 25 fps, 24 s with audio: one rendition per rung of the default ladder that fits (720p, 480p). */
    static Path clip() {
        return video("clip", 1280, 720, 24);
    }

    /** 1280x720, 25 fps, 8 s with audio: a short upload, far below the split threshold (720p, 480p). */
    static Path shortClip() {
        return video("short", 1280, 720, 8);
    }

    /** 1280x720, 25 fps, 120 s with audio: four 30 s segments when split. */
    static Path longVideo() {
        return video("long", 1280, 720, 120);
    }

    /** 640x360, 25 fps, 120 s: as many segments as {@link #longVideo()}, cheap to encode, to start every environment. */
    static Path warmUp() {
        return video("warm-up", 640, 360, 120);
    }

    private static Path video(String name, int width, int height, int seconds) {
        var recipe = List.of(
                "-f", "lavfi", "-i", "testsrc2=size=%dx%d:rate=%d:duration=%d".formatted(width, height, FRAME_RATE, seconds),
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=" + seconds,
                "-ac", "2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p",
                // A keyframe every 2 s, as phones and cameras write them: where the split can cut.
                "-g", String.valueOf(2 * FRAME_RATE), "-keyint_min", String.valueOf(2 * FRAME_RATE), "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "128k");
        var target = DIRECTORY.resolve(name + "-" + hash(recipe) + ".mp4");
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(DIRECTORY);
            var partial = DIRECTORY.resolve(name + "-" + ProcessHandle.current().pid() + ".partial.mp4");
            var command = new ArrayList<>(List.of(FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
            command.addAll(recipe);
            command.add(partial.toString());
            System.out.printf("Generating %s (%dx%d, %d s) with ffmpeg%n", target, width, height, seconds);
            var process = new ProcessBuilder(command).inheritIO().start();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("ffmpeg could not generate " + target + ": " + String.join(" ", command));
            }
            return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String hash(List<String> recipe) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(String.join("\u0000", recipe).getBytes(UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
