package dev.offstage.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The same two lines as {@link ColdStartMain}, serialised with Jackson, with slf4j-nop bound:
 * what a provider would pay at cold start if it built its lines with Jackson instead of
 * Offstage's own writer. Run with slf4j-nop and Jackson on the class path.
 */
public final class JacksonLinesMain {

    private JacksonLinesMain() {}

    public static void main(String[] args) throws IOException {
        long start = System.nanoTime();
        Logger log = LoggerFactory.getLogger(JacksonLinesMain.class);
        MDC.put("function_request_id", "8f5c1f9e-5b2d-4c4e-9a57-1f0e2d3c4b5a");
        MDC.put("correlation_id", "delivery-42");
        ObjectMapper mapper = JsonMapper.builder().build();
        log.info("unused");   // nop: keeps the SLF4J initialisation in the measurement

        var info = line("INFO", "queued build 42 for offstage/site");
        System.out.write(mapper.writeValueAsBytes(info));
        System.out.write('\n');
        System.out.flush();
        long first = System.nanoTime();

        var failure = new IllegalStateException("bucket missing", new IOException("connection reset"));
        var error = line("ERROR", "upload failed");
        error.put("error_type", failure.getClass().getName());
        error.put("error_message", failure.getMessage());
        var trace = new StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        error.put("stack_trace", trace.toString());
        System.out.write(mapper.writeValueAsBytes(error));
        System.out.write('\n');
        System.out.flush();
        long both = System.nanoTime();
        if (Boolean.getBoolean("bench.report")) {
            System.err.println((first - start) / 1_000 + " " + (both - start) / 1_000);
        }
    }

    private static Map<String, Object> line(String level, String message) {
        var line = new LinkedHashMap<String, Object>();
        line.put("timestamp", java.time.Instant.now().toString());
        line.put("level", level);
        line.put("message", message);
        line.put("logger", JacksonLinesMain.class.getName());
        line.putAll(MDC.getCopyOfContextMap() == null ? Map.of() : MDC.getCopyOfContextMap());
        return line;
    }
}
