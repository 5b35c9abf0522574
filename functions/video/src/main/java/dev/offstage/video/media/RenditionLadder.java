package dev.offstage.video.media;

import java.util.List;

/**
 * The renditions to make, from configuration ({@code VIDEO_RENDITIONS}, e.g.
 * {@code 1080p:1080:5000,720p:720:2800,480p:480:1400} = name : short side in pixels : video
 * kbit/s), and how a source maps onto it: never upscaling, keeping the aspect ratio, portrait
 * staying portrait.
 */
public record RenditionLadder(List<Rung> rungs, int audioKbps) {

    public static final String DEFAULT = "1080p:1080:5000,720p:720:2800,480p:480:1400";
    public static final int DEFAULT_AUDIO_KBPS = 128;

    /** @param shortSide the rendition's shorter side (its height for landscape, its width for portrait) */
    public record Rung(String name, int shortSide, int videoKbps) {
    }

    /** Parses a ladder; a malformed one throws IllegalArgumentException naming the bad part. */
    public static RenditionLadder parse(String spec, int audioKbps) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * The renditions for a video stream, largest first: every rung whose short side is at most the
     * source's displayed short side, sized to the displayed aspect ratio with even dimensions; a
     * source smaller than every rung gets one rendition at its own (even) size, named after its
     * short side ({@code 360p}).
     */
    public List<Rendition> plan(MediaInfo.Video video) {
        throw new UnsupportedOperationException("skeleton");
    }
}
