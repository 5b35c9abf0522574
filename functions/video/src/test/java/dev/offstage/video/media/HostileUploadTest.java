package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.offstage.video.TestVideos;
import dev.offstage.video.VideoMeasurements;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads made to hurt, or broken enough to: a playlist named like a video that would have ffmpeg
 * fetch other URLs from inside the account, pictures too large to decode, frame rates no camera
 * records, a header that claims seconds for a file that holds more. Each is turned down with a
 * reason, or read no further than it claims.
 */
class HostileUploadTest {

    private static final VideoEncoder ENCODER = new VideoEncoder(new MediaTools("ffmpeg", "ffprobe", "veryfast"));
    private static final RenditionLadder LADDER = RenditionLadder.parse("180p:180:400", 64);
    private static final MediaInfo CLAIMED = new MediaInfo("mov,mp4,m4a,3gp,3g2,mj2", 10, 1000, 800,
            Optional.of(new MediaInfo.Video("h264", 320, 180, 0, 25, "yuv420p")),
            Optional.of(new MediaInfo.Audio("aac", 2, 48000, 64000)), 2);

    @TempDir
    Path temp;

    /** Serves the uploads. */
    private FileServer uploads;
    /** Stands for an internal service: nothing may ever ask it anything. */
    private FileServer internal;

    @BeforeEach
    void startServers() {
        uploads = new FileServer(temp);
        internal = new FileServer(temp);
    }

    @AfterEach
    void stopServers() {
        uploads.close();
        internal.close();
    }

    private static Instant deadline() {
        return Instant.now().plus(Duration.ofMinutes(1));
    }

    /** An HLS playlist, named evil.mp4, whose one segment is on the internal server. */
    private Path playlist() throws IOException {
        return Files.writeString(temp.resolve("evil.mp4"), """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-TARGETDURATION:10
                #EXTINF:10.0,
                %s
                #EXT-X-ENDLIST
                """.formatted(internal.otherUrl("internal.ts")));
    }

