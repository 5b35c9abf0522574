package dev.offstage.video.notify;

import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sends {@link VideoNotice}s to the notifications queue as JSON, with message attributes
 * {@code type} and {@code correlationId} for filtering and tracing. Send failures propagate.
 */
public final class VideoNotifications {

    public static final String QUEUE_URL_VARIABLE = "VIDEO_NOTIFICATIONS_QUEUE_URL";

    public VideoNotifications(SqsClient sqs, String queueUrl) {
        throw new UnsupportedOperationException("skeleton");
    }

    public void send(VideoNotice notice) {
        throw new UnsupportedOperationException("skeleton");
    }
}
