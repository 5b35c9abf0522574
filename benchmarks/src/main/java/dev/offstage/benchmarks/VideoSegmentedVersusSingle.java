package dev.offstage.benchmarks;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.local.triggers.SqsEventJson;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import dev.offstage.video.VideoSetup;
import dev.offstage.video.VideoStack;
import dev.offstage.video.media.MediaTools;
import dev.offstage.video.notify.VideoNotice;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.segments.Assembler;
import dev.offstage.video.segments.SegmentMessage;
import dev.offstage.video.segments.SegmentWorker;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.store.VideoStore;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A long video (1280x720, 120 s, the default ladder: 720p and 480p) from upload to READY, split
 * into segments transcoded in parallel versus transcoded by one invocation, on this machine; and
 * the same segments transcoded one at a time, which is what each would take alone on a worker of
 * its own, as Lambda runs them.
 *
 * <ul>
 *   <li><b>single</b> and <b>segmented</b>: {@code template.yaml} under two {@link LocalRuntime}s in
 *       this JVM, the same but for {@code VideoSegmentThresholdSeconds}: above the video's length in
 *       one, below it in the other (four segments of {@code VideoSegmentSeconds} = 30 s; the SQS
 *       mapping's five pollers run them all at once). Each function runs in its own JVMs, up to
 *       {@code OFFSTAGE_LOCAL_FUNCTION_CONCURRENCY} environments each. Timed from the PutObject of
 *       the upload until the {@code video.ready} notice is received from the notifications queue;
 *       the runtime's invocation log lines (standard output, {@link CapturedOutput}) give each
 *       invocation's duration and end, hence the timeline.</li>
 *   <li><b>one-at-a-time</b>: the three functions' logic in this JVM against emulators of its own
 *       ({@link VideoStack}, the segmented parameters): the transcoder's split, then every segment
 *       message handled alone, then the assembly, each timed.</li>
 * </ul>
 *
 * <p>A warm-up round with a 640x360 video of the same length starts the environments; then
 * measured rounds, the three variants in rotating order. Writes one line per run to the file
 * given as the first argument, tab-separated: {@code round variant wall_ms table_ms transcoder_ms
 * segment_ms(list) assembler_ms transcoder_end_ms segments_end_ms assembler_start_ms cold_starts
 * failed_invocations tool_ms} (the "_end"/"_start" columns from the start of the upload; {@code table_ms}
 * is the item's {@code updated - created}, which the table keeps to the second; {@code tool_ms},
 * one-at-a-time only: each phase's ffmpeg and ffprobe time by kind, from {@link TimedMediaTools}).
 *
 * <pre>{@code VideoSegmentedVersusSingle <results.tsv> [rounds=3]}</pre>
 */
public final class VideoSegmentedVersusSingle {

    static final Map<String, String> SEGMENTED = Map.of("VideoSegmentThresholdSeconds", "60", "VideoSegmentSeconds", "30");
    static final Map<String, String> SINGLE = Map.of("VideoSegmentThresholdSeconds", "300", "VideoSegmentSeconds", "30");
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(10);
    private static final String INVOCATIONS_LOGGER = "dev.offstage.local.lambda.Invocations";
    private static final Path WORK = Path.of("target", "bench-video", "work", "one-at-a-time");

    /** One way of transcoding the upload; returns the result line. */
    private interface Variant {
        String run(String round, Path video) throws InterruptedException;
    }

    /** What the runtime logged for one invocation. */
    private record Invocation(String function, Instant end, long millis, String outcome, boolean cold) {
        Instant start() {
            return end.minusMillis(millis);
        }
    }

    public static void main(String[] args) throws Exception {
        var results = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var video = BenchmarkVideos.longVideo();
        var warmUp = BenchmarkVideos.warmUp();
        var output = CapturedOutput.install(Path.of("target", "bench-video", "local-runtime.log"));
        var console = output.console();
        var settings = LambdaSettings.from(Environment.system());
        console.printf("Starting template.yaml twice: %d environments per function at most; segmented %s, single %s%n",
                settings.defaultConcurrency(), SEGMENTED, SINGLE);
        try (var segmented = new OnLocalRuntime("segmented", SEGMENTED, VideoStack.ASSEMBLER, settings, output);
             var single = new OnLocalRuntime("single", SINGLE, VideoStack.TRANSCODER, settings, output);
             var emulators = Emulators.start();
             var stack = new VideoStack(emulators, SEGMENTED)) {
            var oneAtATime = new OneAtATime(stack);
            List<Variant> variants = List.of(single, segmented, oneAtATime);
            var lines = new ArrayList<String>();
            for (int round = 0; round <= rounds; round++) {
                var name = round == 0 ? "warm-up" : Integer.toString(round);
                for (int i = 0; i < variants.size(); i++) {
                    var variant = variants.get((round + i) % variants.size());
                    var line = variant.run(name, round == 0 ? warmUp : video);
                    console.println("round " + line.replace('\t', ' '));
                    lines.add(line);
                }
            }
            Files.write(results, lines);
        }
    }

    /** {@code template.yaml} under the local runtime with these parameters. */
    private static final class OnLocalRuntime implements Variant, AutoCloseable {
        private final String name;
        private final LocalRuntime runtime;
        private final AwsClients aws;
        private final VideoStore store;
        private final String lastFunction;
        private final CapturedOutput output;

        /** @param lastFunction the function whose answer ends a run: the transcoder's, or the assembler's for a split video */
        OnLocalRuntime(String name, Map<String, String> parameters, String lastFunction, LambdaSettings settings,
                       CapturedOutput output) {
            this.name = name;
            this.lastFunction = lastFunction;
            this.output = output;
            // Functions start on first use: only the video functions, in the warm-up round.
            this.runtime = LocalRuntime.start(LocalRuntimeOptions.of(VideoStack.TEMPLATE).withStackName("bench-" + name)
                    .withParameters(parameters).withHttpPort(0).withInitializeFunctions(false).withLambdaSettings(settings));
            this.aws = AwsClients.from(Environment.of(runtime.clientEnvironment()));
            this.store = new VideoStore(aws.dynamoDb(), runtime.endpoints().tables().get(VideoStack.VIDEOS_TABLE), Clock.systemUTC());
        }

        @Override
        public String run(String round, Path video) throws InterruptedException {
            var key = "uploads/" + round + "-" + name + ".mp4";
            output.start();
            var started = Instant.now();
            long start = System.nanoTime();
            aws.s3().putObject(put -> put.bucket(runtime.endpoints().buckets().get(VideoStack.UPLOADS_BUCKET)).key(key),
                    RequestBody.fromFile(video));
            var notice = awaitNotice(key);
            long wall = Duration.ofNanos(System.nanoTime() - start).toMillis();
            if (notice.status() != VideoStatus.READY) {
                throw new IllegalStateException(name + ": video " + notice.videoId() + " ended " + notice.status() + ": " + notice.reason());
            }
            var invocations = invocationsUntilAnswered();
            output.stop();
            var record = store.get(notice.videoId()).orElseThrow();
            var transcoder = last(invocations, VideoStack.TRANSCODER);
            var segments = invocations.stream().filter(i -> i.function.equals(VideoStack.SEGMENT_WORKER))
                    .sorted(Comparator.comparing(Invocation::start)).toList();
            var assembler = last(invocations, VideoStack.ASSEMBLER);
            return String.join("\t", round, name, Long.toString(wall),
                    Long.toString(Duration.between(record.created(), record.updated()).toMillis()),
                    transcoder.map(i -> Long.toString(i.millis)).orElse(""),
                    segments.stream().map(i -> Long.toString(i.millis)).collect(Collectors.joining(",")),
                    assembler.map(i -> Long.toString(i.millis)).orElse(""),
                    transcoder.map(i -> since(started, i.end)).orElse(""),
                    segments.stream().map(Invocation::end).max(Comparator.naturalOrder()).map(end -> since(started, end)).orElse(""),
                    assembler.map(i -> since(started, i.start())).orElse(""),
                    Long.toString(invocations.stream().filter(Invocation::cold).count()),
                    Long.toString(invocations.stream().filter(i -> !i.outcome.equals("SUCCESS")).count()), "");
        }

        private VideoNotice awaitNotice(String key) {
            var queue = runtime.endpoints().queues().get(VideoStack.NOTIFICATIONS_QUEUE);
            var deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var message : aws.sqs().receiveMessage(receive -> receive.queueUrl(queue).waitTimeSeconds(1)
                        .maxNumberOfMessages(10)).messages()) {
                    aws.sqs().deleteMessage(delete -> delete.queueUrl(queue).receiptHandle(message.receiptHandle()));
                    var notice = VideoNotifications.parse(message.body());
                    if (notice.key().equals(key)) {
                        return notice;
                    }
                }
            }
            throw new IllegalStateException(name + ": no notice for " + key + " within " + ROUND_LIMIT);
        }

        /**
         * The round's invocations, once the last function has answered: the runtime logs an
         * invocation when the function returns, which for the assembler is after the notice (it
         * deletes the segments last).
         */
        private List<Invocation> invocationsUntilAnswered() throws InterruptedException {
            var deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                var invocations = invocations(output.lines());
                if (invocations.stream().anyMatch(i -> i.function.equals(lastFunction) && i.outcome.equals("SUCCESS"))
                        || System.nanoTime() > deadline) {
                    return invocations;
                }
                Thread.sleep(100);
            }
        }

        private static List<Invocation> invocations(List<JsonNode> lines) {
            var invocations = new ArrayList<Invocation>();
            for (var line : lines) {
                if (INVOCATIONS_LOGGER.equals(line.path("logger").asText()) && line.has("duration_ms")) {
                    invocations.add(new Invocation(line.path("function").asText(), Instant.parse(line.path("timestamp").asText()),
                            line.path("duration_ms").asLong(), line.path("outcome").asText(),
                            line.path("cold_start").asText().equals("true")));
                }
            }
            return invocations;
        }

        /** The function's last invocation in the round (a retry follows a failure: the failed_invocations column counts those). */
        private static Optional<Invocation> last(List<Invocation> invocations, String function) {
            return invocations.stream().filter(i -> i.function.equals(function)).reduce((first, second) -> second);
        }

        @Override
        public void close() {
            aws.close();
            runtime.close();
        }
    }

    /**
     * The segmented path in this JVM, one invocation at a time: the transcoder's split, each
     * segment message alone (as the SQS event the local runtime would send), the assembly message.
     * Each function keeps its own work directory, as each environment has its own /tmp.
     */
    private static final class OneAtATime implements Variant {
        private final VideoStack stack;
        private final TimedMediaTools transcoderTools;
        private final TimedMediaTools workerTools;
        private final TimedMediaTools assemblerTools;
        private final VideoTranscoder transcoder;
        private final SegmentWorker worker;
        private final Assembler assembler;
        private final PojoSerializer<SQSEvent> serializer =
                LambdaEventSerializers.serializerFor(SQSEvent.class, VideoSegmentedVersusSingle.class.getClassLoader());

        OneAtATime(VideoStack stack) {
            this.stack = stack;
            this.transcoderTools = TimedMediaTools.create(WORK.resolve(VideoStack.TRANSCODER).resolve("tools"));
            this.workerTools = TimedMediaTools.create(WORK.resolve(VideoStack.SEGMENT_WORKER).resolve("tools"));
            this.assemblerTools = TimedMediaTools.create(WORK.resolve(VideoStack.ASSEMBLER).resolve("tools"));
            this.transcoder = setup(stack, VideoStack.TRANSCODER, transcoderTools).transcoder();
            this.worker = setup(stack, VideoStack.SEGMENT_WORKER, workerTools).segmentWorker();
            this.assembler = setup(stack, VideoStack.ASSEMBLER, assemblerTools).assembler();
        }

        private static VideoSetup setup(VideoStack stack, String function, TimedMediaTools tools) {
            var environment = stack.environment(function).with(Map.of(
                    MediaTools.FFMPEG_VARIABLE, tools.ffmpeg(),
                    MediaTools.FFPROBE_VARIABLE, tools.ffprobe(),
                    VideoSetup.WORK_DIRECTORY, WORK.resolve(function).resolve("tmp").toAbsolutePath().toString()));
            return new VideoSetup(environment, stack.aws, Clock.systemUTC());
        }

        private static final String NAME = "one-at-a-time";

        @Override
        public String run(String round, Path video) {
            var event = stack.upload("uploads/" + round + "-" + NAME + ".mp4", video);
            var videoId = VideoTranscoder.upload(event.getRecords().getFirst()).videoId();
            transcoderTools.clear();
            workerTools.clear();
            assemblerTools.clear();
            long start = System.nanoTime();
            transcoder.process(event, stack.context(VideoStack.TRANSCODER));
            long split = millisSince(start);
            var messages = new ArrayList<>(stack.drain(VideoStack.SEGMENTS_QUEUE));
            messages.sort(Comparator.comparingInt(message -> SegmentMessage.parse(message.body()).index()));
            var segments = new ArrayList<Long>();
            for (var message : messages) {
                long segmentStart = System.nanoTime();
                var response = worker.process(event(message, VideoStack.SEGMENTS_QUEUE), stack.context(VideoStack.SEGMENT_WORKER));
                segments.add(millisSince(segmentStart));
                if (!response.getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("Segment message failed: " + message.body());
                }
            }
            long segmentsEnd = millisSince(start);
            var assembly = stack.drain(VideoStack.ASSEMBLY_QUEUE);
            if (assembly.size() != 1) {
                throw new IllegalStateException(assembly.size() + " assembly messages for video " + videoId);
            }
            long assemblyStart = System.nanoTime();
            assembler.process(event(assembly.getFirst(), VideoStack.ASSEMBLY_QUEUE), stack.context(VideoStack.ASSEMBLER));
            long assemblyMillis = millisSince(assemblyStart);
            long wall = millisSince(start);
            var record = stack.videoStore(Clock.systemUTC()).get(videoId).orElseThrow();
            if (record.status() != VideoStatus.READY || record.segmentCount() != messages.size()) {
                throw new IllegalStateException("Video " + videoId + " ended " + record.status() + " with "
                        + messages.size() + " of " + record.segmentCount() + " segments: " + record.reason().orElse(""));
            }
            stack.drain(VideoStack.NOTIFICATIONS_QUEUE);
            return String.join("\t", round, NAME, Long.toString(wall),
                    Long.toString(Duration.between(record.created(), record.updated()).toMillis()), Long.toString(split),
                    segments.stream().map(String::valueOf).collect(Collectors.joining(",")), Long.toString(assemblyMillis),
                    Long.toString(split), Long.toString(segmentsEnd),
                    Long.toString(Duration.ofNanos(assemblyStart - start).toMillis()), "0", "0",
                    "split:" + toolMillis(transcoderTools) + ";segments:" + toolMillis(workerTools)
                            + ";assembly:" + toolMillis(assemblerTools));
        }

        /** {@code KIND=ms,...}: the time the function's ffmpeg and ffprobe runs took, by kind. */
        private static String toolMillis(TimedMediaTools tools) {
            return TimedMediaTools.millisByKind(tools.runs()).entrySet().stream()
                    .filter(entry -> entry.getValue() > 0 && entry.getKey() != TimedMediaTools.Kind.VERSION)
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(","));
        }

        /** The SQS event Lambda's event source mapping sends for this one message. */
        private SQSEvent event(Message message, String queueLogicalId) {
            var queue = stack.resources.queue(queueLogicalId);
            return serializer.fromJson(Json.write(SqsEventJson.build(List.of(message), queue.arn(), Emulators.REGION)));
        }
    }

    private static String since(Instant start, Instant instant) {
        return Long.toString(Duration.between(start, instant).toMillis());
    }

    private static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
