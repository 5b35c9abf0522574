package dev.offstage.video.notify;

import dev.offstage.video.store.StoredRendition;
import dev.offstage.video.store.VideoRecord;
import dev.offstage.video.store.VideoStatus;
import dev.offstage.video.store.VideoStore;
import dev.offstage.shared.metrics.Metrics;
import dev.offstage.shared.metrics.Unit;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a video — READY or FAILED, once — and announces it. The status is stored first
 * (conditionally: only a PROCESSING video ends), then the notice is sent, then marked sent; a
 * crash between the two is repaired by whoever next sees the video final and not notified, so
 * the application hears of every video at least once. Failures propagate (retryable).
 */
public final class VideoCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(VideoCompletion.class);

    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|s3)://\\S+");
    /** How ffmpeg prefixes a message about its input: {@code <url>: Invalid data found ...}. */
    private static final Pattern URL_PREFIX = Pattern.compile("(?i)\\b(?:https?|s3)://\\S+?:(?=\\s|$)\\s*");

    private final VideoStore store;
    private final VideoNotifications notifications;
    private final Metrics metrics;

    /**
     * @param metrics where {@code VideosReady}, {@code VideosFailed} and {@code VideoProcessingSeconds}
     *                (upload to READY) go, as EMF lines: the pipeline's alarms and dashboard read them
     */
    public VideoCompletion(VideoStore store, VideoNotifications notifications, Metrics metrics) {
        this.store = store;
        this.notifications = notifications;
        this.metrics = metrics;
    }

    /** PROCESSING → READY and the notice. Returns false when the video had already ended (nothing changed). */
    public boolean ready(String videoId, List<StoredRendition> renditions, String posterKey) {
        var ended = store.finishReady(videoId, renditions, posterKey);
        if (ended) {
            store.get(videoId).ifPresent(video -> count("VideosReady", videoId,
                    Duration.between(video.created(), video.updated()).toMillis() / 1000.0));
            LOG.atInfo().addKeyValue("video_id", videoId).addKeyValue("status", VideoStatus.READY)
                    .addKeyValue("renditions", renditions.stream().map(StoredRendition::name).toList())
                    .log("Video {} is READY", videoId);
        }
        announce(videoId);
        return ended;
    }

    /** PROCESSING → FAILED with a reason for people, and the notice. Returns false when the video had already ended. */
    public boolean failed(String videoId, String reason) {
        reason = readable(reason);
        var ended = store.finishFailed(videoId, reason);
        if (ended) {
            count("VideosFailed", videoId, -1);
            LOG.atWarn().addKeyValue("video_id", videoId).addKeyValue("status", VideoStatus.FAILED).addKeyValue("reason", reason)
                    .log("Video {} FAILED: {}", videoId, reason);
        }
        announce(videoId);
        return ended;
    }

    /**
     * One count (and, for READY, the time from upload to READY), written at once: one video per
     * line, which names it ({@code video_id}) so that a count can be traced to its video.
     */
    private void count(String metric, String videoId, double processingSeconds) {
        // The environment's one Metrics is shared by the batch's threads: the line is built and written as one.
        synchronized (metrics) {
            metrics.put(metric, 1, Unit.COUNT);
            if (processingSeconds >= 0) {
                metrics.put("VideoProcessingSeconds", processingSeconds, Unit.SECONDS);
            }
            metrics.property("video_id", videoId);
            metrics.flush();
        }
    }

    /**
     * {@link #failed} on a last attempt, while {@code cause} is about to propagate: a failure to
     * record is added to it as suppressed, so the error that ended the attempt stays the one reported.
     */
    public void failedOnLastAttempt(String videoId, String reason, RuntimeException cause) {
        try {
            failed(videoId, reason);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Sends the notice of a final video that has none yet (after a crash between storing and sending). */
    public void announceIfPending(VideoRecord record) {
        if (record.status() != VideoStatus.PROCESSING && !record.notified()) {
            notifications.send(VideoNotice.of(record));
            store.markNotified(record.id());
        }
    }

    /**
     * A reason as stored and announced: one line, no URLs (ffmpeg's messages name its input, a
     * presigned URL whose signature must not reach the table, the notice or the log), at most 500 characters.
     */
    static String readable(String reason) {
        var text = URL.matcher(URL_PREFIX.matcher(reason == null || reason.isBlank() ? "unknown error" : reason).replaceAll(""))
                .replaceAll("<url>")
                .replaceAll("\\s+", " ").strip();
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }

    private void announce(String videoId) {
        store.get(videoId).ifPresent(this::announceIfPending);
    }
}
