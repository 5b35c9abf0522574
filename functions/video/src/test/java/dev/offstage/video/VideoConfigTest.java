package dev.offstage.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VideoConfigTest {

    @Test
    void defaultsMatchTheTemplatesParameters() {
        var config = VideoConfig.from(Environment.of(Map.of()));

        assertThat(config.maxUploadBytes()).isEqualTo(4L * 1024 * 1024 * 1024);
        assertThat(config.maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(config.segmentThreshold()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.segmentLength()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.asyncAttempts()).isEqualTo(3);
        assertThat(config.ladder().rungs()).hasSize(3);
        assertThat(config.segmented(120)).isFalse();
        assertThat(config.segmented(120.5)).isTrue();
    }

    @Test
    void aThresholdShorterThanASegmentIsRefusedNamingBothVariables() {
        assertThatThrownBy(() -> VideoConfig.from(Environment.of(Map.of(VideoConfig.SEGMENT_THRESHOLD_SECONDS, "20"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(VideoConfig.SEGMENT_THRESHOLD_SECONDS).hasMessageContaining(VideoConfig.SEGMENT_SECONDS);
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> VideoConfig.from(Environment.of(Map.of(VideoConfig.RENDITIONS, "720p"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(VideoConfig.RENDITIONS);
        assertThatThrownBy(() -> VideoConfig.from(Environment.of(Map.of(VideoConfig.MAX_UPLOAD_BYTES, "4GB"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(VideoConfig.MAX_UPLOAD_BYTES);
        assertThatThrownBy(() -> VideoConfig.from(Environment.of(Map.of(VideoConfig.ASYNC_ATTEMPTS, "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(VideoConfig.ASYNC_ATTEMPTS);
    }
}
