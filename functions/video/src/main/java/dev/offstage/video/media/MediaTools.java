package dev.offstage.video.media;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.util.List;
import java.util.Objects;

/**
 * Where ffmpeg and ffprobe are: {@code VIDEO_FFMPEG} / {@code VIDEO_FFPROBE} (in AWS the layer's
 * {@code /opt/bin/ffmpeg}; locally the system's, found on PATH), and the x264 preset.
 *
 * @param ffmpeg     a path, or a name looked up on PATH when the process starts
 * @param ffprobe    a path, or a name looked up on PATH when the process starts
 * @param x264Preset one of {@link #X264_PRESETS}: faster presets trade file size for encoding time
 */
public record MediaTools(String ffmpeg, String ffprobe, String x264Preset) {

    public static final String FFMPEG_VARIABLE = "VIDEO_FFMPEG";
    public static final String FFPROBE_VARIABLE = "VIDEO_FFPROBE";
    public static final String PRESET_VARIABLE = "VIDEO_X264_PRESET";

    public static final String DEFAULT_FFMPEG = "ffmpeg";
    public static final String DEFAULT_FFPROBE = "ffprobe";
    public static final String DEFAULT_PRESET = "veryfast";

    /** x264's presets, fastest first (x264 --help). */
    public static final List<String> X264_PRESETS = List.of(
            "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo");

    /** @throws IllegalArgumentException when a tool is blank or the preset is not x264's */
    public MediaTools {
        Objects.requireNonNull(ffmpeg, "ffmpeg");
        Objects.requireNonNull(ffprobe, "ffprobe");
        Objects.requireNonNull(x264Preset, "x264Preset");
        if (ffmpeg.isBlank() || ffprobe.isBlank()) {
            throw new IllegalArgumentException("ffmpeg and ffprobe must name a program");
        }
        if (!X264_PRESETS.contains(x264Preset)) {
            throw new IllegalArgumentException(presetProblem(x264Preset));
        }
    }

    /**
     * The tools as the environment configures them, with the defaults above. Does not look for
     * the programs: {@link VideoEncoder#checkTools} does, at init.
     *
     * @throws ConfigurationException naming {@code VIDEO_X264_PRESET} when it is not an x264 preset
     */
    public static MediaTools from(Environment environment) {
        String preset = environment.get(PRESET_VARIABLE, DEFAULT_PRESET);
        if (!X264_PRESETS.contains(preset)) {
            throw new ConfigurationException("Environment variable " + PRESET_VARIABLE + ": " + presetProblem(preset));
        }
        return new MediaTools(environment.get(FFMPEG_VARIABLE, DEFAULT_FFMPEG),
                environment.get(FFPROBE_VARIABLE, DEFAULT_FFPROBE), preset);
    }

    private static String presetProblem(String preset) {
        return "the x264 preset must be one of " + String.join(", ", X264_PRESETS) + "; was '" + preset + "'";
    }
}
