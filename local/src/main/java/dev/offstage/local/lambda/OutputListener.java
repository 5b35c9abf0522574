package dev.offstage.local.lambda;

/**
 * Sees every line an execution environment prints (standard output and error, merged), with the
 * logical id of its function. Called on the environment's output thread, once per line in order;
 * implementations must be thread-safe (environments print concurrently) and quick, and should not
 * throw (a failure is logged and the line goes on to the runtime's output regardless).
 */
@FunctionalInterface
public interface OutputListener {

    /** Ignores every line. */
    OutputListener NONE = (functionLogicalId, line) -> { };

    void line(String functionLogicalId, String line);
}
