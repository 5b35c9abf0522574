package dev.offstage.local.lambda;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Carries an execution environment's output (standard output and error, merged as in CloudWatch)
 * into the runtime's log, line by line, and remembers the last lines for error reports.
 *
 * <p>A line that is a JSON object is written to the runtime's standard output untouched: the
 * toolkit's structured logs already carry the function name and request id, and re-logging them
 * would turn each into an escaped string inside another JSON line. Any other line (the RIC's own
 * messages, stack traces, {@code System.out.println}) is logged through SLF4J at INFO on logger
 * {@code function.<LogicalId>} with the MDC key {@value #FUNCTION_KEY}, so it comes out in the
 * runtime's structured format and says whose it is.
 */
final class FunctionOutput {

    static final String FUNCTION_KEY = "function";
    private static final int TAIL_LINES = 40;

    private final String functionLogicalId;
    private final Logger log;
    private final PrintStream json;
    private final OutputListener listener;
    private final Deque<String> tail = new ArrayDeque<>();

    FunctionOutput(String functionLogicalId, PrintStream json) {
        this(functionLogicalId, json, OutputListener.NONE);
    }

    FunctionOutput(String functionLogicalId, PrintStream json, OutputListener listener) {
        this.functionLogicalId = functionLogicalId;
        this.log = LoggerFactory.getLogger("function." + functionLogicalId);
        this.json = json;
        this.listener = listener;
    }

    /** Reads until the process closes its output; runs on its own (virtual) thread. */
    void pump(InputStream output) {
        MDC.put(FUNCTION_KEY, functionLogicalId);
        try (var reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                write(line);
            }
        } catch (IOException e) {
            // The stream closes abruptly when the environment is killed; its last lines are already out.
        } finally {
            MDC.remove(FUNCTION_KEY);
        }
    }

    /** The last lines written, oldest first. */
    synchronized List<String> tail() {
        return List.copyOf(tail);
    }

    private void write(String line) {
        synchronized (this) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
        try {
            listener.line(functionLogicalId, line);
        } catch (RuntimeException e) {
            // A listener's bug must not stop the function's output, or the process would block on a full pipe.
            log.warn("Output listener failed on a line: {}", e.toString());
        }
        if (line.startsWith("{") && line.endsWith("}")) {
            json.println(line);
        } else if (!line.isBlank()) {
            log.info(line);
        }
    }
}
