package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path of long videos: split at keyframes, each segment transcoded on its own, audio encoded
 * once, stitched back. What comes out must be what the single pass makes: every frame, at its
 * time, the audio in sync.
 */
class SegmentedTranscodeTest {

    private static final VideoEncoder ENCODER = new VideoEncoder(new MediaTools("ffmpeg", "ffprobe", "veryfast"));
    private static final RenditionLadder LADDER = RenditionLadder.parse("180p:180:400,90p:90:150", 64);
    private static final double FRAME = 1.0 / TestVideos.MARKERS_FRAME_RATE;
    /** 1024 samples at 48 kHz: AAC's frame, the grain of audio timing. */
    private static final double AAC_FRAME = 1024 / 48000.0;

    @TempDir
    Path temp;

    private static Instant deadline() {
        return Instant.now().plus(Duration.ofMinutes(2));
    }

    @Test
    void splitCutsAtKeyframesIntoSegmentsOfAboutTheLength() throws IOException {
        var segments = ENCODER.split(TestVideos.markers().toString(), Duration.ofSeconds(5), dir("segments"), deadline());

        assertThat(segments).extracting(path -> path.getFileName().toString())
                .containsExactly("00000.mkv", "00001.mkv", "00002.mkv", "00003.mkv", "00004.mkv");
        assertThat(segments).allSatisfy(segment -> {
            assertThat(VideoMeasurements.startsWithKeyframe(segment)).as("%s starts with a keyframe", segment).isTrue();
            assertThat(ENCODER.probe(segment.toString(), deadline()).hasAudio()).isFalse();
        });
        assertThat(segments.stream().mapToLong(VideoMeasurements::frameCount).sum())
                .isEqualTo(VideoMeasurements.frameCount(TestVideos.markers()));
    }

