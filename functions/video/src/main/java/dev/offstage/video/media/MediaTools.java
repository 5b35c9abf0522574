package dev.offstage.video.media;

/**
 * Where ffmpeg and ffprobe are: {@code VIDEO_FFMPEG} / {@code VIDEO_FFPROBE} (in AWS the layer's
 * {@code /opt/bin/ffmpeg}; locally the system's, found on PATH), and the x264 preset.
 */
public record MediaTools(String ffmpeg, String ffprobe, String x264Preset) {

    public static final String FFMPEG_VARIABLE = "VIDEO_FFMPEG";
    public static final String FFPROBE_VARIABLE = "VIDEO_FFPROBE";
    public static final String PRESET_VARIABLE = "VIDEO_X264_PRESET";

    public static MediaTools from(dev.offstage.shared.config.Environment environment) {
        throw new UnsupportedOperationException("skeleton");
    }
}
