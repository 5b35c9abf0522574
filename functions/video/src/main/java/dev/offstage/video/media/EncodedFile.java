package dev.offstage.video.media;

import java.nio.file.Path;

/** A rendition (or a segment of one) written to disk, with what ffprobe measured of the file. */
public record EncodedFile(Rendition rendition, Path file, MediaInfo info) {
}
