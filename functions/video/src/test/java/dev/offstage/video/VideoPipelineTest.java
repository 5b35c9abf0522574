package dev.offstage.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.EmulatorsExtension;
import dev.offstage.shared.json.Json;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import dev.offstage.video.notify.VideoNotice;
import dev.offstage.video.notify.VideoNotifications;
import dev.offstage.video.segments.AssemblyMessage;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.transcode.VideoTranscoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three video functions in this JVM, each built from exactly the environment
 * {@code template.yaml} gives it, against the emulators: uploads become S3 events (from
 * {@code events/video-s3-upload.json}), queue messages are delivered as Lambda's event source
 * mapping would. A small ladder and a low split threshold keep the videos tiny.
 */
@ExtendWith(EmulatorsExtension.class)
class VideoPipelineTest {

    /** Two rungs; the test videos are 640x360 and smaller, so the ladder is cut by the no-upscaling rule. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "VideoRenditions", "360p:360:800,180p:180:300",
            "VideoSegmentThresholdSeconds", "10",
            "VideoSegmentSeconds", "5");
    private static final double FRAME = 1.0 / 25;

    private static VideoStack stack;
    private static final List<VideoNotice> NOTICES = new ArrayList<>();

    @TempDir
    static Path scratch;

    @BeforeAll
    static void provision(Emulators emulators) {
        stack = new VideoStack(emulators, PARAMETERS);
    }

    @AfterAll
    static void close() {
        stack.close();
    }

    private static VideoSetup setup(String function) {
        return new VideoSetup(stack.environment(function).with(Map.of(VideoSetup.WORK_DIRECTORY, scratch.resolve(function).toString())),
                stack.aws, Clock.systemUTC());
    }

    private static String videoId(S3Event event) {
        return VideoTranscoder.upload(event.getRecords().getFirst()).videoId();
    }

    private static VideoRecord record(String videoId) {
        return stack.videoStore(Clock.systemUTC()).get(videoId).orElseThrow();
    }

    /** The notices sent for a video so far (the queue is drained into one list for every test). */
    private static List<VideoNotice> notices(String videoId) {
        synchronized (NOTICES) {
            stack.drain(VideoStack.NOTIFICATIONS_QUEUE).forEach(message -> NOTICES.add(VideoNotifications.parse(message.body())));
            return NOTICES.stream().filter(notice -> notice.videoId().equals(videoId)).toList();
        }
    }

    private static Path download(String key) throws Exception {
        var file = Files.createTempFile(scratch, "download-", "-" + key.substring(key.lastIndexOf('/') + 1));
        Files.delete(file);
        stack.videoFiles().download(key, file);
        return file;
    }

    private static S3Event transcode(String key, Path video) {
        var event = stack.upload(key, video);
        setup(VideoStack.TRANSCODER).transcoder().process(event, stack.context(VideoStack.TRANSCODER));
        return event;
    }

