package dev.offstage.video.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.offstage.video.media.RenditionLadder.Rung;
import org.junit.jupiter.api.Test;

class RenditionLadderTest {

    private static final RenditionLadder DEFAULT = RenditionLadder.parse(RenditionLadder.DEFAULT, 128);

    private static MediaInfo.Video video(int width, int height, int rotation) {
        return new MediaInfo.Video("h264", width, height, rotation, 30, "yuv420p");
    }

    @Test
    void parsesNameShortSideAndBitRate() {
        var ladder = RenditionLadder.parse(" 720p:720:2800 , 480p : 480 : 1400 ", 96);

        assertThat(ladder.rungs()).containsExactly(new Rung("720p", 720, 2800), new Rung("480p", 480, 1400));
        assertThat(ladder.audioKbps()).isEqualTo(96);
    }

    @Test
    void fullHdLandscapeGetsEveryRungLargestFirst() {
        assertThat(DEFAULT.plan(video(1920, 1080, 0))).containsExactly(
                new Rendition("1080p", 1920, 1080, 5000, 128),
                new Rendition("720p", 1280, 720, 2800, 128),
                new Rendition("480p", 854, 480, 1400, 128));
    }

    @Test
    void rotatedPhoneVideoStaysPortrait() {
        // Coded 1920x1080, turned a quarter: shown 1080 wide and 1920 high.
        assertThat(DEFAULT.plan(video(1920, 1080, 90))).containsExactly(
                new Rendition("1080p", 1080, 1920, 5000, 128),
                new Rendition("720p", 720, 1280, 2800, 128),
                new Rendition("480p", 480, 854, 1400, 128));
        assertThat(DEFAULT.plan(video(1080, 1920, 180))).first()
                .satisfies(rendition -> assertThat(rendition.height()).isGreaterThan(rendition.width()));
    }

    @Test
    void nonSquarePixelsArePlannedAsShown() {
        // HDV: 1440x1080 coded, pixels 4:3 wide, shown 1920x1080; its 1080 short side makes 1080p no upscale.
        assertThat(DEFAULT.plan(new MediaInfo.Video("h264", 1440, 1080, 0, 25, "yuv420p", 4.0 / 3, 0)))
                .extracting(Rendition::width, Rendition::height)
                .containsExactly(tuple(1920, 1080), tuple(1280, 720), tuple(854, 480));
        // DV NTSC 4:3: 720x480, pixels 8:9, shown 640x480.
        assertThat(DEFAULT.plan(new MediaInfo.Video("dvvideo", 720, 480, 0, 29.97, "yuv411p", 8.0 / 9, 0)))
                .containsExactly(new Rendition("480p", 640, 480, 1400, 128));
        // DV NTSC 16:9: pixels 32:27, shown 853x480; the long side stays within it.
        assertThat(DEFAULT.plan(new MediaInfo.Video("dvvideo", 720, 480, 0, 29.97, "yuv411p", 32.0 / 27, 0)))
                .extracting(Rendition::width, Rendition::height).containsExactly(tuple(852, 480));
        // Turned a quarter: the stretched width becomes the height.
        assertThat(DEFAULT.plan(new MediaInfo.Video("h264", 1440, 1080, 90, 25, "yuv420p", 4.0 / 3, 0)))
                .first().isEqualTo(new Rendition("1080p", 1080, 1920, 5000, 128));
    }

    @Test
    void neverUpscales() {
        assertThat(DEFAULT.plan(video(1280, 720, 0))).extracting(Rendition::name).containsExactly("720p", "480p");
        assertThat(DEFAULT.plan(video(1279, 719, 0))).extracting(Rendition::name).containsExactly("480p");
    }

    @Test
    void sourceSmallerThanEveryRungKeepsItsOwnEvenSize() {
        assertThat(DEFAULT.plan(video(640, 360, 0))).containsExactly(new Rendition("360p", 640, 360, 1400, 128));
        assertThat(DEFAULT.plan(video(321, 241, 270))).containsExactly(new Rendition("240p", 240, 320, 1400, 128));
    }