    @Test
    void keyframesTooFarApartToSplitAreTurnedDownWithWhatToDo() throws IOException {
        Path directory = dir("segments");

        // One keyframe in 24 s: a single piece, far over the 15 s a 5 s segment may last.
        assertThatThrownBy(() -> ENCODER.split(TestVideos.sparseKeyframes().toString(), Duration.ofSeconds(5), directory, deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason()).isEqualTo(
                        "its keyframes are too far apart to split it for parallel transcoding (longest gap 24.0 s, over the 15.0 s "
                                + "a segment may last); re-encode it with a keyframe at least every 5 s, or raise VideoSegmentThresholdSeconds"));
        try (var left = Files.list(directory)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aSegmentMayLastTwiceTheLengthAndTenSecondsMore() {
        assertThat(VideoEncoder.longestSegment(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(60));
        assertThat(VideoEncoder.longestSegment(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(15));
        assertThat(VideoEncoder.longestSegment(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void splitReplacesAnEarlierAttemptsSegments() throws IOException {
        Path directory = dir("segments");
        Files.writeString(directory.resolve("00009.mkv"), "left by an attempt with shorter segments");

        var segments = ENCODER.split(TestVideos.markers().toString(), Duration.ofSeconds(10), directory, deadline());

        assertThat(segments).extracting(path -> path.getFileName().toString())
                .containsExactly("00000.mkv", "00001.mkv", "00002.mkv");
    }

    @Test
    void stitchedRenditionsKeepEveryFrameTheDurationAndTheSync() throws IOException {
        Path source = TestVideos.markers();

        var renditions = segmented(source);

        assertThat(renditions).hasSize(2).allSatisfy(rendition -> assertLikeTheSource(rendition, source));
    }

    @Test
    void singlePassKeepsEveryFrameTheDurationAndTheSync() {
        Path source = TestVideos.markers();
        var info = ENCODER.probe(source.toString(), deadline());

        var renditions = ENCODER.transcode(source.toString(), info, LADDER.plan(info.video().orElseThrow()), temp, deadline());

        assertThat(renditions).hasSize(2).allSatisfy(rendition -> assertLikeTheSource(rendition, source));
    }

    @Test
    void rotatedVideoComesOutOfBothPathsTheSame() throws IOException {
        Path source = TestVideos.portrait();
        var info = ENCODER.probe(source.toString(), deadline());

        var segmented = segmented(source);
        var singlePass = ENCODER.transcode(source.toString(), info, LADDER.plan(info.video().orElseThrow()),
                dir("single-pass"), deadline());

        for (int i = 0; i < singlePass.size(); i++) {
            var stitched = segmented.get(i);
            assertThat(VideoMeasurements.picture(stitched.file())).isEqualTo(VideoMeasurements.picture(singlePass.get(i).file()));
            assertThat(stitched.info().video().orElseThrow().rotation()).isZero();
            assertThat(VideoMeasurements.redCorners(stitched.file())).containsExactly("top-right");
            assertThat(VideoMeasurements.frameCount(stitched.file())).isEqualTo(VideoMeasurements.frameCount(source));
        }
    }

    @Test
    void videoWithoutAudioIsStitchedWithoutAudio() throws IOException {
        Path source = TestVideos.silent();

        var renditions = segmented(source);

        assertThat(renditions).allSatisfy(rendition -> {
            assertThat(rendition.info().hasAudio()).isFalse();
            assertThat(VideoMeasurements.frameCount(rendition.file())).isEqualTo(VideoMeasurements.frameCount(source));
        });
    }

    @Test
    void videoThatStartsAfterItsAudioStaysInSyncLikeTheSinglePass() throws IOException {
        Path source = TestVideos.lateVideoMarkers();
        var info = ENCODER.probe(source.toString(), deadline());
        assertThat(info.videoDelaySeconds()).isCloseTo(TestVideos.LATE_VIDEO_SECONDS, within(FRAME));

        assertInSyncLikeTheSinglePass(source, segmented(source));
    }

    @Test
    void audioThatStartsAfterItsVideoStaysInSyncLikeTheSinglePass() throws IOException {
        Path source = TestVideos.lateAudioMarkers();
        var info = ENCODER.probe(source.toString(), deadline());
        assertThat(info.videoDelaySeconds()).isCloseTo(-TestVideos.LATE_AUDIO_SECONDS, within(AAC_FRAME * 2));

        assertInSyncLikeTheSinglePass(source, segmented(source));
    }

    @Test
    void concatListQuotesPathsForTheConcatDemuxer() {
        assertThat(VideoEncoder.concatList(List.of(Path.of("/tmp/a/00000.mp4"), Path.of("/tmp/it's/00001.mp4"))))
                .isEqualTo("ffconcat version 1.0\nfile '/tmp/a/00000.mp4'\nfile '/tmp/it'\\''s/00001.mp4'\n");
    }

    /** Split (5 s), every segment transcoded, the audio encoded once, each rendition stitched. */
    private List<EncodedFile> segmented(Path source) throws IOException {
        var info = ENCODER.probe(source.toString(), deadline());
        var video = info.video().orElseThrow();
        var plan = LADDER.plan(video);
        var segments = ENCODER.split(source.toString(), Duration.ofSeconds(5), dir("segments"), deadline());
        var encodedSegments = new ArrayList<List<EncodedFile>>();
        for (Path segment : segments) {
            Path out = dir("encoded-" + segment.getFileName());
            encodedSegments.add(ENCODER.transcodeSegment(segment, video.rotation(), plan, out, deadline()));
        }
        Optional<Path> audio = info.hasAudio()
                ? Optional.of(ENCODER.encodeAudio(source.toString(), info, LADDER.audioKbps(), temp.resolve("audio.m4a"), deadline()))
                : Optional.empty();
        var stitched = new ArrayList<EncodedFile>();
        Path out = dir("stitched");
        for (int i = 0; i < plan.size(); i++) {
            int rendition = i;
            var parts = encodedSegments.stream().map(files -> files.get(rendition).file()).toList();
            stitched.add(ENCODER.concat(parts, audio, info, plan.get(i), out.resolve(plan.get(i).fileName()), deadline()));
        }
        return stitched;
    }

    /** Every flash with its beep, at the time the single pass shows it, every frame kept. */
    private void assertInSyncLikeTheSinglePass(Path source, List<EncodedFile> stitched) throws IOException {
        var info = ENCODER.probe(source.toString(), deadline());
        var singlePass = ENCODER.transcode(source.toString(), info, LADDER.plan(info.video().orElseThrow()),
                dir("single-pass"), deadline());
        double tolerance = FRAME + AAC_FRAME;
        for (int i = 0; i < singlePass.size(); i++) {
            Path file = stitched.get(i).file();
            var flashes = VideoMeasurements.flashTimes(file);
            var beeps = VideoMeasurements.beepTimes(file);
            var singlePassFlashes = VideoMeasurements.flashTimes(singlePass.get(i).file());
            var singlePassBeeps = VideoMeasurements.beepTimes(singlePass.get(i).file());
            assertThat(flashes).as("flashes").hasSameSizeAs(TestVideos.MARKER_TIMES);
            assertThat(beeps).as("beeps").hasSameSizeAs(TestVideos.MARKER_TIMES);
            for (int marker = 0; marker < TestVideos.MARKER_TIMES.size(); marker++) {
                assertThat(beeps.get(marker)).as("beep %d against its flash", marker).isCloseTo(flashes.get(marker), within(tolerance));
                assertThat(flashes.get(marker)).as("flash %d against the single pass's", marker)
                        .isCloseTo(singlePassFlashes.get(marker), within(FRAME));
                assertThat(beeps.get(marker)).as("beep %d against the single pass's", marker)
                        .isCloseTo(singlePassBeeps.get(marker), within(AAC_FRAME));
            }
            assertThat(VideoMeasurements.frameCount(file)).isEqualTo(VideoMeasurements.frameCount(source));
        }
    }

    private static void assertLikeTheSource(EncodedFile rendition, Path source) {
        Path file = rendition.file();
        assertThat(VideoMeasurements.frameCount(file)).isEqualTo(VideoMeasurements.frameCount(source));
        assertThat(VideoMeasurements.videoDuration(file)).isCloseTo(VideoMeasurements.videoDuration(source), within(FRAME));
        assertThat(VideoMeasurements.audioDuration(file)).isCloseTo(VideoMeasurements.videoDuration(file), within(2 * AAC_FRAME));
        var boxes = VideoMeasurements.topLevelBoxes(file);
        assertThat(boxes.indexOf("moov")).as("moov before mdat in %s", boxes).isLessThan(boxes.indexOf("mdat"));

        var flashes = VideoMeasurements.flashTimes(file);
        var beeps = VideoMeasurements.beepTimes(file);
        double tolerance = FRAME + AAC_FRAME;
        assertThat(flashes).as("flashes").hasSameSizeAs(TestVideos.MARKER_TIMES);
        assertThat(beeps).as("beeps").hasSameSizeAs(TestVideos.MARKER_TIMES);
        var sourceFlashes = VideoMeasurements.flashTimes(source);
        for (int i = 0; i < TestVideos.MARKER_TIMES.size(); i++) {
            assertThat(flashes.get(i)).as("flash %d", i).isCloseTo(TestVideos.MARKER_TIMES.get(i), within(tolerance))
                    .isCloseTo(sourceFlashes.get(i), within(FRAME / 2));
            assertThat(beeps.get(i)).as("beep %d against its flash", i).isCloseTo(flashes.get(i), within(tolerance));
        }
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(temp.resolve(name));
    }
}
