package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ToolFailureTest {

    private static final MediaTools TOOLS = new MediaTools("ffmpeg", "ffprobe", "veryfast");
    private static final MediaCommand FFMPEG = MediaCommand.ffmpeg(TOOLS, "transcode", List.of(), 0);
    private static final MediaCommand FFPROBE = MediaCommand.ffprobe(TOOLS, "probe", List.of());

    private static RuntimeException failure(MediaCommand command, String... stderr) {
        return ToolFailure.of(command, new MediaCommand.Exit(1, "", List.of(stderr)));
    }

    @Test
    void fullTemporaryStorageIsPermanentAndSaysWhatToRaise() {
        var failure = failure(FFMPEG, "[mp4 @ 0x5581] Error writing trailer of /tmp/v/720p.mp4: No space left on device");

        assertThat(failure).isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("/tmp").hasMessageContaining("EphemeralStorage");
    }

    @Test
    void networkAndServerErrorsAreRetryable() {
        for (String line : List.of(
                "[tcp @ 0x55] Connection to tcp://10.0.0.1:443 failed: Connection timed out",
                "https://bucket.s3.amazonaws.com/u/v.mp4?X-Amz-Signature=abc: Server returned 5XX Server Error reply",
                "[https @ 0x55] Will reconnect at 1048576 in 0 second(s), error=Connection reset by peer.",
                "[tls @ 0x55] Error in the pull function.",
                "[tcp @ 0x55] Failed to resolve hostname bucket.s3.amazonaws.com: Temporary failure in name resolution")) {
            assertThat(failure(FFMPEG, line)).as(line).isExactlyInstanceOf(MediaToolException.class)
                    .hasMessageStartingWith("ffmpeg (transcode) could not read its input: ");
        }
    }

    @Test
    void networkTroubleWinsOverTheInvalidDataItCauses() {
        var failure = failure(FFMPEG, "[https @ 0x55] Will reconnect at 5000 in 2 second(s), error=Connection reset by peer.",
                "[mov,mp4 @ 0x56] stream 0, offset 0x1f4: partial file",
                "https://bucket/v.mp4: Invalid data found when processing input");

        assertThat(failure).isExactlyInstanceOf(MediaToolException.class);
    }

    @Test
    void unreadableBytesArePermanentWithASentenceForPeople() {
        assertThat(failure(FFPROBE, "/tmp/x.mp4: Invalid data found when processing input"))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("not a video: ffprobe could not read it (Invalid data found when processing input)");
        assertThat(failure(FFMPEG, "[h264 @ 0x55] Invalid NAL unit size (1234 > 567).",
                "Error while decoding stream #0:0: Invalid data found when processing input"))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("not a video: ffmpeg could not decode it (Invalid data found when processing input)");
    }

    @Test
    void inputsTheWhitelistsTurnDownArePermanentWithTheFormatNamed() {
        assertThat(failure(FFPROBE, "[hls @ 0x55d1c0] Format not on whitelist 'mov,mp4,matroska'",
                "https://b/evil.mp4?X-Amz-Signature=secret: Invalid argument"))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageStartingWith("not a video file: ffprobe recognised it as an HLS playlist (hls), which the pipeline does not read");
        assertThat(failure(FFMPEG, "[wtv @ 0x55d1c0] Format not on whitelist 'mov'", "/tmp/x: Invalid argument"))
                .isInstanceOf(UnsupportedMediaException.class).hasMessageContaining("recognised it as wtv,");
        assertThat(failure(FFMPEG, "[http @ 0x55] Protocol 'http' not on whitelist 'https,tls,tcp'!",
                "[tls @ 0x55] Error in the pull function."))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessage("not a video file: it refers to another resource (over http), which the pipeline does not read");
    }

    @Test
    void anythingElseIsRetryableWithTheLastLinesAndNoSignature() {
        var failure = failure(FFMPEG, "Something new went wrong with https://b/v.mp4?X-Amz-Signature=secret&X-Amz-Credential=AKIA");

        assertThat(failure).isExactlyInstanceOf(MediaToolException.class)
                .hasMessageContaining("exited with status 1").hasMessageContaining("Something new went wrong with https://b/v.mp4?...")
                .hasMessageNotContaining("secret").hasMessageNotContaining("AKIA");
    }
}
