package dev.offstage.ops;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The functions' structured logs, as far as the console needs them. */
public interface ErrorLog {

    /**
     * The most recent ERROR lines of every function, newest first, at most {@code max}.
     *
     * @throws LogsUnavailableException when the logs cannot be read
     */
    List<ErrorLine> recent(int max);

    /**
     * Why the message with this SQS message id failed: the last ERROR line that names it, when
     * there is one.
     *
     * @throws LogsUnavailableException when the logs cannot be read
     */
    Optional<String> reasonFor(String messageId);

    /**
     * {@link #reasonFor} of several messages, by message id, for the ones something names. Logs
     * that answer one query for all of them (Logs Insights) override it.
     */
    default Map<String, String> reasonsFor(Collection<String> messageIds) {
        var reasons = new HashMap<String, String>();
        for (var messageId : messageIds) {
            reasonFor(messageId).ifPresent(reason -> reasons.put(messageId, reason));
        }
        return reasons;
    }
}
