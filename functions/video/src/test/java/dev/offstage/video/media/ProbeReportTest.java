package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reports ffprobe prints for inputs the test videos do not cover. */
class ProbeReportTest {

    private static String report(String format, String... streams) {
        return "{\"streams\":[" + String.join(",", streams) + "],\"format\":" + format + "}";
    }

    private static final String MP4 = "{\"format_name\":\"mov,mp4,m4a,3gp,3g2,mj2\",\"duration\":\"12.5\",\"size\":\"1000\",\"bit_rate\":\"640\"}";
    private static final String H264 = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":1920,\"height\":1080,"
            + "\"avg_frame_rate\":\"30000/1001\",\"pix_fmt\":\"yuv420p\"}";

    @Test
    void readsAFrameRateGivenAsARatio() {
        var video = ProbeReport.parse(report(MP4, H264)).video().orElseThrow();

        assertThat(video.frameRate()).isEqualTo(30000 / 1001.0);
    }

    @Test
    void fallsBackToTheBaseFrameRateWhenTheAverageIsUnknown() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"vp9\",\"width\":640,\"height\":360,"
                + "\"avg_frame_rate\":\"0/0\",\"r_frame_rate\":\"24/1\"}";

        assertThat(ProbeReport.parse(report(MP4, stream)).video().orElseThrow().frameRate()).isEqualTo(24.0);
    }

    @Test
    void readsTheSampleAspectRatioAndShowsThePictureStretched() {
        var hdv = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":1440,\"height\":1080,\"sample_aspect_ratio\":\"4:3\"}";
        var dv = "{\"codec_type\":\"video\",\"codec_name\":\"dvvideo\",\"width\":720,\"height\":480,\"sample_aspect_ratio\":\"8:9\"}";

        var video = ProbeReport.parse(report(MP4, hdv)).video().orElseThrow();
        assertThat(video.sampleAspectRatio()).isEqualTo(4.0 / 3);
        assertThat(video.displayWidth()).isEqualTo(1920);
        assertThat(video.displayHeight()).isEqualTo(1080);
        assertThat(ProbeReport.parse(report(MP4, dv)).video().orElseThrow().displayWidth()).isEqualTo(640);
    }

    @Test
    void unknownOrMissingSampleAspectRatioIsSquare() {
        for (String sar : new String[] {"\"0:1\"", "\"N/A\"", "\"1:0\"", "\"garbage\""}) {
            var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":640,\"height\":360,\"sample_aspect_ratio\":" + sar + "}";
            assertThat(ProbeReport.parse(report(MP4, stream)).video().orElseThrow().sampleAspectRatio()).as(sar).isEqualTo(1.0);
        }
        assertThat(ProbeReport.parse(report(MP4, H264)).video().orElseThrow().displayWidth()).isEqualTo(1920);
    }

    @Test
    void readsEachStreamsStartTime() {
        var video = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":640,\"height\":360,\"start_time\":\"1.941333\"}";
        var audio = "{\"codec_type\":\"audio\",\"codec_name\":\"aac\",\"channels\":2,\"sample_rate\":\"48000\",\"start_time\":\"1.400000\"}";

        var info = ProbeReport.parse(report(MP4, video, audio));

        assertThat(info.video().orElseThrow().startSeconds()).isEqualTo(1.941333);
        assertThat(info.audio().orElseThrow().startSeconds()).isEqualTo(1.4);
        assertThat(info.videoDelaySeconds()).isCloseTo(0.541333, within(1e-9));
        assertThat(ProbeReport.parse(report(MP4, H264)).video().orElseThrow().startSeconds()).isZero();
    }

    @Test
    void anUnknownStartTimeIsTheContainers() {
        var ts = "{\"format_name\":\"mpegts\",\"duration\":\"24\",\"start_time\":\"1.400000\"}";
        var video = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":640,\"height\":360,\"start_time\":\"1.941333\"}";
        var audio = "{\"codec_type\":\"audio\",\"codec_name\":\"aac\",\"channels\":2,\"sample_rate\":\"48000\",\"start_time\":\"N/A\"}";

        assertThat(ProbeReport.parse(report(ts, video, audio)).audio().orElseThrow().startSeconds()).isEqualTo(1.4);
    }

    private static String video(int width, int height, String sampleAspectRatio, String averageFrameRate) {
        return "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":" + width + ",\"height\":" + height
                + ",\"sample_aspect_ratio\":\"" + sampleAspectRatio + "\",\"avg_frame_rate\":\"" + averageFrameRate + "\"}";
    }

    @Test
    void picturesUpTo8kAreVideos() {
        assertThat(ProbeReport.parse(report(MP4, video(8192, 4320, "1:1", "60/1"))).video()).isPresent();
        assertThat(ProbeReport.parse(report(MP4, video(4320, 8192, "1:1", "240/1"))).video()).isPresent();
    }

    @Test
    void largerPicturesAreTurnedDownAsCodedOrAsShown() {
        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, video(16384, 16384, "1:1", "25/1"))))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("too large a picture: 16384x16384 (268.4 megapixels), over the limit of 8192 pixels a side and 35.4 megapixels (8K)");
        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, video(8194, 2, "1:1", "25/1"))))
                .hasMessageStartingWith("too large a picture: 8194x2");
        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, video(6000, 6000, "1:1", "25/1"))))
                .hasMessageStartingWith("too large a picture: 6000x6000 (36.0 megapixels)");
        // Coded 6000x4000, shown 12000x4000: the renditions would be planned from what is shown.
        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, video(6000, 4000, "2:1", "25/1"))))
                .hasMessageStartingWith("too large a picture: 12000x4000");
    }

    @Test
    void moreThan240FramesASecondOnAverageIsTurnedDown() {
        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, video(640, 360, "1:1", "1000/1"))))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("too many frames a second: 1000.0 on average, over the limit of 240");
        // Without an average, the stream's base rate (often a timebase, 1000 for WebM) is no frame rate to turn down.
        var webm = "{\"codec_type\":\"video\",\"codec_name\":\"vp8\",\"width\":640,\"height\":360,"
                + "\"avg_frame_rate\":\"0/0\",\"r_frame_rate\":\"1000/1\"}";
        assertThat(ProbeReport.parse(report(MP4, webm)).video()).isPresent();
    }

    @Test
    void legacyRotateTagCountsWhenThereIsNoDisplayMatrix() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":1920,\"height\":1080,\"tags\":{\"rotate\":\"90\"}}";

        assertThat(ProbeReport.parse(report(MP4, stream)).video().orElseThrow().rotation()).isEqualTo(90);
    }

    @Test
    void displayMatrixWinsOverTheRotateTag() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":1920,\"height\":1080,\"tags\":{\"rotate\":\"90\"},"
                + "\"side_data_list\":[{\"side_data_type\":\"Display Matrix\",\"rotation\":180}]}";

        assertThat(ProbeReport.parse(report(MP4, stream)).video().orElseThrow().rotation()).isEqualTo(180);
    }

    @Test
    void durationFromTheStreamWhenTheContainerHasNone() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":640,\"height\":360,\"duration\":\"3.5\"}";

        assertThat(ProbeReport.parse(report("{\"format_name\":\"matroska,webm\"}", stream)).durationSeconds()).isEqualTo(3.5);
    }

    @Test
    void noDurationIsNotAVideo() {
        assertThatThrownBy(() -> ProbeReport.parse(report("{\"format_name\":\"h264\",\"duration\":\"N/A\"}", H264)))
                .isInstanceOf(UnsupportedMediaException.class).hasMessage("not a video: ffprobe found no duration");
    }

    @Test
    void albumArtIsNotAVideo() {
        var cover = "{\"codec_type\":\"video\",\"codec_name\":\"mjpeg\",\"width\":500,\"height\":500,\"disposition\":{\"attached_pic\":1}}";
        var mp3 = "{\"codec_type\":\"audio\",\"codec_name\":\"mp3\",\"channels\":2,\"sample_rate\":\"44100\"}";

        assertThatThrownBy(() -> ProbeReport.parse(report("{\"format_name\":\"mp3\",\"duration\":\"200\"}", mp3, cover)))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageContaining("cover art");
    }

    @Test
    void motionJpegWithManyFramesIsAVideo() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"mjpeg\",\"width\":640,\"height\":480,\"nb_frames\":\"300\"}";

        assertThat(ProbeReport.parse(report("{\"format_name\":\"avi\",\"duration\":\"10\"}", stream)).video()).isPresent();
    }

    @Test
    void aSingleJpegFrameIsAStillImage() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"mjpeg\",\"width\":640,\"height\":480,\"nb_frames\":\"1\"}";

        assertThatThrownBy(() -> ProbeReport.parse(report("{\"format_name\":\"mov,mp4,m4a,3gp,3g2,mj2\",\"duration\":\"0.04\"}", stream)))
                .hasMessage("not a video: it is a still image (mjpeg)");
    }

    @Test
    void noPictureSizeIsNotAVideo() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":0,\"height\":0}";

        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, stream))).hasMessageContaining("no picture size");
    }

    @Test
    void durationThatIsNotAPositiveFiniteNumberIsNoDuration() {
        for (String duration : List.of("NaN", "Infinity", "1e400", "-5", "0", "N/A")) {
            assertThatThrownBy(() -> ProbeReport.parse(report("{\"format_name\":\"matroska,webm\",\"duration\":\"" + duration + "\"}",
                            H264)))
                    .as(duration).isInstanceOf(UnsupportedMediaException.class).hasMessage("not a video: ffprobe found no duration");
        }
    }

    @Test
    void durationOverAWeekIsNotBelieved() {
        assertThatThrownBy(() -> ProbeReport.parse(report("{\"format_name\":\"matroska,webm\",\"duration\":\"1e300\"}", H264)))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("not a video: its header claims 1.00e+300 s (over a week), which no upload holds");
        assertThat(ProbeReport.parse(report("{\"format_name\":\"matroska,webm\",\"duration\":\"36000\"}", H264)).durationSeconds())
                .as("ten hours: believed here, turned down by the transcoder's own limit").isEqualTo(36000);
    }

    @Test
    void pictureSizeBeyondAnIntIsTooLargeNotMissing() {
        var stream = "{\"codec_type\":\"video\",\"codec_name\":\"h264\",\"width\":4294967298,\"height\":1080}";

        assertThatThrownBy(() -> ProbeReport.parse(report(MP4, stream)))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageStartingWith("too large a picture: 4294967298x1080");
    }

    @Test
    void somethingElseThanJsonMayBeTransient() {
        assertThatThrownBy(() -> ProbeReport.parse("ffprobe version 5.1")).isExactlyInstanceOf(MediaToolException.class);
    }
}
