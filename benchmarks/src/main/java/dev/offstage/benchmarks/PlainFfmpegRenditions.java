package dev.offstage.benchmarks;

import dev.offstage.video.media.Rendition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The video benchmarks' baseline: one plain ffmpeg command line making {@code renditions} from a
 * local file with {@code VideoEncoder}'s settings — one decode, split and scale, libx264 High at
 * CRF 23 with each rendition's cap, AAC, a keyframe every 2 s, {@code +faststart} — for a source
 * with one audio stream. What {@code VideoEncoder#transcode} runs for an unrotated source with audio,
 * less what only a program reading ffmpeg needs ({@code -progress pipe:1 -nostats}) and the HTTP
 * options (the input is a local file).
 *
 * @param ffmpeg the ffmpeg to run (a path, or a name on the PATH)
 */
record PlainFfmpegRenditions(String ffmpeg, String x264Preset, List<Rendition> renditions) {

    /** As {@code VideoEncoder} encodes every rendition: H.264 High at CRF 23, capped, keyframes every 2 s. */
    private static final String CRF = "23";
    private static final String KEYFRAMES = "expr:gte(t,n_forced*2)";

    PlainFfmpegRenditions {
        renditions = List.copyOf(renditions);
    }

    /** One run: its wall time and the size of each rendition, in {@link #renditions()}' order. */
    record Run(long millis, List<Long> sizes) {}

    /** Makes the renditions of {@code source} in {@code directory}, times it, measures and deletes them. */
    Run run(Path source, Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        var command = command(source, directory);
        long start = System.nanoTime();
        var process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("The baseline ffmpeg failed: " + String.join(" ", command));
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        var sizes = new ArrayList<Long>();
        for (var rendition : renditions) {
            var file = directory.resolve(rendition.fileName());
            sizes.add(Files.size(file));
            Files.delete(file);
        }
        return new Run(millis, sizes);
    }

    List<String> command(Path source, Path directory) {
        var command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning",
                "-y", "-noautorotate", "-i", source.toString(), "-filter_complex", scaleGraph()));
        for (int i = 0; i < renditions.size(); i++) {
            var rendition = renditions.get(i);
            command.addAll(List.of("-map", "[v" + i + "]", "-map", "0:a:0",
                    "-af", "aformat=channel_layouts=mono|stereo", "-c:a", "aac", "-b:a", rendition.audioKbps() + "k",
                    "-c:v", "libx264", "-preset", x264Preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
                    "-crf", CRF, "-maxrate", rendition.videoKbps() + "k", "-bufsize", 2 * rendition.videoKbps() + "k",
                    "-force_key_frames", KEYFRAMES, "-fps_mode", "passthrough",
                    "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart",
                    directory.resolve(rendition.fileName()).toAbsolutePath().toString()));
        }
        return command;
    }

    /** One decode split into a scaled stream per rendition, as {@code VideoEncoder} builds it. */
    private String scaleGraph() {
        var graph = new StringBuilder("[0:v:0]split=").append(renditions.size());
        for (int i = 0; i < renditions.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < renditions.size(); i++) {
            var rendition = renditions.get(i);
            graph.append(";[s").append(i).append("]scale=").append(rendition.width()).append(':').append(rendition.height())
                    .append(",setsar=1,format=yuv420p[v").append(i).append(']');
        }
        return graph.toString();
    }
}
