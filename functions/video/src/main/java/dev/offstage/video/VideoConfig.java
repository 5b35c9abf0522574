package dev.offstage.video;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import dev.offstage.video.media.RenditionLadder;
import java.time.Duration;

/**
 * The video pipeline's settings, read once at init from the function's environment (the
 * template's parameters become these variables). Every variable has a default, so each function
 * reads only what its template entry gives it.
 *
 * @param maxUploadBytes     larger uploads end FAILED before anything is read
 * @param maxDuration        longer videos end FAILED after the probe
 * @param segmentThreshold   videos longer than this are split and transcoded in parallel
 * @param segmentLength      about how long each segment is (cuts land on keyframes)
 * @param safetyMargin       time kept back from the invocation's deadline: ffmpeg is killed this
 *                           long before Lambda would end the invocation, leaving time to record
 *                           and report
 * @param asyncAttempts      how many times Lambda invokes the transcoder for one event
 *                           (1 + EventInvokeConfig.MaximumRetryAttempts): the last failed attempt
 *                           records FAILED before the event goes to the on-failure destination
 * @param maxReceives        the segment and assembly queues' maxReceiveCount: the last failed
 *                           receive records FAILED before the message goes to the dead-letter queue
 */
public record VideoConfig(long maxUploadBytes, Duration maxDuration, Duration segmentThreshold, Duration segmentLength,
                          Duration safetyMargin, int asyncAttempts, int maxReceives, RenditionLadder ladder) {

    public static final String MAX_UPLOAD_BYTES = "VIDEO_MAX_UPLOAD_BYTES";
    public static final String MAX_DURATION_SECONDS = "VIDEO_MAX_DURATION_SECONDS";
    public static final String SEGMENT_THRESHOLD_SECONDS = "VIDEO_SEGMENT_THRESHOLD_SECONDS";
    public static final String SEGMENT_SECONDS = "VIDEO_SEGMENT_SECONDS";
    public static final String SAFETY_MARGIN_SECONDS = "VIDEO_SAFETY_MARGIN_SECONDS";
    public static final String ASYNC_ATTEMPTS = "VIDEO_ASYNC_ATTEMPTS";
    public static final String MAX_RECEIVES = "VIDEO_MAX_RECEIVES";
    public static final String RENDITIONS = "VIDEO_RENDITIONS";
    public static final String AUDIO_KBPS = "VIDEO_AUDIO_KBPS";

    public VideoConfig {
        positive(MAX_UPLOAD_BYTES, maxUploadBytes);
        positive(MAX_DURATION_SECONDS, maxDuration.toSeconds());
        positive(SEGMENT_SECONDS, segmentLength.toSeconds());
        positive(ASYNC_ATTEMPTS, asyncAttempts);
        positive(MAX_RECEIVES, maxReceives);
        if (segmentThreshold.compareTo(segmentLength) < 0) {
            throw new ConfigurationException(SEGMENT_THRESHOLD_SECONDS + " (" + segmentThreshold.toSeconds()
                    + ") must be at least " + SEGMENT_SECONDS + " (" + segmentLength.toSeconds() + ")");
        }
        if (safetyMargin.isNegative()) {
            throw new ConfigurationException(SAFETY_MARGIN_SECONDS + " must not be negative");
        }
    }

    public static VideoConfig from(Environment environment) {
        var ladder = environment.get(RENDITIONS, RenditionLadder.DEFAULT);
        var audioKbps = environment.intValue(AUDIO_KBPS, RenditionLadder.DEFAULT_AUDIO_KBPS);
        RenditionLadder parsed;
        try {
            parsed = RenditionLadder.parse(ladder, audioKbps);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(RENDITIONS + " is not a rendition ladder (name:shortSide:videoKbps,...): " + e.getMessage());
        }
        return new VideoConfig(
                longValue(environment, MAX_UPLOAD_BYTES, 4L * 1024 * 1024 * 1024),
                environment.seconds(MAX_DURATION_SECONDS, Duration.ofHours(2)),
                environment.seconds(SEGMENT_THRESHOLD_SECONDS, Duration.ofMinutes(2)),
                environment.seconds(SEGMENT_SECONDS, Duration.ofSeconds(30)),
                environment.seconds(SAFETY_MARGIN_SECONDS, Duration.ofSeconds(20)),
                environment.intValue(ASYNC_ATTEMPTS, 3),
                environment.intValue(MAX_RECEIVES, 3),
                parsed);
    }

    /** Whether a video this long is split into segments. */
    public boolean segmented(double durationSeconds) {
        return durationSeconds > segmentThreshold.toMillis() / 1000.0;
    }

    private static long longValue(Environment environment, String name, long fallback) {
        var text = environment.optional(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(text.get().trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be a whole number of bytes, not '" + text.get() + "'");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException(name + " must be positive, not " + value);
        }
    }
}
