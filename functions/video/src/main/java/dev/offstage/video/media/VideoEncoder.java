package dev.offstage.video.media;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the pipeline asks of ffmpeg and ffprobe. Inputs named by a String are a presigned
 * HTTP(S) URL or a local path; ffmpeg streams them. Every call runs the tool until it exits or
 * {@code deadline}, when its process tree is killed ({@link MediaDeadlineException}); its progress
 * and stderr go to the structured log. Errors: {@link UnsupportedMediaException} when the input
 * can never work (permanent), {@link MediaToolException} when it may on a retry.
 */
public final class VideoEncoder {

    public VideoEncoder(MediaTools tools) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** ffprobe's view of the input; rejects inputs that are not a playable video with a duration. */
    public MediaInfo probe(String input, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Every rendition in one ffmpeg run (decode once): H.264 High + AAC (when the source has audio)
     * MP4s with {@code +faststart}, rotation applied, named {@link Rendition#fileName()} in {@code directory}.
     */
    public List<EncodedFile> transcode(String input, MediaInfo info, List<Rendition> renditions, Path directory, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A JPEG poster frame at {@code size}'s dimensions, from about a second in (earlier for very short videos). */
    public Path poster(String input, MediaInfo info, Rendition size, Path output, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Cuts the first video stream, copied without re-encoding, into segments of about
     * {@code segmentLength} starting at keyframes ({@code 00000.mkv}, {@code 00001.mkv}, ... in
     * {@code directory}); returns them in order. Audio is left out: the assembler encodes it once.
     */
    public List<Path> split(String input, Duration segmentLength, Path directory, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * One segment into every rendition, video only ({@link Rendition#fileName()} in
     * {@code directory}), turned by {@code rotation} (the source's, which the segment lost),
     * frame for frame: the stitched renditions keep the source's frame count and timing.
     */
    public List<EncodedFile> transcodeSegment(Path segment, int rotation, List<Rendition> renditions, Path directory, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The input's first audio stream as AAC in an M4A, for stitching. */
    public Path encodeAudio(String input, int audioKbps, Path output, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Concatenates a rendition's encoded segments (in order, stream copy) and muxes in the audio
     * when given, into a {@code +faststart} MP4: duration within a frame of the source, audio in sync.
     */
    public EncodedFile concat(List<Path> segments, Optional<Path> audio, Rendition rendition, Path output, Instant deadline) {
        throw new UnsupportedOperationException("skeleton");
    }
}
