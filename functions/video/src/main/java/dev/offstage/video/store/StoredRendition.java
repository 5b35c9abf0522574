package dev.offstage.video.store;

/**
 * A finished rendition as recorded and announced: where it is and what ffprobe measured of it.
 *
 * @param key         the object key in the outputs bucket
 * @param audioCodec  null for a video without audio
 */
public record StoredRendition(String name, String key, int width, int height, double durationSeconds, long sizeBytes,
                              String videoCodec, String audioCodec) {
}
