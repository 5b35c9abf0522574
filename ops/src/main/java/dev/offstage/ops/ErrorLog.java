package dev.offstage.ops;

import java.util.List;
import java.util.Optional;

/** The functions' structured logs, as far as the console needs them. */
public interface ErrorLog {

    /** The most recent ERROR lines of every function, newest first, at most {@code max}. */
    List<ErrorLine> recent(int max);

    /**
     * Why the message with this SQS message id failed: the last ERROR line that names it, when
     * there is one.
     */
    Optional<String> reasonFor(String messageId);
}
