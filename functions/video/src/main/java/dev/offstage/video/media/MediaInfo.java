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
     * @param rotation          clockwise degrees the player turns the coded picture to show it: 0,
     *                          90, 180 or 270 (from the display matrix or the legacy {@code rotate} tag)
     * @param frameRate         frames per second (average), 0 when unknown
     * @param sampleAspectRatio the shape of a coded pixel, width over height: 1 for square pixels,
     *                          4/3 for HDV's 1440x1080 shown 16:9, 8/9 for DV's 720x480 shown 4:3;
     *                          unknown (0, not finite) counts as square
     * @param startSeconds      the stream's start time on the container's clock (ffprobe's
     *                          {@code start_time}, not finite counts as 0); only differences between
     *                          streams mean anything
     */
    public record Video(String codec, int width, int height, int rotation, double frameRate, String pixelFormat,
                        double sampleAspectRatio, double startSeconds) {

        public Video {
            if (!(sampleAspectRatio > 0) || !Double.isFinite(sampleAspectRatio)) {
                sampleAspectRatio = 1;
            }
            if (!Double.isFinite(startSeconds)) {
                startSeconds = 0;
            }
        }

        /** Square pixels, starting at 0. */
        public Video(String codec, int width, int height, int rotation, double frameRate, String pixelFormat) {
            this(codec, width, height, rotation, frameRate, pixelFormat, 1, 0);
        }

        /** The width as shown: the coded width stretched by the sample aspect ratio; the coded height for a quarter turn. */
        public int displayWidth() {
            return rotation % 180 == 0 ? stretchedWidth() : height;
        }

        /** The height as shown: the coded height; the stretched coded width for a quarter turn. */
        public int displayHeight() {
            return rotation % 180 == 0 ? height : stretchedWidth();
        }

        /** Players keep the coded height and stretch the width, as ffmpeg's display aspect ratio does. */
        private int stretchedWidth() {
            return (int) Math.min(Integer.MAX_VALUE, Math.round(width * sampleAspectRatio));
        }
    }

    /** @param startSeconds the stream's start time on the container's clock, as {@link Video#startSeconds()} */
    public record Audio(String codec, int channels, int sampleRate, long bitrate, double startSeconds) {

        public Audio {
            if (!Double.isFinite(startSeconds)) {
                startSeconds = 0;
            }
        }

        /** Starting at 0. */
        public Audio(String codec, int channels, int sampleRate, long bitrate) {
            this(codec, channels, sampleRate, bitrate, 0);
        }
    }

    public boolean hasAudio() {
        return audio.isPresent();
    }

    /**
     * How much later than the sound the picture starts, in seconds: the video stream's start
     * minus the audio stream's; negative when the sound starts later, 0 without both streams.
     * MPEG-TS and camera files often start their video half a second after their audio; every
     * output must keep the gap, or the sound is out of sync by as much.
     */
    public double videoDelaySeconds() {
        if (video.isEmpty() || audio.isEmpty()) {
            return 0;
        }
        return video.get().startSeconds() - audio.get().startSeconds();
    }
}
