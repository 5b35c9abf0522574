package dev.offstage.benchmarks;

import dev.offstage.benchmarks.TimedMediaTools.Kind;
import dev.offstage.testing.Emulators;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.VideoStack;
import dev.offstage.video.media.MediaTools;
import dev.offstage.video.media.Rendition;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.transcode.VideoTranscoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the transcoder adds to ffmpeg: the time {@link VideoTranscoder} takes to handle the S3
 * event of a 24 s 1280x720 upload (claim, probe through a presigned URL, poster, one ffmpeg run for
 * the renditions, uploads to S3Proxy, DynamoDB writes, the notice), in-process against the
 * emulators with {@code template.yaml}'s default ladder (720p and 480p for this source), against
 * one plain ffmpeg command line making the same renditions with the same encoder settings from the
 * local file ({@link PlainFfmpegRenditions}).
 *
 * <p>Both run ffmpeg and ffprobe through {@link TimedMediaTools}, so each round also says how much
 * of the transcoder's time was ffmpeg's and ffprobe's; the rest is Java, S3, DynamoDB and SQS. The
 * transcoder is built once, as in a warm execution environment. A warm-up round, then measured
 * rounds, each the baseline then the transcoder, each with a new upload. Writes one line per run
 * to the file given as the first argument, tab-separated: {@code round variant total_ms
 * transcode_ms poster_ms probe_source_ms probe_outputs_ms other_tools_ms upload_ms output_bytes}.
 *
 * <pre>{@code VideoTranscoderOverhead <results.tsv> [rounds=3]}</pre>
 */
public final class VideoTranscoderOverhead {

    private static final Path WORK = Path.of("target", "bench-video", "work");

    private final VideoStack stack;
    private final TimedMediaTools tools;
    private final VideoTranscoder transcoder;
    private final MediaTools mediaTools;
    private final Path source;
    private final List<Rendition> renditions;

    private VideoTranscoderOverhead(VideoStack stack, TimedMediaTools tools, Path source) {
        this.stack = stack;
        this.tools = tools;
        this.source = source;
        var environment = stack.environment(VideoStack.TRANSCODER).with(Map.of(
                MediaTools.FFMPEG_VARIABLE, tools.ffmpeg(),
                MediaTools.FFPROBE_VARIABLE, tools.ffprobe(),
                VideoSetup.WORK_DIRECTORY, WORK.resolve("transcoder").toAbsolutePath().toString()));
        var setup = new VideoSetup(environment, stack.aws, Clock.systemUTC());
        this.transcoder = setup.transcoder();
        this.mediaTools = MediaTools.from(environment);
        // The renditions the transcoder plans for this source: the baseline makes the same ones.
        var info = setup.encoder().probe(source.toString(), Instant.now().plusSeconds(30));
        this.renditions = setup.config().ladder().plan(info.video().orElseThrow());
        if (!info.hasAudio()) {
            throw new IllegalStateException(source + " has no audio: the baseline command expects one audio stream");
        }
    }

    public static void main(String[] args) throws Exception {
        var results = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var source = BenchmarkVideos.clip();
        try (var emulators = Emulators.start(); var stack = new VideoStack(emulators)) {
            var bench = new VideoTranscoderOverhead(stack, TimedMediaTools.create(WORK.resolve("tools")), source);
            System.out.printf("Overhead: %s (%d bytes), renditions %s, x264 preset %s%n", source, Files.size(source),
                    bench.renditions.stream().map(r -> r.name() + " " + r.width() + "x" + r.height()).toList(),
                    bench.mediaTools.x264Preset());
            var lines = new ArrayList<String>();
            for (int round = 0; round <= rounds; round++) {
                var name = round == 0 ? "warm-up" : Integer.toString(round);
                var baseline = bench.baseline();
                var measured = bench.transcoder(name);
                for (var run : List.of(baseline, measured)) {
                    System.out.printf("round %s: %-10s %,7d ms (ffmpeg transcode %,d ms, poster %,d, probes %,d + %,d, rest %,d)%n",
                            name, run.variant, run.totalMillis, run.tools.get(Kind.TRANSCODE), run.tools.get(Kind.POSTER),
                            run.tools.get(Kind.PROBE_SOURCE), run.tools.get(Kind.PROBE_OUTPUT), run.rest());
                    lines.add(run.line(name));
                }
            }
            Files.write(results, lines);
        }
    }

    /** One measured run. */
    private record Measured(String variant, long totalMillis, Map<Kind, Long> tools, long uploadMillis, List<Long> outputBytes) {

        long toolMillis() {
            return tools.entrySet().stream().filter(e -> e.getKey() != Kind.VERSION).mapToLong(Map.Entry::getValue).sum();
        }

        long rest() {
            return totalMillis - toolMillis();
        }

        String line(String round) {
            var other = tools.get(Kind.SPLIT) + tools.get(Kind.CONCAT) + tools.get(Kind.AUDIO) + tools.get(Kind.OTHER);
            return String.join("\t", round, variant, Long.toString(totalMillis), Long.toString(tools.get(Kind.TRANSCODE)),
                    Long.toString(tools.get(Kind.POSTER)), Long.toString(tools.get(Kind.PROBE_SOURCE)),
                    Long.toString(tools.get(Kind.PROBE_OUTPUT)), Long.toString(other), Long.toString(uploadMillis),
                    outputBytes.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
    }

    /** One plain ffmpeg command line: the same renditions from the local file. */
    private Measured baseline() throws IOException, InterruptedException {
        var plain = new PlainFfmpegRenditions(tools.ffmpeg(), mediaTools.x264Preset(), renditions);
        tools.clear();
        var run = plain.run(source, WORK.resolve("baseline"));
        return new Measured("ffmpeg", run.millis(), TimedMediaTools.millisByKind(tools.runs()), 0, run.sizes());
    }

    /** The transcoder handling the S3 event of a fresh upload of the same file. */
    private Measured transcoder(String round) {
        long uploadStart = System.nanoTime();
        var event = stack.upload("uploads/overhead-" + round + "-" + System.nanoTime() + ".mp4", source);
        long uploadMillis = Duration.ofNanos(System.nanoTime() - uploadStart).toMillis();
        var videoId = VideoTranscoder.upload(event.getRecords().getFirst()).videoId();
        var context = stack.context(VideoStack.TRANSCODER);
        tools.clear();
        long start = System.nanoTime();
        transcoder.process(event, context);
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        var record = stack.videoStore(Clock.systemUTC()).get(videoId).orElseThrow();
        if (record.status() != VideoStatus.READY || record.renditions().size() != renditions.size()) {
            throw new IllegalStateException("Video " + videoId + " ended " + record.status() + " with "
                    + record.renditions().size() + " renditions: " + record.reason().orElse(""));
        }
        var sizes = record.renditions().stream().map(StoredRendition::sizeBytes).toList();
        return new Measured("transcoder", millis, TimedMediaTools.millisByKind(tools.runs()), uploadMillis, sizes);
    }
}