    @Test
    void playlistNamedLikeAVideoIsNotProbedAndFetchesNothing() throws IOException {
        String upload = uploads.url(playlist());

        var thrown = catchThrowable(() -> ENCODER.probe(upload, deadline()));

        assertThat(internal.requests()).as("requests to the internal server").isEmpty();
        assertThat(uploads.requests()).isNotEmpty();
        assertThat(thrown).isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                .startsWith("not a video file: ffprobe recognised it as an HLS playlist (hls)")
                .doesNotContain("X-Amz-Signature"));
    }

    @Test
    void everyStepThatReadsTheUploadTurnsThePlaylistDown() throws IOException {
        String upload = uploads.url(playlist());
        Path out = Files.createDirectories(temp.resolve("out"));
        var renditions = LADDER.plan(CLAIMED.video().orElseThrow());

        for (ThrowingCallable step : List.<ThrowingCallable>of(
                () -> ENCODER.poster(upload, CLAIMED, renditions.getFirst(), out.resolve("poster.jpg"), deadline()),
                () -> ENCODER.transcode(upload, CLAIMED, renditions, out, deadline()),
                () -> ENCODER.split(upload, CLAIMED, Duration.ofSeconds(5), out, deadline()),
                () -> ENCODER.encodeAudio(upload, CLAIMED, 64, out.resolve("audio.m4a"), deadline()))) {
            assertThatThrownBy(step).isInstanceOfSatisfying(UnsupportedMediaException.class,
                    e -> assertThat(e.reason()).startsWith("not a video file: ffmpeg recognised it as an HLS playlist (hls)"));
        }
        assertThat(internal.requests()).isEmpty();
    }

    @Test
    void localPlaylistFetchesNothingEither() throws IOException {
        assertThatThrownBy(() -> ENCODER.probe(playlist().toString(), deadline()))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageContaining("HLS playlist");
        assertThat(internal.requests()).isEmpty();
    }

    @Test
    void concatListNamedLikeAVideoIsTurnedDown() throws IOException {
        Path list = Files.writeString(temp.resolve("list.mp4"),
                "ffconcat version 1.0\nfile '" + TestVideos.landscape().toAbsolutePath() + "'\n");

        assertThatThrownBy(() -> ENCODER.probe(uploads.url(list), deadline()))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageContaining("a concat list (concat)");
    }

    @Test
    void aPictureOverHttpIsStillRecognisedAsOne() {
        try (var pictures = new FileServer(TestVideos.directory())) {
            assertThatThrownBy(() -> ENCODER.probe(pictures.url(TestVideos.image()), deadline()))
                    .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                            .isEqualTo("not a video: it is a still image (png)"));
        }
    }

    @Test
    void pictureTooLargeToDecodeIsTurnedDownAtTheProbe() {
        assertThatThrownBy(() -> ENCODER.probe(TestVideos.hugePicture().toString(), deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason()).isEqualTo(
                        "too large a picture: 6000x6000 (36.0 megapixels), over the limit of 8192 pixels a side and 35.4 megapixels (8K)"));
        assertThatThrownBy(() -> ENCODER.probe(TestVideos.widePicture().toString(), deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .startsWith("too large a picture: 8200x64 (0.5 megapixels)"));
    }

    @Test
    void tooManyFramesASecondIsTurnedDownAtTheProbe() {
        assertThatThrownBy(() -> ENCODER.probe(TestVideos.tooManyFrames().toString(), deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .isEqualTo("too many frames a second: 300.0 on average, over the limit of 240"));
    }

    @Test
    void fileHoldingMoreThanItsHeaderClaimsIsReadOnlyAsFarAsTheClaim() throws IOException {
        Path source = TestVideos.lyingDuration();
        var info = ENCODER.probe(source.toString(), deadline());
        assertThat(info.durationSeconds()).isEqualTo(TestVideos.LYING_DURATION_CLAIMED_SECONDS);
        // The claim and the slack (2 s at least): far from the 20 s the file holds.
        double atMost = TestVideos.LYING_DURATION_CLAIMED_SECONDS + 2 + 0.1;

        var renditions = ENCODER.transcode(source.toString(), info, LADDER.plan(info.video().orElseThrow()),
                Files.createDirectories(temp.resolve("single-pass")), deadline());
        var segments = ENCODER.split(source.toString(), info, Duration.ofSeconds(1), Files.createDirectories(temp.resolve("segments")),
                deadline());
        Path audio = ENCODER.encodeAudio(source.toString(), info, 64, temp.resolve("audio.m4a"), deadline());

        assertThat(renditions).allSatisfy(rendition -> {
            assertThat(VideoMeasurements.videoDuration(rendition.file())).isBetween(1.9, atMost);
            assertThat(VideoMeasurements.audioDuration(rendition.file())).isBetween(1.9, atMost);
        });
        assertThat(segments.stream().mapToLong(VideoMeasurements::frameCount).sum()).isBetween(19L, (long) (atMost * 10));
        assertThat(VideoMeasurements.audioDuration(audio)).isBetween(1.9, atMost);
    }

    @Test
    void randomBytesNamedLikeAVideoAreNotAVideo() {
        assertThatThrownBy(() -> ENCODER.probe(TestVideos.randomBytes().toString(), deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .startsWith("not a video: ffprobe could not read it"));
    }

    @Test
    void framesThatAreAllGarbageProbeWellButDoNotDecode() throws IOException {
        Path source = TestVideos.garbageFrames();
        var info = ENCODER.probe(source.toString(), deadline());
        assertThat(info.video()).isPresent();
        Path out = Files.createDirectories(temp.resolve("out"));

        assertThatThrownBy(() -> ENCODER.poster(source.toString(), info, LADDER.plan(info.video().orElseThrow()).getFirst(),
                        out.resolve("poster.jpg"), deadline()))
                .isInstanceOfSatisfying(UnsupportedMediaException.class, e -> assertThat(e.reason())
                        .startsWith("not a video: ffmpeg could not decode it"));
    }

    @Test
    void headerClaimingTenHoursIsBelievedByTheProbeForTheTranscoderToTurnDown() {
        // The transcoder's VideoMaxDurationSeconds (2 h by default) turns it down before any work: see VideoPipelineTest.
        var info = ENCODER.probe(TestVideos.claimsTenHours().toString(), deadline());

        assertThat(info.durationSeconds()).isEqualTo(TestVideos.TEN_HOURS_CLAIMED_SECONDS);
    }

    @Test
    void inputsStayOnTheProtocolTheirOwnReadNeeds() {
        assertThat(InputOptions.protocols("https://bucket.s3.amazonaws.com/u.mp4?X-Amz-Signature=1")).isEqualTo("https,tls,tcp");
        assertThat(InputOptions.protocols("HTTP://127.0.0.1:4566/u.mp4")).isEqualTo("http,tcp");
        assertThat(InputOptions.protocols("/tmp/work/00000.mkv")).isEqualTo("file");
        assertThat(InputOptions.protocols("concat:/etc/passwd|/tmp/a.mp4")).isEqualTo("file");
        assertThat(InputOptions.video("/tmp/a.mp4")).containsSubsequence("-protocol_whitelist", "file")
                .containsSubsequence("-format_whitelist", String.join(",", InputOptions.VIDEO_CONTAINERS));
        assertThat(String.join(",", InputOptions.VIDEO_CONTAINERS)).doesNotContain("hls", "dash", "concat", "image2", "data");
        // image2 would read a URL with %d in it as a sequence of other URLs; local pictures need it to be recognised.
        assertThat(InputOptions.probe("https://b/u/photo%03d.jpg?X-Amz-Signature=1")).noneMatch(option -> option.contains("image2"));
        assertThat(InputOptions.probe("/tmp/photo.jpg")).anyMatch(option -> option.contains("image2"));
    }
}
