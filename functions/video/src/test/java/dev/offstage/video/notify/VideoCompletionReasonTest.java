package dev.offstage.video.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VideoCompletionReasonTest {

    @Test
    void aReasonNeverCarriesAPresignedUrl() {
        var reason = VideoCompletion.readable("could not be processed in 3 attempts: ffprobe could not read "
                + "https://uploads.s3.amazonaws.com/clip.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abcdef0123: "
                + "Server returned 5XX Server Error reply");

        assertThat(reason).doesNotContain("X-Amz-Signature").doesNotContain("https://")
                .isEqualTo("could not be processed in 3 attempts: ffprobe could not read Server returned 5XX Server Error reply");
        assertThat(VideoCompletion.readable("not a video: ffprobe could not read it (http://127.0.0.1:9/b/k.mp4?X-Amz-Signature=1 Invalid data)"))
                .isEqualTo("not a video: ffprobe could not read it (<url> Invalid data)");
    }

    @Test
    void aReasonIsOneShortLine() {
        assertThat(VideoCompletion.readable("first\nsecond\t third")).isEqualTo("first second third");
        assertThat(VideoCompletion.readable("x".repeat(2000))).hasSize(501);
        assertThat(VideoCompletion.readable(" ")).isEqualTo("unknown error");
    }
}
