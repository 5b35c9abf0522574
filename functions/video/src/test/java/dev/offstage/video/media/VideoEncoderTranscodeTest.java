package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.groups.Tuple.tuple;

import dev.offstage.testing.LogCapture;
import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoEncoderTranscodeTest {

    private static final VideoEncoder ENCODER = new VideoEncoder(new MediaTools("ffmpeg", "ffprobe", "veryfast"));
    private static final RenditionLadder LADDER = RenditionLadder.parse("720p:720:2800,360p:360:800,240p:240:400", 64);
    private static final double FRAME = 1 / 25.0;

    @TempDir
    Path directory;

    private static Instant deadline() {
        return Instant.now().plus(Duration.ofMinutes(2));
    }

    private static MediaInfo probe(Path file) {
        return ENCODER.probe(file.toString(), deadline());
    }

    private List<EncodedFile> transcode(Path source) {
        var info = probe(source);
        return ENCODER.transcode(source.toString(), info, LADDER.plan(info.video().orElseThrow()), directory, deadline());
    }

    @Test
    void everyRenditionIsH264HighWithAacAtItsSize() {
        var files = transcode(TestVideos.landscape());

        // 720p would be an upscale of a 360p source.
        assertThat(files).extracting(EncodedFile::rendition).extracting(Rendition::name).containsExactly("360p", "240p");
        assertThat(files).allSatisfy(file -> {
            var video = file.info().video().orElseThrow();
            assertThat(file.file()).isEqualTo(directory.resolve(file.rendition().fileName()));
            assertThat(video.codec()).isEqualTo("h264");
            assertThat(video.pixelFormat()).isEqualTo("yuv420p");
            assertThat(video.width()).isEqualTo(file.rendition().width());
            assertThat(video.height()).isEqualTo(file.rendition().height());
            assertThat(video.rotation()).isZero();
            assertThat(VideoMeasurements.videoProfile(file.file())).isEqualTo("High");
            assertThat(file.info().audio()).hasValueSatisfying(audio -> assertThat(audio.codec()).isEqualTo("aac"));
        });
        assertThat(files.get(1).info().video().orElseThrow().width()).isEqualTo(426);
    }

    @Test
    void nonSquarePixelsComeOutAsShownInSquarePixels() {
        Path source = TestVideos.hdv();
        var info = probe(source);
        var video = info.video().orElseThrow();
        assertThat(video.width()).isEqualTo(1440);
        assertThat(video.sampleAspectRatio()).isEqualTo(4.0 / 3);
        var renditions = RenditionLadder.parse(RenditionLadder.DEFAULT, 64).plan(video);

        var files = ENCODER.transcode(source.toString(), info, renditions, directory, deadline());

        // Shown 1920x1080: its short side is 1080, so 1080p is no upscale.
        assertThat(files).extracting(file -> VideoMeasurements.picture(file.file()))
                .containsExactly("h264 1920x1080", "h264 1280x720", "h264 854x480");
        assertThat(files).allSatisfy(file -> assertThat(file.info().video().orElseThrow().sampleAspectRatio()).isEqualTo(1.0));
        Path poster = ENCODER.poster(source.toString(), info, renditions.getFirst(), directory.resolve("poster.jpg"), deadline());
        assertThat(VideoMeasurements.picture(poster)).isEqualTo("mjpeg 1920x1080");
    }

    @Test
    void renditionsKeepEveryFrameAndTheDuration() {
        var source = TestVideos.landscape();

        var files = transcode(source);

        assertThat(files).allSatisfy(file -> {
            assertThat(VideoMeasurements.frameCount(file.file())).isEqualTo(VideoMeasurements.frameCount(source));
            assertThat(VideoMeasurements.videoDuration(file.file())).isCloseTo(VideoMeasurements.videoDuration(source), within(FRAME));
            assertThat(file.info().durationSeconds()).isCloseTo(probe(source).durationSeconds(), within(FRAME));
        });
    }

    @Test
    void indexComesFirstForStreaming() {
        var files = transcode(TestVideos.landscape());

        assertThat(files).allSatisfy(file -> {
            var boxes = VideoMeasurements.topLevelBoxes(file.file());
            assertThat(boxes).contains("moov", "mdat");
            assertThat(boxes.indexOf("moov")).isLessThan(boxes.indexOf("mdat"));
        });
    }

    @Test
    void videoWithoutAudioGetsRenditionsWithoutAudio() {
        var files = transcode(TestVideos.silent());

        assertThat(files).isNotEmpty().allSatisfy(file -> {
            assertThat(file.info().hasAudio()).isFalse();
            assertThat(file.info().streamCount()).isEqualTo(1);
        });
    }

    @Test
    void portraitStaysPortraitAndCarriesNoRotation() {
        var files = transcode(TestVideos.portrait());

        assertThat(files).extracting(EncodedFile::rendition).extracting(Rendition::width, Rendition::height)
                .containsExactly(tuple(360, 640), tuple(240, 426));
        assertThat(files).allSatisfy(file -> {
            var video = file.info().video().orElseThrow();
            assertThat(video.rotation()).isZero();
            assertThat(video.width()).isEqualTo(file.rendition().width());
            assertThat(video.height()).isEqualTo(file.rendition().height());
            // Turned as ffmpeg's autorotation shows the source: the marked corner at the top right.
            assertThat(VideoMeasurements.redCorners(file.file())).containsExactly("top-right");
        });
        assertThat(directory).isDirectoryNotContaining("glob:**.turned.mp4");
    }

    @Test
    void veryShortVideoKeepsItsFiveFrames() {
        var files = transcode(TestVideos.veryShort());

        assertThat(files).singleElement().satisfies(file -> assertThat(VideoMeasurements.frameCount(file.file())).isEqualTo(5));
    }

    @Test
    void posterIsAJpegAtTheRenditionsSize() {
        var source = TestVideos.landscape();
        var small = LADDER.plan(probe(source).video().orElseThrow()).getLast();

        Path poster = ENCODER.poster(source.toString(), probe(source), small, directory.resolve("poster.jpg"), deadline());

        assertThat(poster).isRegularFile();
        assertThat(pictureOf(poster)).isEqualTo("mjpeg 426x240");
    }

    @Test
    void portraitPosterIsPortrait() {
        var source = TestVideos.portrait();
        var info = probe(source);
        var size = LADDER.plan(info.video().orElseThrow()).getFirst();

        Path poster = ENCODER.poster(source.toString(), info, size, directory.resolve("poster.jpg"), deadline());

        assertThat(pictureOf(poster)).isEqualTo("mjpeg 360x640");
        assertThat(VideoMeasurements.redCorners(poster)).containsExactly("top-right");
    }

    @Test
    void veryShortVideoHasAPoster() {
        var source = TestVideos.veryShort();
        var info = probe(source);

        Path poster = ENCODER.poster(source.toString(), info, LADDER.plan(info.video().orElseThrow()).getFirst(),
                directory.resolve("poster.jpg"), deadline());

        assertThat(pictureOf(poster)).isEqualTo("mjpeg 320x180");
    }

    @Test
    void posterFallsBackToTheFirstFrameWhenTheDurationPromisedMore() {
        var source = TestVideos.veryShort();
        var actual = probe(source);
        var exaggerated = new MediaInfo(actual.container(), 10, actual.sizeBytes(), actual.bitrate(), actual.video(),
                actual.audio(), actual.streamCount());

        Path poster = ENCODER.poster(source.toString(), exaggerated, LADDER.plan(actual.video().orElseThrow()).getFirst(),
                directory.resolve("poster.jpg"), deadline());

        assertThat(pictureOf(poster)).isEqualTo("mjpeg 320x180");
    }

    @Test
    void audioOfAVideoWithoutAudioIsRefused() {
        assertThatThrownBy(() -> ENCODER.encodeAudio(TestVideos.silent().toString(), 64, directory.resolve("audio.m4a"), deadline()))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageContaining("no audio stream");
    }

    @Test
    void progressIsLogged() {
        LogCapture.start();

        transcode(TestVideos.landscape());

        assertThat(LogCapture.lines()).anySatisfy(line -> {
            assertThat(line.message()).isEqualTo("ffmpeg transcode done");
            assertThat(line.fields()).containsEntry("step", "transcode").containsKeys("outTimeSeconds", "elapsedSeconds");
            assertThat(Double.parseDouble(line.fields().get("percent"))).isGreaterThan(90);
        });
    }

    private static String pictureOf(Path file) {
        return VideoMeasurements.picture(file);
    }
}
