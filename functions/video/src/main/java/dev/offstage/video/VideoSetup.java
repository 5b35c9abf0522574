package dev.offstage.video;

import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.batch.BatchConfig;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.metrics.Metrics;
import dev.offstage.shared.metrics.MetricsConfig;
import dev.offstage.video.failures.FailureRecorder;
import dev.offstage.video.media.MediaTools;
import dev.offstage.video.media.VideoEncoder;
import dev.offstage.video.notify.VideoCompletion;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.segments.Assembler;
import dev.offstage.video.segments.SegmentWorker;
import dev.offstage.video.segments.VideoQueue;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.VideoStore;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Builds each video function's logic from an environment: the one place where clients, stores,
 * ffmpeg and settings are put together. Handlers call it once, in a static initialiser (once per
 * execution environment); tests call it with the emulators' environment and the template's
 * variables.
 */
public final class VideoSetup {

    public static final String SEGMENTS_QUEUE_URL = "VIDEO_SEGMENTS_QUEUE_URL";
    public static final String ASSEMBLY_QUEUE_URL = "VIDEO_ASSEMBLY_QUEUE_URL";
    /** Where invocations keep their scratch files: {@code <java.io.tmpdir>/offstage-video} by default (/tmp in Lambda). */
    public static final String WORK_DIRECTORY = "VIDEO_WORK_DIRECTORY";
    /** The {@code Service} dimension of the pipeline's metrics. */
    public static final String METRICS_SERVICE = "video";

    private final Environment environment;
    private final VideoConfig config;
    private final AwsClients aws;
    private final Clock clock;
    private final Metrics metrics;

    public VideoSetup(Environment environment, AwsClients aws, Clock clock) {
        this.environment = environment;
        this.config = VideoConfig.from(environment);
        this.aws = aws;
        this.clock = clock;
        // One series for the pipeline, whichever of its functions ends a video.
        this.metrics = Metrics.from(new MetricsConfig(environment.get(MetricsConfig.NAMESPACE_VARIABLE, MetricsConfig.DEFAULT_NAMESPACE),
                METRICS_SERVICE));
    }

    /** For handlers: the process environment and the toolkit's clients. */
    public static VideoSetup fromEnvironment() {
        return new VideoSetup(Environment.system(), AwsClients.fromEnvironment(), Clock.systemUTC());
    }

    Environment environment() {
        return environment;
    }

    AwsClients aws() {
        return aws;
    }

    public VideoConfig config() {
        return config;
    }

    /** The uploads bucket's consumer. */
    public VideoTranscoder transcoder() {
        return new VideoTranscoder(config, store(), files(), encoder(), queue(SEGMENTS_QUEUE_URL), completion(), workRoot(), clock);
    }

    /** The segments queue's consumer. */
    public SegmentWorker segmentWorker() {
        return new SegmentWorker(config, store(), files(), encoder(), queue(ASSEMBLY_QUEUE_URL), completion(),
                BatchConfig.from(environment), workRoot(), clock);
    }

    /** The assembly queue's consumer. */
    public Assembler assembler() {
        return new Assembler(config, store(), files(), encoder(), completion(), BatchConfig.from(environment), workRoot(), clock);
    }

    /** The failures queue's consumer. */
    public FailureRecorder failureRecorder() {
        return new FailureRecorder(store(), completion(), BatchConfig.from(environment));
    }

    public VideoStore store() {
        return new VideoStore(aws.dynamoDb(), environment.require(VideoStore.TABLE_VARIABLE), clock);
    }

    public VideoFiles files() {
        return new VideoFiles(aws.s3(), aws.s3Presigner(), environment.require(VideoFiles.OUTPUTS_BUCKET_VARIABLE));
    }

    /** ffmpeg and ffprobe as the environment names them; a missing binary fails here, at init, with what to set. */
    public VideoEncoder encoder() {
        var encoder = new VideoEncoder(MediaTools.from(environment));
        encoder.checkTools(clock.instant().plusSeconds(10));
        return encoder;
    }

    private VideoCompletion completion() {
        return new VideoCompletion(store(), new VideoNotifications(aws.sqs(), environment.require(VideoNotifications.QUEUE_URL_VARIABLE)),
                metrics);
    }

    private VideoQueue queue(String variable) {
        return new VideoQueue(aws.sqs(), environment.require(variable));
    }

    private Path workRoot() {
        return Path.of(environment.get(WORK_DIRECTORY, Path.of(System.getProperty("java.io.tmpdir"), "offstage-video").toString()));
    }
}
