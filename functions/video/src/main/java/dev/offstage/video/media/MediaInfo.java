package dev.offstage.video.media;

import java.util.Optional;

/**
 * What ffprobe says about a media file: the container and the first video and audio streams.
 *
 * @param container     ffprobe's format name, e.g. {@code mov,mp4,m4a,3gp,3g2,mj2}
 * @param durationSeconds the container's duration
 * @param sizeBytes     the file's size, or -1 when ffprobe could not tell (a stream)
 * @param bitrate       the overall bit rate in bits per second, or 0 when unknown
 * @param video         the first video stream (absent for audio-only files)
 * @param audio         the first audio stream (absent for silent videos)
 * @param streamCount   every stream, including subtitles and data
 */
public record MediaInfo(String container, double durationSeconds, long sizeBytes, long bitrate,
                        Optional<Video> video, Optional<Audio> audio, int streamCount) {

    /**
     * @param rotation  clockwise degrees the player turns the coded picture to show it: 0, 90, 180
     *                  or 270 (from the display matrix or the legacy {@code rotate} tag)
     * @param frameRate frames per second (average), 0 when unknown
     */
    public record Video(String codec, int width, int height, int rotation, double frameRate, String pixelFormat) {

        /** The width as shown: coded height for a quarter turn. */
        public int displayWidth() {
            return rotation % 180 == 0 ? width : height;
        }

        /** The height as shown: coded width for a quarter turn. */
        public int displayHeight() {
            return rotation % 180 == 0 ? height : width;
        }
    }

    public record Audio(String codec, int channels, int sampleRate, long bitrate) {
    }

    public boolean hasAudio() {
        return audio.isPresent();
    }
}