    @Test
    void landscapeUploadEndsReadyWithTheLadderAPosterAndOneNotice() throws Exception {
        var event = transcode("uploads/landscape.mp4", TestVideos.landscape());
        var videoId = videoId(event);

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.READY);
        assertThat(video.attempts()).isEqualTo(1);
        var metadata = video.metadata().orElseThrow();
        assertThat(metadata.durationSeconds()).isCloseTo(4.0, within(0.1));
        assertThat(metadata.video().orElseThrow()).satisfies(stream -> {
            assertThat(stream.codec()).isEqualTo("h264");
            assertThat(stream.width()).isEqualTo(640);
            assertThat(stream.height()).isEqualTo(360);
            assertThat(stream.rotation()).isZero();
            assertThat(stream.frameRate()).isEqualTo(25.0);
        });
        assertThat(metadata.hasAudio()).isTrue();
        assertThat(video.renditions()).extracting(StoredRendition::name, StoredRendition::width, StoredRendition::height,
                        StoredRendition::videoCodec, StoredRendition::audioCodec)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("360p", 640, 360, "h264", "aac"),
                        org.assertj.core.groups.Tuple.tuple("180p", 320, 180, "h264", "aac"));
        for (var rendition : video.renditions()) {
            assertThat(rendition.key()).isEqualTo("videos/" + videoId + "/" + rendition.name() + ".mp4");
            var file = download(rendition.key());
            assertThat(VideoMeasurements.videoDuration(file)).isCloseTo(4.0, within(FRAME));
            assertThat(VideoMeasurements.frameCount(file)).isEqualTo(100);
            assertThat(VideoMeasurements.topLevelBoxes(file)).as("+faststart: the index before the media")
                    .containsSubsequence("moov", "mdat");
            assertThat(rendition.sizeBytes()).isEqualTo(Files.size(file));
        }
        assertThat(video.posterKey()).contains(VideoFiles.posterKey(videoId));
        assertThat(VideoMeasurements.picture(download(VideoFiles.posterKey(videoId)))).contains("640x360");
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isEmpty();

        assertThat(notices(videoId)).singleElement().satisfies(notice -> {
            assertThat(notice.type()).isEqualTo("video.ready");
            assertThat(notice.renditions()).isEqualTo(video.renditions());
            assertThat(notice.key()).isEqualTo("uploads/landscape.mp4");
            assertThat(notice.correlationId()).isEqualTo(videoId);
        });
        assertThat(record(videoId).notified()).isTrue();
    }

    @Test
    void everyEndedVideoIsCountedInTheMetrics() {
        var lines = new java.io.ByteArrayOutputStream();
        var original = System.out;
        System.setOut(new java.io.PrintStream(lines, true, java.nio.charset.StandardCharsets.UTF_8));
        String readyId;
        String failedId;
        try {
            readyId = videoId(transcode("uploads/counted.mp4", TestVideos.veryShort()));
            failedId = videoId(transcode("uploads/counted-notes.mp4", TestVideos.text()));
        } finally {
            System.setOut(original);
        }
        var ready = readyId;
        var failed = failedId;

        var emf = lines.toString(java.nio.charset.StandardCharsets.UTF_8).lines().filter(line -> line.contains("\"_aws\"")).map(Json::tree).toList();
        assertThat(emf).anySatisfy(line -> {
            assertThat(line.path("Service").asText()).isEqualTo(VideoSetup.METRICS_SERVICE);
            assertThat(line.path("VideosReady").asDouble()).isEqualTo(1.0);
            assertThat(line.path("VideoProcessingSeconds").asDouble()).isGreaterThanOrEqualTo(0.0);
            assertThat(line.path("video_id").asText()).as("the count names its video").isEqualTo(ready);
        });
        assertThat(emf).anySatisfy(line -> {
            assertThat(line.path("VideosFailed").asDouble()).isEqualTo(1.0);
            assertThat(line.path("video_id").asText()).isEqualTo(failed);
        });
        assertThat(record(ready).status()).isEqualTo(VideoStatus.READY);
        assertThat(record(failed).status()).isEqualTo(VideoStatus.FAILED);
    }

    @Test
    void portraitStaysPortraitWithoutRotationMetadata() throws Exception {
        var videoId = videoId(transcode("uploads/portrait phone clip.mp4", TestVideos.portrait()));

        var video = record(videoId);
        assertThat(video.metadata().orElseThrow().video().orElseThrow().rotation()).isEqualTo(90);
        assertThat(video.renditions()).extracting(StoredRendition::name, StoredRendition::width, StoredRendition::height)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("360p", 360, 640), org.assertj.core.groups.Tuple.tuple("180p", 180, 320));
        var file = download(video.renditions().getFirst().key());
        assertThat(setup(VideoStack.TRANSCODER).encoder().probe(file.toString(), java.time.Instant.now().plusSeconds(30))
                .video().orElseThrow().rotation()).isZero();
        assertThat(VideoMeasurements.redCorners(file)).as("the coded top-left corner shows at the top right").containsExactly("top-right");
    }

    @Test
    void videoWithoutAudioGetsRenditionsWithoutAudio() {
        var videoId = videoId(transcode("uploads/silent.mp4", TestVideos.silent()));

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.READY);
        assertThat(video.metadata().orElseThrow().hasAudio()).isFalse();
        // 320x240: 360p would upscale; 180p fits at 240x180.
        assertThat(video.renditions()).singleElement().satisfies(rendition -> {
            assertThat(rendition.name()).isEqualTo("180p");
            assertThat(rendition.width()).isEqualTo(240);
            assertThat(rendition.height()).isEqualTo(180);
            assertThat(rendition.audioCodec()).isNull();
        });
    }

    @Test
    void veryShortVideoIsTranscoded() {
        var videoId = videoId(transcode("uploads/blink.mp4", TestVideos.veryShort()));

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.READY);
        assertThat(video.renditions()).singleElement().satisfies(rendition -> {
            assertThat(rendition.width()).isEqualTo(320);
            assertThat(rendition.durationSeconds()).isCloseTo(0.2, within(0.05));
        });
    }

    static Stream<Arguments> badUploads() {
        return Stream.of(
                Arguments.of("zero bytes", (Supplier<Path>) TestVideos::empty, "empty"),
                Arguments.of("an interrupted upload", (Supplier<Path>) TestVideos::truncated, "not a video"),
                Arguments.of("a text file", (Supplier<Path>) TestVideos::text, "not a video"),
                Arguments.of("a picture", (Supplier<Path>) TestVideos::image, "image"),
                Arguments.of("sound only", (Supplier<Path>) TestVideos::audioOnly, "no video"),
                Arguments.of("random bytes", (Supplier<Path>) TestVideos::randomBytes, "not a video"),
                Arguments.of("a header claiming ten hours", (Supplier<Path>) TestVideos::claimsTenHours,
                        "the video is 36000.0 s long, over the limit of 7200 s (VideoMaxDurationSeconds)"),
                Arguments.of("frames that are all garbage", (Supplier<Path>) TestVideos::garbageFrames,
                        "not a video: ffmpeg could not decode it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badUploads")
    void badUploadEndsFailedWithAReasonAtTheFirstAttemptAndStaysInTheBucket(String what, Supplier<Path> file, String reason) {
        var key = "uploads/bad-" + what.replace(' ', '-') + ".mp4";
        var event = stack.upload(key, file.get());
        var videoId = videoId(event);

        // Returns normally: Lambda does not retry what cannot succeed.
        setup(VideoStack.TRANSCODER).transcoder().process(event, stack.context(VideoStack.TRANSCODER));

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(text -> assertThat(text).containsIgnoringCase(reason));
        assertThat(video.attempts()).isEqualTo(1);
        assertThat(video.renditions()).isEmpty();
        assertThat(notices(videoId)).singleElement().satisfies(notice -> {
            assertThat(notice.type()).isEqualTo("video.failed");
            assertThat(notice.reason()).isEqualTo(video.reason());
        });
        assertThat(stack.aws.s3().headObject(head -> head.bucket(stack.uploadsBucket()).key(key)).contentLength())
                .as("the original is kept").isEqualTo(file.get().toFile().length());
        for (var prefix : List.of("videos/" + videoId + "/", VideoFiles.workPrefix(videoId))) {
            assertThat(stack.aws.s3().listObjectsV2(list -> list.bucket(stack.outputsBucket()).prefix(prefix)).contents())
                    .as("outputs under " + prefix).isEmpty();
        }
        assertThat(scratch.resolve(VideoStack.TRANSCODER)).as("no work files left").doesNotExist();
    }

    @Test
    void duplicateS3EventTranscodesNothing() {
        var event = transcode("uploads/twice.mp4", TestVideos.silent());
        var videoId = videoId(event);
        var first = record(videoId);

        // S3 delivers the same event again: another invocation, another request id.
        setup(VideoStack.TRANSCODER).transcoder().process(event, stack.context(VideoStack.TRANSCODER));

        var after = record(videoId);
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.updated()).isEqualTo(first.updated());
        assertThat(notices(videoId)).hasSize(1);
    }

    @Test
    void aNewUploadOfTheSameKeyIsANewVideo() {
        var first = videoId(transcode("uploads/again.mp4", TestVideos.silent()));
        var second = videoId(transcode("uploads/again.mp4", TestVideos.veryShort()));

        assertThat(second).isNotEqualTo(first);
        assertThat(record(second).status()).isEqualTo(VideoStatus.READY);
    }

    @Test
    void failureThatMayPassIsRetriedAndTheLastAttemptRecordsFailed() {
        var event = stack.upload("uploads/unlucky.mp4", TestVideos.silent());
        var videoId = videoId(event);
        // The outputs bucket unreachable: S3 answers NoSuchBucket on every attempt.
        var transcoder = new VideoSetup(stack.environment(VideoStack.TRANSCODER).with(Map.of(
                VideoSetup.WORK_DIRECTORY, scratch.resolve("unlucky").toString(),
                VideoFiles.OUTPUTS_BUCKET_VARIABLE, "no-such-bucket-" + videoId)), stack.aws, Clock.systemUTC()).transcoder();
        // Lambda's async retries keep the request id.
        var context = stack.context(VideoStack.TRANSCODER);
        var attempts = Integer.parseInt(stack.environment(VideoStack.TRANSCODER).require(VideoConfig.ASYNC_ATTEMPTS));

        for (var attempt = 1; attempt < attempts; attempt++) {
            assertThatThrownBy(() -> transcoder.process(event, context)).isInstanceOf(S3Exception.class);
            assertThat(record(videoId).status()).isEqualTo(VideoStatus.PROCESSING);
            assertThat(record(videoId).attempts()).isEqualTo(attempt);
        }
        assertThatThrownBy(() -> transcoder.process(event, context)).isInstanceOf(S3Exception.class);

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("could not be processed in " + attempts + " attempts"));
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.failed");
    }

    @Test
    void uploadDeletedBeforeItIsProcessedFailsAtOnce() {
        var key = "uploads/vanishing.mp4";
        var event = stack.upload(key, TestVideos.silent());
        stack.aws.s3().deleteObject(delete -> delete.bucket(stack.uploadsBucket()).key(key));

        setup(VideoStack.TRANSCODER).transcoder().process(event, stack.context(VideoStack.TRANSCODER));

        var video = record(videoId(event));
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("the upload was deleted before it was processed"));
        assertThat(video.attempts()).isEqualTo(1);
    }

    @Test
    void uploadReplacedBeforeItIsProcessedFailsAndTheNewerOneIsItsOwnVideo() {
        var key = "uploads/replaced.mp4";
        var older = stack.upload(key, TestVideos.silent());
        var newer = stack.upload(key, TestVideos.veryShort());
        var transcoder = setup(VideoStack.TRANSCODER).transcoder();

        transcoder.process(older, stack.context(VideoStack.TRANSCODER));
        transcoder.process(newer, stack.context(VideoStack.TRANSCODER));

        assertThat(record(videoId(older)).status()).isEqualTo(VideoStatus.FAILED);
        assertThat(record(videoId(older)).reason()).hasValueSatisfying(reason -> assertThat(reason).contains("replaced"));
        var video = record(videoId(newer));
        assertThat(video.status()).isEqualTo(VideoStatus.READY);
        assertThat(video.metadata().orElseThrow().durationSeconds()).as("the newer file's content").isLessThan(1);
    }

    @Test
    void segmentThatFailedEveryDeliveryEndsItsVideoFailedThroughTheFailuresQueue() {
        var videoId = videoId(transcode("uploads/doomed-long.mp4", TestVideos.markers()));
        assertThat(record(videoId).status()).isEqualTo(VideoStatus.PROCESSING);
        // As the segments queue's redrive policy does after VideoMaxReceiveCount failed deliveries.
        var segments = stack.drain(VideoStack.SEGMENTS_QUEUE);
        assertThat(segments).hasSize(5);
        var lost = dev.offstage.video.segments.SegmentMessage.parse(segments.get(2).body());
        stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl(VideoStack.FAILURES_QUEUE)).messageBody(segments.get(2).body()));

        var recorder = setup(VideoStack.FAILURE_RECORDER).failureRecorder();
        var batch = stack.deliver(VideoStack.FAILURES_QUEUE, b -> recorder.process(b, stack.context(VideoStack.FAILURE_RECORDER)));

        assertThat(batch.getRecords()).hasSize(1);
        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("segment " + (lost.index() + 1) + " of 5"));
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.failed");
        // The other segments' workers now skip: nothing is transcoded for a FAILED video.
        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        segments.forEach(message -> stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl(VideoStack.SEGMENTS_QUEUE))
                .messageBody(message.body())));
        while (!stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER))).getRecords().isEmpty()) {
            // skipped
        }
        assertThat(record(videoId).segmentsDone()).isEmpty();
    }

    @Test
    void transcoderEventThatFailedEveryAttemptEndsItsVideoFailedEvenWithoutARecord() {
        stack.aws.s3().putObject(put -> put.bucket(stack.uploadsBucket()).key("uploads/never-claimed.mp4"),
                software.amazon.awssdk.core.sync.RequestBody.fromFile(TestVideos.silent()));
        var json = stack.uploadedJson("uploads/never-claimed.mp4");
        var videoId = videoId(VideoStack.s3Event(json));
        // Lambda's invocation record, as the on-failure destination receives it.
        var record = Json.mapper().createObjectNode();
        record.put("version", "1.0");
        record.putObject("requestContext").put("requestId", "e1d2c3b4").put("condition", "RetriesExhausted")
                .put("approximateInvokeCount", 3);
        record.set("requestPayload", Json.tree(json));
        record.putObject("responsePayload").put("errorType", "Runtime.ExitError").put("errorMessage", "RequestId: e1d2c3b4 Error: Task timed out after 900.00 seconds");
        stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl(VideoStack.FAILURES_QUEUE)).messageBody(Json.write(record)));

        var recorder = setup(VideoStack.FAILURE_RECORDER).failureRecorder();
        stack.deliver(VideoStack.FAILURES_QUEUE, b -> recorder.process(b, stack.context(VideoStack.FAILURE_RECORDER)));

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .isEqualTo("could not be processed in 3 attempts: RequestId: e1d2c3b4 Error: Task timed out after 900.00 seconds"));
        assertThat(video.upload().key()).isEqualTo("uploads/never-claimed.mp4");
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.failed");
    }

    @Test
    void failuresQueueLeavesEndedVideosAsTheyAreAndDropsWhatNamesNoVideo() {
        var videoId = videoId(transcode("uploads/fine.mp4", TestVideos.silent()));
        var recorder = setup(VideoStack.FAILURE_RECORDER).failureRecorder();
        stack.videoQueue(VideoStack.FAILURES_QUEUE).send(new AssemblyMessage(videoId,
                List.of(new dev.offstage.video.media.Rendition("180p", 240, 180, 300, 128)), videoId), videoId);
        stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl(VideoStack.FAILURES_QUEUE)).messageBody("{not json"));

        var batch = stack.deliver(VideoStack.FAILURES_QUEUE, b -> recorder.process(b, stack.context(VideoStack.FAILURE_RECORDER)));

        assertThat(batch.getRecords()).hasSize(2);
        assertThat(record(videoId).status()).isEqualTo(VideoStatus.READY);
        assertThat(notices(videoId)).hasSize(1);
        assertThat(stack.drain(VideoStack.FAILURES_QUEUE)).as("both consumed").isEmpty();
    }

    @Test
    void longVideoIsSplitTranscodedSegmentBySegmentAndStitched() throws Exception {
        var event = transcode("uploads/markers.mp4", TestVideos.markers());
        var videoId = videoId(event);
        var split = record(videoId);
        assertThat(split.status()).isEqualTo(VideoStatus.PROCESSING);
        // 24 s at about 5 s a piece, cut on the keyframe every second.
        assertThat(split.segmentCount()).isEqualTo(5);
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId) + "source/")).hasSize(5);
        assertThat(stack.videoFiles().list(VideoFiles.posterKey(videoId))).hasSize(1);

        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        var delivered = 0;
        for (var batch = stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER)));
             !batch.getRecords().isEmpty();
             batch = stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER)))) {
            delivered += batch.getRecords().size();
        }
        assertThat(delivered).isEqualTo(5);
        assertThat(record(videoId).segmentsDone()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        var assembly = stack.drain(VideoStack.ASSEMBLY_QUEUE);
        assertThat(assembly).as("the last segment queues the assembly, once").hasSize(1);

        var assembler = setup(VideoStack.ASSEMBLER).assembler();
        var message = AssemblyMessage.parse(assembly.getFirst().body());
        stack.videoQueue(VideoStack.ASSEMBLY_QUEUE).send(message, videoId);
        stack.videoQueue(VideoStack.ASSEMBLY_QUEUE).send(message, videoId);
        var batch = stack.deliver(VideoStack.ASSEMBLY_QUEUE, b -> assembler.process(b, stack.context(VideoStack.ASSEMBLER)));
        assertThat(batch.getRecords()).isNotEmpty();
        while (!stack.deliver(VideoStack.ASSEMBLY_QUEUE, b -> assembler.process(b, stack.context(VideoStack.ASSEMBLER))).getRecords().isEmpty()) {
            // a repeated assembly message changes nothing
        }

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.READY);
        assertThat(video.renditions()).singleElement().satisfies(rendition -> {
            assertThat(rendition.name()).isEqualTo("180p");
            assertThat(rendition.audioCodec()).isEqualTo("aac");
        });
        var stitched = download(video.renditions().getFirst().key());
        var source = TestVideos.markers();
        assertThat(VideoMeasurements.frameCount(stitched)).isEqualTo(VideoMeasurements.frameCount(source));
        assertThat(VideoMeasurements.videoDuration(stitched)).isCloseTo(VideoMeasurements.videoDuration(source), within(FRAME));
        assertThat(VideoMeasurements.audioDuration(stitched)).isCloseTo(VideoMeasurements.videoDuration(stitched), within(2 * 1024 / 48000.0 + FRAME));
        var flashes = VideoMeasurements.flashTimes(stitched);
        var beeps = VideoMeasurements.beepTimes(stitched);
        assertThat(flashes).hasSameSizeAs(TestVideos.MARKER_TIMES);
        assertThat(beeps).hasSameSizeAs(TestVideos.MARKER_TIMES);
        for (var i = 0; i < flashes.size(); i++) {
            assertThat(flashes.get(i)).isCloseTo(TestVideos.MARKER_TIMES.get(i), within(FRAME));
            assertThat(beeps.get(i)).as("audio in sync").isCloseTo(flashes.get(i), within(FRAME + 1024 / 48000.0));
        }
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).as("no segments left behind").isEmpty();
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.ready");
    }

    /** Splits {@link TestVideos#markers()} and transcodes every segment: the assembly message is left in its queue. */
    private static String segmentsDone(String key) {
        var videoId = videoId(transcode(key, TestVideos.markers()));
        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        while (!stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER))).getRecords().isEmpty()) {
            // every segment, once
        }
        assertThat(record(videoId).segmentsDone()).hasSize(5);
        return videoId;
    }

    private static SQSEvent assemble() {
        var assembler = setup(VideoStack.ASSEMBLER).assembler();
        return stack.deliver(VideoStack.ASSEMBLY_QUEUE, b -> assembler.process(b, stack.context(VideoStack.ASSEMBLER)));
    }

    @Test
    void assemblyLeftByADeadAssemblerIsTakenOverWhenItsMessageComesBack() {
        var videoId = segmentsDone("uploads/assembler-died.mp4");
        // An assembler took the lease and died (killed, out of memory) before it finished.
        assertThat(stack.videoStore(Clock.systemUTC()).claimAssembly(videoId, "dead-assembler", java.time.Duration.ofMinutes(15))).isTrue();

        var first = assemble();

        assertThat(first.getRecords()).hasSize(1);
        assertThat(record(videoId).status()).as("the lease has not run out").isEqualTo(VideoStatus.PROCESSING);
        // The dead assembler's lease runs out (its invocation's deadline passes).
        stack.aws.dynamoDb().updateItem(update -> update.tableName(stack.videosTable())
                .key(Map.of("id", AttributeValue.fromS(videoId)))
                .updateExpression("SET assemblyExpires = :past")
                .expressionAttributeValues(Map.of(":past", AttributeValue.fromN("0"))));
        var again = assemble();
        assertThat(again.getRecords()).as("the message was kept for a retry, not consumed").hasSize(1);
        assertThat(again.getRecords().getFirst().getAttributes().get("ApproximateReceiveCount")).isEqualTo("2");
        assertThat(record(videoId).status()).isEqualTo(VideoStatus.READY);
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isEmpty();
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.ready");
    }

    @Test
    void assemblyWhoseLeaseIsTakenOnEveryReceiveEndsTheVideoFailedOnTheLast() {
        var videoId = segmentsDone("uploads/assembler-never-back.mp4");
        assertThat(stack.videoStore(Clock.systemUTC()).claimAssembly(videoId, "dead-assembler", java.time.Duration.ofMinutes(15))).isTrue();
        var receives = Integer.parseInt(stack.environment(VideoStack.ASSEMBLER).require(VideoConfig.MAX_RECEIVES));

        for (var receive = 1; receive <= receives; receive++) {
            assertThat(record(videoId).status()).as("receive " + receive).isEqualTo(VideoStatus.PROCESSING);
            assertThat(assemble().getRecords()).hasSize(1);
        }

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("assembly failed " + receives + " times: ").contains("being assembled by another invocation"));
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isEmpty();
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.failed");
    }

    @Test
    void segmentRedeliveredAfterItsVideoEndedHasItsWorkFilesRemoved() {
        var videoId = videoId(transcode("uploads/ended-meanwhile.mp4", TestVideos.markers()));
        var segments = stack.drain(VideoStack.SEGMENTS_QUEUE);
        // The video ended (here: FAILED) while a delivery of a segment message was writing, and died.
        stack.videoStore(Clock.systemUTC()).finishFailed(videoId, "segment 1 of 5: not a video");
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isNotEmpty();
        stack.aws.sqs().sendMessage(send -> send.queueUrl(stack.queueUrl(VideoStack.SEGMENTS_QUEUE)).messageBody(segments.get(3).body()));
        stack.deliver(VideoStack.SEGMENTS_QUEUE, died -> {
            var failed = new SQSBatchResponse();
            failed.setBatchItemFailures(List.of(new SQSBatchResponse.BatchItemFailure(died.getRecords().getFirst().getMessageId())));
            return failed;
        });

        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        var redelivery = stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER)));
        assertThat(redelivery.getRecords()).hasSize(1);
        assemble();

        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isEmpty();
        assertThat(record(videoId).status()).isEqualTo(VideoStatus.FAILED);
        assertThat(record(videoId).segmentsDone()).isEmpty();
    }

    @Test
    void segmentFfmpegCannotReadEndsTheVideoFailedAndItsWorkFilesAreRemoved() throws Exception {
        var videoId = videoId(transcode("uploads/bad-piece.mp4", TestVideos.markers()));
        stack.videoFiles().put(VideoFiles.sourceSegmentKey(videoId, 2), TestVideos.randomBytes(), "video/x-matroska");

        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        while (!stack.deliver(VideoStack.SEGMENTS_QUEUE, b -> worker.process(b, stack.context(VideoStack.SEGMENT_WORKER))).getRecords().isEmpty()) {
            // every segment, once
        }
        while (!assemble().getRecords().isEmpty()) {
            // the removal of the work files, asked for by the worker that failed the video
        }

        var video = record(videoId);
        assertThat(video.status()).isEqualTo(VideoStatus.FAILED);
        assertThat(video.reason()).hasValueSatisfying(reason -> assertThat(reason).startsWith("segment 3 of 5: "));
        assertThat(stack.videoFiles().list(VideoFiles.workPrefix(videoId))).isEmpty();
        assertThat(notices(videoId)).singleElement().extracting(VideoNotice::type).isEqualTo("video.failed");
    }

    @Test
    void segmentMessageForAnUnknownVideoFailsAndKeepsTheMessage() {
        var worker = setup(VideoStack.SEGMENT_WORKER).segmentWorker();
        var event = VideoStack.sqs(VideoStack.SQS_SEGMENT);

        var response = worker.process(event, stack.context(VideoStack.SEGMENT_WORKER));

        assertThat(response.getBatchItemFailures()).extracting(failure -> failure.getItemIdentifier())
                .containsExactly(event.getRecords().getFirst().getMessageId());
    }

    @Test
    void malformedQueueMessagesFailOneByOne() {
        var event = VideoStack.sqs(VideoStack.SQS_ASSEMBLE);
        var good = event.getRecords().getFirst();
        var bad = new com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage();
        bad.setMessageId("bad-1");
        bad.setBody("{\"videoId\": 42}");
        event.setRecords(List.of(bad, good));

        var response = setup(VideoStack.ASSEMBLER).assembler().process(event, stack.context(VideoStack.ASSEMBLER));

        // Both fail (the sample names a video this stack never saw), each on its own.
        assertThat(response.getBatchItemFailures()).extracting(failure -> failure.getItemIdentifier())
                .containsExactly("bad-1", good.getMessageId());
    }
}
