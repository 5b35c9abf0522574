package dev.offstage.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.runtime.LocalRuntime;
import dev.offstage.local.runtime.LocalRuntimeOptions;
import dev.offstage.testing.Emulators;
import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import dev.offstage.video.notify.VideoNotice;
import dev.offstage.video.storage.VideoFiles;
import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video transcoding as an application meets it: {@code template.yaml} under the local runtime,
 * files uploaded to the uploads bucket with the SDK — one PutObject, one multipart upload — and
 * the outcome read where an application reads it: the notice on the notifications queue, the
 * renditions in the outputs bucket (measured with ffprobe), the record in the videos table.
 */
class VideoPipelineEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final double FRAME = 1.0 / 25;

    private static LocalRuntime runtime;
    private static VideoPipelineClient pipeline;

    @TempDir
    static Path scratch;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(LocalRuntimeOptions.of(Path.of("template.yaml"))
                .withParameters(Map.of(
                        "VideoRenditions", "360p:360:800,180p:180:300",
                        "VideoSegmentThresholdSeconds", "10",
                        "VideoSegmentSeconds", "5"))
                // Five segment workers at once: the long video's five segments run in parallel.
                .withLambdaSettings(new LambdaSettings(5, Emulators.ACCOUNT_ID))
                .withHttpPort(0));
        pipeline = new VideoPipelineClient(runtime);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private static void put(String key, Path file) {
        pipeline.put(key, file);
    }

    private static VideoNotice awaitNotice(String key) {
        return pipeline.awaitNotice(key, WAIT);
    }

    private static VideoRecord record(String videoId) {
        return pipeline.record(videoId);
    }

    private static Path download(String key) {
        return pipeline.download(key, scratch);
    }

    private static void awaitAsyncIdle() throws InterruptedException {
        assertThat(pipeline.awaitAsyncIdle(WAIT)).as("no asynchronous event left within " + WAIT).isTrue();
    }

    @Test
    void uploadsBySdkAndByMultipartEndReadyWithRenditionsFfprobeConfirms() throws Exception {
        put("uploads/landscape.mp4", TestVideos.landscape());
        pipeline.multipart("uploads/phone/portrait.mp4", TestVideos.portrait());

        var landscape = awaitNotice("uploads/landscape.mp4");
        var portrait = awaitNotice("uploads/phone/portrait.mp4");

        assertThat(landscape.status()).isEqualTo(VideoStatus.READY);
        assertThat(landscape.renditions()).extracting(StoredRendition::name).containsExactly("360p", "180p");
        for (var rendition : landscape.renditions()) {
            var file = download(rendition.key());
            assertThat(VideoMeasurements.picture(file)).contains(rendition.width() + "x" + rendition.height());
            assertThat(VideoMeasurements.videoProfile(file)).isEqualTo("High");
            assertThat(VideoMeasurements.videoDuration(file)).isCloseTo(4.0, within(FRAME));
            assertThat(VideoMeasurements.audioDuration(file)).isCloseTo(4.0, within(0.05));
        }
        assertThat(landscape.renditions().getFirst()).satisfies(rendition -> {
            assertThat(rendition.width()).isEqualTo(640);
            assertThat(rendition.height()).isEqualTo(360);
        });
        assertThat(landscape.posterKey()).isPresent();
        assertThat(VideoMeasurements.picture(download(landscape.posterKey().orElseThrow()))).contains("640x360");

        assertThat(portrait.status()).isEqualTo(VideoStatus.READY);
        assertThat(portrait.renditions()).extracting(StoredRendition::width, StoredRendition::height)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(360, 640), org.assertj.core.groups.Tuple.tuple(180, 320));
        assertThat(VideoMeasurements.picture(download(portrait.renditions().getFirst().key()))).contains("360x640");
        assertThat(record(portrait.videoId()).upload().key()).isEqualTo("uploads/phone/portrait.mp4");
    }

    @Test
    void badUploadsEndFailedWithAReasonAfterExactlyOneAttempt() throws Exception {
        var bad = Map.of(
                "uploads/notes.mp4", TestVideos.text(),
                "uploads/nothing.mp4", TestVideos.empty(),
                "uploads/interrupted.mp4", TestVideos.truncated());
        bad.forEach(VideoPipelineEndToEndTest::put);

        for (var key : bad.keySet()) {
            var notice = awaitNotice(key);
            assertThat(notice.status()).as(key).isEqualTo(VideoStatus.FAILED);
            assertThat(notice.reason()).as(key).hasValueSatisfying(reason -> assertThat(reason).isNotBlank());
            var video = record(notice.videoId());
            assertThat(video.attempts()).as(key + ": one attempt, no retry").isEqualTo(1);
            assertThat(pipeline.aws().s3().headObject(head -> head.bucket(pipeline.uploadsBucket()).key(key)).contentLength())
                    .as(key + " is kept").isEqualTo(Files.size(bad.get(key)));
        }
        assertThat(awaitNotice("uploads/nothing.mp4").reason()).hasValueSatisfying(reason -> assertThat(reason).contains("empty"));
        awaitAsyncIdle();
        assertThat(runtime.pendingAsyncEvents()).isZero();
        var failures = pipeline.queue("VideoFailuresQueue");
        assertThat(pipeline.aws().sqs().receiveMessage(receive -> receive.queueUrl(failures).waitTimeSeconds(1)).messages())
                .as("nothing retried into the on-failure destination").isEmpty();
    }

    @Test
    void duplicateS3EventTranscodesNothing() throws Exception {
        put("uploads/once.mp4", TestVideos.silent());
        var notice = awaitNotice("uploads/once.mp4");
        var before = record(notice.videoId());
        assertThat(before.status()).isEqualTo(VideoStatus.READY);

        // S3 delivers the same event again (same bucket, key and sequencer), twice.
        var json = pipeline.uploadEvent(before);
        runtime.invokeAsync("VideoTranscoderFunction", json);
        runtime.invokeAsync("VideoTranscoderFunction", json);
        awaitAsyncIdle();

        var after = record(notice.videoId());
        assertThat(after.attempts()).isEqualTo(1);
        assertThat(after.updated()).isEqualTo(before.updated());
        assertThat(after.renditions()).isEqualTo(before.renditions());
        assertThat(pipeline.noticesFor("uploads/once.mp4")).hasSize(1);
    }

    @Test
    void longVideoIsTranscodedInParallelSegmentsAndStitchedInSync() throws Exception {
        put("uploads/long.mp4", TestVideos.markers());

        var notice = awaitNotice("uploads/long.mp4");

        assertThat(notice.status()).isEqualTo(VideoStatus.READY);
        var video = record(notice.videoId());
        assertThat(video.segmentCount()).isEqualTo(5);
        assertThat(video.segmentsDone()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        var stitched = download(notice.renditions().getFirst().key());
        var source = TestVideos.markers();
        assertThat(VideoMeasurements.frameCount(stitched)).isEqualTo(VideoMeasurements.frameCount(source));
        assertThat(VideoMeasurements.videoDuration(stitched)).isCloseTo(VideoMeasurements.videoDuration(source), within(FRAME));
        var flashes = VideoMeasurements.flashTimes(stitched);
        var beeps = VideoMeasurements.beepTimes(stitched);
        assertThat(flashes).hasSameSizeAs(TestVideos.MARKER_TIMES).hasSameSizeAs(beeps);
        for (var i = 0; i < flashes.size(); i++) {
            assertThat(beeps.get(i)).as("audio in sync").isCloseTo(flashes.get(i), within(FRAME + 1024 / 48000.0));
        }
        assertThat(pipeline.outputs().list(VideoFiles.workPrefix(notice.videoId()))).as("no segments left behind").isEmpty();
        assertThat(pipeline.noticesFor("uploads/long.mp4")).hasSize(1);
    }
}
