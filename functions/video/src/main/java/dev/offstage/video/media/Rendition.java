package dev.offstage.video.media;

/**
 * One output of the ladder, with its exact frame size (as displayed: already turned for rotated
 * sources, both even) and target bit rates.
 */
public record Rendition(String name, int width, int height, int videoKbps, int audioKbps) {

    /** The file name of the rendition under a video's prefix: {@code 720p.mp4}. */
    public String fileName() {
        return name + ".mp4";
    }
}
