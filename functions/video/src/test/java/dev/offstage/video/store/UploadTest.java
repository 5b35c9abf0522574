package dev.offstage.video.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class UploadTest {

    private static Upload upload(String key, Optional<String> version, String sequencer) {
        return new Upload("uploads", key, version, sequencer, 1000, "etag");
    }

    @Test
    void duplicateEventsMakeTheSameVideo() {
        var first = upload("uploads/Holiday Clip.mp4", Optional.empty(), "0065A1B2C3");
        var again = upload("uploads/Holiday Clip.mp4", Optional.empty(), "0065A1B2C3");

        assertThat(again.eventKey()).isEqualTo(first.eventKey());
        assertThat(again.videoId()).isEqualTo(first.videoId());
    }

    @Test
    void aNewWriteOfTheSameKeyIsANewVideo() {
        var first = upload("clip.mp4", Optional.empty(), "0065A1B2C3");
        var second = upload("clip.mp4", Optional.empty(), "0065A1B2D4");

        assertThat(second.videoId()).isNotEqualTo(first.videoId());
    }

    @Test
    void theVersionWinsOverTheSequencer() {
        var versioned = upload("clip.mp4", Optional.of("3HL4kqtJlcpXroDTDmJ"), "0065A1B2C3");
        var otherSequencer = upload("clip.mp4", Optional.of("3HL4kqtJlcpXroDTDmJ"), "0065A1B2FF");

        assertThat(otherSequencer.videoId()).isEqualTo(versioned.videoId());
        assertThat(versioned.eventKey()).endsWith("@v:3HL4kqtJlcpXroDTDmJ");
    }

    @Test
    void videoIdIsAReadableSlugOfTheFileNameAndAHash() {
        assertThat(upload("uploads/2026/Holiday Clip (final).MP4", Optional.empty(), "01").videoId())
                .matches("holiday-clip-final-[0-9a-f]{12}");
        assertThat(upload("uploads/ÄÖÜ.mov", Optional.empty(), "01").videoId()).matches("video-[0-9a-f]{12}");
        assertThat(upload("x".repeat(300) + ".mp4", Optional.empty(), "01").videoId()).matches("x{40}-[0-9a-f]{12}");
        assertThat(upload(".hidden", Optional.empty(), "01").videoId()).matches("hidden-[0-9a-f]{12}");
    }

    @Test
    void keysInDifferentBucketsAreDifferentVideos() {
        var a = new Upload("a", "clip.mp4", Optional.empty(), "01", 1, "e");
        var b = new Upload("b", "clip.mp4", Optional.empty(), "01", 1, "e");

        assertThat(a.videoId()).isNotEqualTo(b.videoId());
    }
}
