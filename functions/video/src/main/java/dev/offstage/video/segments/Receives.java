package dev.offstage.video.segments;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.offstage.video.notify.VideoCompletion;

/** How often a message was received, and what the last receive does before the dead-letter queue. */
final class Receives {

    private Receives() {}

    /** {@code ApproximateReceiveCount}, 1 when absent. */
    static int count(SQSMessage message) {
        var attributes = message.getAttributes();
        var count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Ends the video FAILED on the message's last receive, keeping {@code cause} the error that propagates. */
    static void failLast(VideoCompletion completion, String videoId, String reason, RuntimeException cause) {
        try {
            completion.failed(videoId, reason);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
