package dev.offstage.bench;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a Lambda function's first log lines cost: SLF4J initialises whichever backend is on the
 * class path, then one line with MDC fields and one with an exception are written to stdout.
 * The same program runs against every backend; only the class path changes.
 *
 * <p>With {@code -Dbench.report=true} it prints to stderr the microseconds from entering
 * {@code main} to the first line written and to both lines written.
 */
public final class ColdStartMain {

    private ColdStartMain() {}

    public static void main(String[] args) {
        long start = System.nanoTime();
        Logger log = LoggerFactory.getLogger(ColdStartMain.class);
        MDC.put("function_request_id", "8f5c1f9e-5b2d-4c4e-9a57-1f0e2d3c4b5a");
        MDC.put("correlation_id", "delivery-42");
        log.info("queued build {} for {}", 42, "offstage/site");
        long first = System.nanoTime();
        log.error("upload failed", new IllegalStateException("bucket missing", new IOException("connection reset")));
        long both = System.nanoTime();
        if (Boolean.getBoolean("bench.report")) {
            System.err.println((first - start) / 1_000 + " " + (both - start) / 1_000);
        }
    }
}
