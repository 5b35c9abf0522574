package dev.offstage.ops;

/**
 * The logs could not be read: the local runtime does not answer, Logs Insights refused the query
 * or did not finish in time. Views show "unknown" for the errors instead of failing as a whole.
 */
public final class LogsUnavailableException extends RuntimeException {

    public LogsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public LogsUnavailableException(String message) {
        super(message);
    }
}
