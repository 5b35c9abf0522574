package dev.offstage.video.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.shared.json.Json;
import dev.offstage.video.media.Rendition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SegmentMessageTest {

    private static final List<Rendition> RENDITIONS = List.of(new Rendition("720p", 1280, 720, 2800, 128));

    @Test
    void aMessageSurvivesTheQueue() {
        var message = new SegmentMessage("clip-3f2a9c1b04de", 2, 3, "work/clip-3f2a9c1b04de/source/00002.mkv", 90, RENDITIONS, "clip-3f2a9c1b04de");

        assertThat(SegmentMessage.parse(Json.write(message))).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "not json", "[]", "null", "{}",
            "{\"videoId\":\"Clip!\",\"index\":0,\"count\":1,\"sourceKey\":\"work/Clip!/source/00000.mkv\",\"rotation\":0,\"renditions\":[{\"name\":\"720p\",\"width\":1280,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":3,\"count\":3,\"sourceKey\":\"work/clip-1/source/00003.mkv\",\"rotation\":0,\"renditions\":[{\"name\":\"720p\",\"width\":1280,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":0,\"count\":1,\"sourceKey\":\"work/other/source/00000.mkv\",\"rotation\":0,\"renditions\":[{\"name\":\"720p\",\"width\":1280,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":0,\"count\":1,\"sourceKey\":\"work/clip-1/source/00000.mkv\",\"rotation\":45,\"renditions\":[{\"name\":\"720p\",\"width\":1280,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":0,\"count\":1,\"sourceKey\":\"work/clip-1/source/00000.mkv\",\"rotation\":0,\"renditions\":[]}",
            "{\"videoId\":\"clip-1\",\"index\":0,\"count\":1,\"sourceKey\":\"work/clip-1/source/00000.mkv\",\"rotation\":0,\"renditions\":[{\"name\":\"../x\",\"width\":1280,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":0,\"count\":1,\"sourceKey\":\"work/clip-1/source/00000.mkv\",\"rotation\":0,\"renditions\":[{\"name\":\"odd\",\"width\":1281,\"height\":720,\"videoKbps\":2800,\"audioKbps\":128}]}",
            "{\"videoId\":\"clip-1\",\"index\":\"zero\",\"count\":1}"})
    void aMalformedMessageIsRejectedWithAReason(String body) {
        assertThatThrownBy(() -> SegmentMessage.parse(body))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }

    @Test
    void anAssemblyMessageSurvivesTheQueue() {
        var message = new AssemblyMessage("clip-3f2a9c1b04de", RENDITIONS, "clip-3f2a9c1b04de");

        assertThat(AssemblyMessage.parse(Json.write(message))).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"videoId\":\"../etc\",\"renditions\":[]}", "{\"videoId\":\"clip-1\"}", "{\"videoId\":\"clip-1\",\"renditions\":[null]}"})
    void aMalformedAssemblyMessageIsRejected(String body) {
        assertThatThrownBy(() -> AssemblyMessage.parse(body)).isInstanceOf(IllegalArgumentException.class);
    }
}
