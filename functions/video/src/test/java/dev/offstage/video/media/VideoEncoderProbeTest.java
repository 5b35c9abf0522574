package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.offstage.testing.LogCapture;
import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

class VideoEncoderProbeTest {

    private static final VideoEncoder ENCODER = new VideoEncoder(new MediaTools("ffmpeg", "ffprobe", "veryfast"));
    private static FileServer server;

    @BeforeAll
    static void serveTestVideos() {
        server = new FileServer(TestVideos.directory());
    }

    @AfterAll
    static void stopServing() {
        server.close();
    }

    private static Instant deadline() {
        return Instant.now().plus(Duration.ofMinutes(2));
    }

    private static MediaInfo probe(Path file) {
        return ENCODER.probe(file.toString(), deadline());
    }

    @Test
    void landscapeVideoWithAudio() throws IOException {
        var info = probe(TestVideos.landscape());

        assertThat(info.container()).contains("mp4");
        assertThat(info.durationSeconds()).isCloseTo(4.0, within(0.05));
        assertThat(info.sizeBytes()).isEqualTo(Files.size(TestVideos.landscape()));
        assertThat(info.bitrate()).isPositive();
        assertThat(info.streamCount()).isEqualTo(2);
        assertThat(info.video()).contains(new MediaInfo.Video("h264", 640, 360, 0, 25.0, "yuv420p"));
        assertThat(info.audio()).hasValueSatisfying(audio -> {
            assertThat(audio.codec()).isEqualTo("aac");
            assertThat(audio.channels()).isEqualTo(2);
            assertThat(audio.sampleRate()).isEqualTo(48000);
            assertThat(audio.bitrate()).isPositive();
        });
    }

    @Test
    void phonePortraitVideoIsCodedLandscapeTurnedAQuarterClockwise() {
        var video = probe(TestVideos.portrait()).video().orElseThrow();

        assertThat(video.width()).isEqualTo(640);
        assertThat(video.height()).isEqualTo(360);
        assertThat(video.rotation()).isEqualTo(90);
        assertThat(video.displayWidth()).isEqualTo(360);
        assertThat(video.displayHeight()).isEqualTo(640);
        // The rotation is what ffmpeg's own autorotation does: the coded top-left shows at the top right.
        assertThat(VideoMeasurements.redCorners(TestVideos.portrait())).containsExactly("top-right");
    }

    @Test
    void videoWithoutAudio() {
        var info = probe(TestVideos.silent());

        assertThat(info.hasAudio()).isFalse();
        assertThat(info.streamCount()).isEqualTo(1);
        assertThat(info.video()).hasValueSatisfying(video -> assertThat(video.width()).isEqualTo(320));
    }

    @Test
    void veryShortVideo() {
        var info = probe(TestVideos.veryShort());

        assertThat(info.durationSeconds()).isBetween(0.19, 0.25);
        assertThat(info.video().orElseThrow().frameRate()).isEqualTo(25.0);
    }

    @Test
    void longVideo() {
        var info = probe(TestVideos.markers());

        assertThat(info.durationSeconds()).isCloseTo(TestVideos.MARKERS_SECONDS, within(0.05));
        assertThat(info.video().orElseThrow().frameRate()).isEqualTo(25.0);
        assertThat(info.audio().orElseThrow().channels()).isEqualTo(1);
    }

    @Test
    void audioWithoutVideoIsNotAVideo() {
        assertThatThrownBy(() -> probe(TestVideos.audioOnly()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("not a video: ffprobe found no video stream (only audio)"));
    }

    @Test
    void truncatedUploadIsNotAVideo() {
        assertThatThrownBy(() -> probe(TestVideos.truncated()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("not a video: ffprobe could not read it (moov atom not found: an incomplete upload, or not an MP4)"));
    }

    @Test
    void textFileIsNotAVideo(@TempDir Path temp) throws IOException {
        // Named .mp4, ffprobe tries MP4 and finds no index; named otherwise, it finds nothing it knows.
        assertThatThrownBy(() -> probe(TestVideos.text()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .startsWith("not a video: ffprobe could not read it (moov atom not found"));
        Path upload = Files.copy(TestVideos.text(), temp.resolve("upload"));
        assertThatThrownBy(() -> probe(upload))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("not a video: ffprobe could not read it (Invalid data found when processing input)"));
    }

    @Test
    void stillImageIsNotAVideo() {
        assertThatThrownBy(() -> probe(TestVideos.image()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("not a video: it is a still image (png)"));
    }

    @Test
    void emptyFileIsNotAVideo() {
        assertThatThrownBy(() -> probe(TestVideos.empty()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("not a video: the file is empty (0 bytes)"));
    }

    @Test
    void whatFfprobeSaysIsLoggedAsWarnings() {
        LogCapture.start();

        assertThatThrownBy(() -> probe(TestVideos.truncated())).isInstanceOf(UnsupportedMediaException.class);

        assertThat(LogCapture.lines()).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo(Level.WARN);
            assertThat(line.fields()).containsEntry("tool", "ffprobe").containsEntry("step", "probe");
            assertThat(line.fields().get("stderr")).contains("moov atom not found");
        });
    }

    @Test
    void probesOverHttp() {
        var overHttp = ENCODER.probe(server.url(TestVideos.landscape()), deadline());

        assertThat(overHttp.video()).isEqualTo(probe(TestVideos.landscape()).video());
        assertThat(overHttp.audio()).isEqualTo(probe(TestVideos.landscape()).audio());
        assertThat(overHttp.durationSeconds()).isCloseTo(4.0, within(0.05));
    }

    @Test
    void rotationSurvivesHttp() {
        assertThat(ENCODER.probe(server.url(TestVideos.portrait()), deadline()).video().orElseThrow().rotation()).isEqualTo(90);
    }

    @Test
    void emptyBodyOverHttpIsNotAVideo() {
        assertThatThrownBy(() -> ENCODER.probe(server.url(TestVideos.empty()), deadline()))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageStartingWith("not a video");
    }

    @Test
    void unreachableServerMayWorkOnARetry() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> ENCODER.probe("http://127.0.0.1:" + closedPort + "/video.mp4?X-Amz-Signature=abc", deadline()))
                .isExactlyInstanceOf(MediaToolException.class)
                .hasMessageContaining("could not read its input").hasMessageContaining("Connection refused")
                .hasMessageNotContaining("X-Amz-Signature");
    }

    @Test
    void serverErrorsMayWorkOnARetry() {
        for (int status : new int[] {500, 503, 403, 404}) {
            assertThatThrownBy(() -> ENCODER.probe(server.statusUrl(status), deadline())).as("HTTP %d", status)
                    .isExactlyInstanceOf(MediaToolException.class).hasMessageContaining(String.valueOf(status));
        }
    }
}
