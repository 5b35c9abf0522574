package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaToolsTest {

    @Test
    void defaultsToTheToolsOnPathAndVeryfast() {
        assertThat(MediaTools.from(Environment.of(Map.of()))).isEqualTo(new MediaTools("ffmpeg", "ffprobe", "veryfast"));
    }

    @Test
    void readsTheVariables() {
        var tools = MediaTools.from(Environment.of(Map.of(
                "VIDEO_FFMPEG", "/opt/bin/ffmpeg", "VIDEO_FFPROBE", "/opt/bin/ffprobe", "VIDEO_X264_PRESET", "medium")));

        assertThat(tools).isEqualTo(new MediaTools("/opt/bin/ffmpeg", "/opt/bin/ffprobe", "medium"));
    }

    @Test
    void anUnknownPresetNamesTheVariableAndThePresets() {
        assertThatThrownBy(() -> MediaTools.from(Environment.of(Map.of("VIDEO_X264_PRESET", "quick"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("VIDEO_X264_PRESET").hasMessageContaining("'quick'")
                .hasMessageContaining("ultrafast").hasMessageContaining("veryslow");
    }
}