    @Test
    void keepsTheDisplayedAspectRatioWithEvenSides() {
        var ladder = RenditionLadder.parse("360p:360:800,240p:240:400", 64);

        // 2.39:1 cinema: 240 * 2.39 = 573.6, nearest even 574.
        assertThat(ladder.plan(video(1434, 600, 0))).extracting(Rendition::width, Rendition::height)
                .containsExactly(tuple(860, 360), tuple(574, 240));
        // 640x360 at 240: 426.67 -> 426 (nearest even).
        assertThat(ladder.plan(video(640, 360, 0))).extracting(Rendition::width).containsExactly(640, 426);
    }

    @Test
    void longSideNeverPassesTheSourcesEvenLongSide() {
        var ladder = RenditionLadder.parse("360p:360:800", 64);

        // 360 * 641 / 361 = 639.2 -> 640, within 641.
        assertThat(ladder.plan(video(641, 361, 0))).extracting(Rendition::width).containsExactly(640);
        // 360 * 363 / 361 = 361.99: rounds to 362, which is the source's even long side, so it stays.
        assertThat(ladder.plan(video(363, 361, 0))).extracting(Rendition::width).containsExactly(362);
    }

    @Test
    void rungsOfTheSameSizeCollapseIntoTheFirst() {
        var ladder = RenditionLadder.parse("hd:720:3000,720p:720:2800,480p:480:1400", 128);

        assertThat(ladder.plan(video(1920, 1080, 0))).extracting(Rendition::name).containsExactly("hd", "480p");
    }

    @Test
    void sortsRungsBySizeWhateverTheSpecOrder() {
        var ladder = RenditionLadder.parse("480p:480:1400,1080p:1080:5000,720p:720:2800", 128);

        assertThat(ladder.plan(video(1920, 1080, 0))).extracting(Rendition::name).containsExactly("1080p", "720p", "480p");
    }

    @Test
    void squareVideoIsSquare() {
        assertThat(DEFAULT.plan(video(1080, 1080, 90))).extracting(Rendition::width, Rendition::height)
                .first().isEqualTo(tuple(1080, 1080));
    }

    @Test
    void rejectsMalformedSpecsNamingTheBadPart() {
        assertThatThrownBy(() -> RenditionLadder.parse("  ", 128))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720:2800,,480p:480:1400", 128))
                .hasMessageContaining("empty entry");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720", 128))
                .hasMessageContaining("'720p:720'").hasMessageContaining("name:shortSide:videoKbps");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:7x0:2800", 128))
                .hasMessageContaining("'720p:7x0:2800'").hasMessageContaining("short side '7x0' is not a whole number");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720:fast", 128))
                .hasMessageContaining("video kbit/s 'fast' is not a whole number");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:721:2800", 128)).hasMessageContaining("even");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:0:2800", 128)).hasMessageContaining("even");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720:0", 128)).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720:2800,720p:480:1400", 128))
                .hasMessageContaining("names 720p twice");
        assertThatThrownBy(() -> RenditionLadder.parse("720p:720:2800", 0)).hasMessageContaining("audio");
    }

    @Test
    void rejectsNamesThatAreNotSafeInFileNames() {
        for (String name : new String[] {"../x", "a/b", "720P", "hd 720", ".", "", "a".repeat(33)}) {
            assertThatThrownBy(() -> RenditionLadder.parse(name + ":720:2800", 128))
                    .as(name).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rendition name");
        }
        assertThat(RenditionLadder.parse("hd_720-v2:720:2800", 128).rungs()).extracting(Rung::name).containsExactly("hd_720-v2");
    }

    @Test
    void refusesToPlanAPictureWithNoSize() {
        assertThatThrownBy(() -> DEFAULT.plan(video(1, 480, 0))).isInstanceOf(IllegalArgumentException.class);
    }
}
