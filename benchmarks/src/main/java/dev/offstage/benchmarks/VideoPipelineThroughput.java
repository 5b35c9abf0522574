package dev.offstage.benchmarks;

import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.video.VideoStack;
import dev.offstage.video.media.MediaInfo;
import dev.offstage.video.media.MediaTools;
import dev.offstage.video.media.RenditionLadder;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Uploads per minute through the whole video pipeline on the local runtime: {@code template.yaml}
 * under {@link LocalRuntime} (its default parameters: an 8 s video is transcoded by one
 * invocation, 720p and 480p), K short 1280x720 uploads ({@link BenchmarkVideos#shortClip()}) put to
 * VideoUploadsBucket one after the other, each timed from the start of its PutObject until its
 * {@code video.ready} notice is received from VideoNotificationsQueue (S3 event, transcoder with
 * its probe, poster, one ffmpeg run, puts, DynamoDB, the notice). Each function runs in its own
 * JVMs, up to {@code OFFSTAGE_LOCAL_FUNCTION_CONCURRENCY} environments each.
 *
 * <p>Baseline, in the same rounds: the same K transcodes done by plain ffmpeg command lines one
 * after the other from the local file ({@link PlainFfmpegRenditions}, as {@link
 * VideoTranscoderOverhead}'s baseline), the renditions the default ladder plans for the source; each
 * run's time is its latency. A warm-up round first (it starts the transcoder's environments), then
 * measured rounds, each baseline then pipeline. Writes one line per round, tab-separated
 * ({@code round uploads pipeline_ms baseline_ms ready_p50_ms ready_p99_ms baseline_p50_ms
 * baseline_p99_ms}), to the file given as the first argument.
 *
 * <pre>{@code VideoPipelineThroughput <results.tsv> [uploads=4] [rounds=1]}</pre>
 */
public final class VideoPipelineThroughput {

    private static final Duration ROUND_LIMIT = Duration.ofMinutes(10);
    private static final Path WORK = Path.of("target", "bench-video", "work", "throughput");

    private final LocalRuntime runtime;
    private final AwsClients aws;
    private final PlainFfmpegRenditions plain;
    private final Path source;

    private VideoPipelineThroughput(LocalRuntime runtime, PlainFfmpegRenditions plain, Path source) {
        this.runtime = runtime;
        this.aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
        this.plain = plain;
        this.source = source;
    }

    public static void main(String[] args) throws Exception {
        var results = Path.of(args[0]);
        int uploads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        var source = BenchmarkVideos.shortClip();
        // The template's defaults (VideoRenditions, VideoX264Preset), planned for the generated source.
        var renditions = RenditionLadder.parse(RenditionLadder.DEFAULT, RenditionLadder.DEFAULT_AUDIO_KBPS)
                .plan(new MediaInfo.Video("h264", 1280, 720, 0, BenchmarkVideos.FRAME_RATE, "yuv420p"));
        var plain = new PlainFfmpegRenditions(System.getenv().getOrDefault("VIDEO_FFMPEG", MediaTools.DEFAULT_FFMPEG),
                MediaTools.DEFAULT_PRESET, renditions);
        var settings = LambdaSettings.from(Environment.system());
        System.out.printf("Starting template.yaml: %d environments per function at most; %d uploads of %s (%d bytes), renditions %s%n",
                settings.defaultConcurrency(), uploads, source, Files.size(source),
                renditions.stream().map(r -> r.name() + " " + r.width() + "x" + r.height()).toList());
        // Functions start on first use: only the video functions, in the warm-up round.
        try (var runtime = LocalRuntime.start(LocalRuntimeOptions.of(VideoStack.TEMPLATE).withStackName("bench-throughput")
                .withHttpPort(0).withInitializeFunctions(false).withLambdaSettings(settings))) {
            var bench = new VideoPipelineThroughput(runtime, plain, source);
            var lines = new ArrayList<String>();
            for (int round = 0; round <= rounds; round++) {
                var name = round == 0 ? "warm-up" : Integer.toString(round);
                var baseline = bench.baseline(uploads);
                var pipeline = bench.pipeline(name, uploads, baseline.sizes);
                System.out.printf("round %s: %d uploads, pipeline %,d ms (%.1f uploads/min; upload to READY p50 %,d ms, p99 %,d ms), "
                                + "baseline %,d ms (%.1f transcodes/min; p50 %,d ms, p99 %,d ms)%n",
                        name, uploads, pipeline.millis, uploads * 60_000.0 / pipeline.millis, pipeline.latencies.p50(),
                        pipeline.latencies.p99(), baseline.millis, uploads * 60_000.0 / baseline.millis,
                        baseline.latencies.p50(), baseline.latencies.p99());
                lines.add(String.join("\t", name, Integer.toString(uploads), Long.toString(pipeline.millis),
                        Long.toString(baseline.millis), Long.toString(pipeline.latencies.p50()),
                        Long.toString(pipeline.latencies.p99()), Long.toString(baseline.latencies.p50()),
                        Long.toString(baseline.latencies.p99())));
            }
            Files.write(results, lines);
            bench.aws.close();
        }
    }

    /** One round of one variant: the wall time of all uploads, each one's latency, the renditions' sizes. */
    private record Measured(long millis, Latencies latencies, List<Long> sizes) {}

    /** The same transcode by plain ffmpeg, {@code uploads} times, one after the other. */
    Measured baseline(int uploads) throws IOException, InterruptedException {
        var latencies = new ArrayList<Long>();
        List<Long> sizes = List.of();
        long start = System.nanoTime();
        for (int i = 0; i < uploads; i++) {
            var run = plain.run(source, WORK.resolve("baseline"));
            latencies.add(run.millis());
            sizes = run.sizes();
        }
        return new Measured(Duration.ofNanos(System.nanoTime() - start).toMillis(), Latencies.of(latencies), sizes);
    }

    /**
     * {@code uploads} PutObjects, then every {@code video.ready} notice; says so when a video's
     * renditions differ in size from the baseline's (then the two did not do the same work).
     */
    Measured pipeline(String round, int uploads, List<Long> baselineSizes) throws InterruptedException {
        var bucket = runtime.endpoints().buckets().get(VideoStack.UPLOADS_BUCKET);
        var pending = new LinkedHashMap<String, Long>();
        long start = System.nanoTime();
        for (int i = 0; i < uploads; i++) {
            var key = "uploads/throughput-" + round + "-" + i + "-" + start + ".mp4";
            long sent = System.nanoTime();
            aws.s3().putObject(put -> put.bucket(bucket).key(key), RequestBody.fromFile(source));
            pending.put(key, sent);
        }
        var queue = runtime.endpoints().queues().get(VideoStack.NOTIFICATIONS_QUEUE);
        var latencies = new ArrayList<Long>();
        var deadline = start + ROUND_LIMIT.toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending.size() + " of " + uploads + " uploads not READY within " + ROUND_LIMIT);
            }
            var messages = aws.sqs().receiveMessage(receive -> receive.queueUrl(queue).waitTimeSeconds(1)
                    .maxNumberOfMessages(10)).messages();
            long received = System.nanoTime();
            for (var message : messages) {
                aws.sqs().deleteMessage(delete -> delete.queueUrl(queue).receiptHandle(message.receiptHandle()));
                var notice = VideoNotifications.parse(message.body());
                var sent = pending.remove(notice.key());
                if (sent == null) {
                    continue;
                }
                if (notice.status() != VideoStatus.READY) {
                    throw new IllegalStateException("Video " + notice.videoId() + " ended " + notice.status() + ": " + notice.reason());
                }
                var sizes = notice.renditions().stream().map(StoredRendition::sizeBytes).toList();
                if (!sizes.equals(baselineSizes)) {
                    System.out.printf("round %s: %s's renditions are %s bytes, plain ffmpeg's %s%n", round, notice.key(), sizes, baselineSizes);
                }
                latencies.add(Duration.ofNanos(received - sent).toMillis());
            }
        }
        return new Measured(Duration.ofNanos(System.nanoTime() - start).toMillis(), Latencies.of(latencies), List.of());
    }
}
