package dev.offstage.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * The JSON log lines written to standard output, read back for assertions. The toolkit's
 * logging provider writes to whatever {@code System.out} is when it writes, as in Lambda, so
 * tests see exactly the lines a function would send to CloudWatch.
 *
 * <pre>{@code
 * LogCapture.start();
 * Batch.process(event, context, handler);
 * assertThat(LogCapture.lines()).singleElement().satisfies(line -> assertThat(line.level()).isEqualTo(Level.ERROR));
 * }</pre>
 *
 * <p>Output still reaches the original standard output. One capture per JVM: tests that use it
 * must not run in parallel with each other.
 */
public final class LogCapture {

    /** One JSON line: its standard fields, and every field as text (MDC keys, key-values, ...). */
    public record LogLine(Level level, String logger, String message, String errorType, String errorMessage,
            Map<String, String> fields) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteArrayOutputStream RECORDED = new ByteArrayOutputStream();
    private static final PrintStream ORIGINAL = System.out;

    private LogCapture() {}

    /** Forgets what was captured and captures from now on. */
    public static void start() {
        synchronized (RECORDED) {
            RECORDED.reset();
        }
        synchronized (LogCapture.class) {
            if (!(System.out instanceof Recording)) {
                System.setOut(new Recording());
            }
        }
    }

    /** The JSON lines written since {@link #start()}, in order; other output is skipped. */
    public static List<LogLine> lines() {
        String text;
        synchronized (RECORDED) {
            text = RECORDED.toString(StandardCharsets.UTF_8);
        }
        return text.lines().filter(line -> line.startsWith("{")).map(LogCapture::parse).toList();
    }

    private static LogLine parse(String line) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("A log line is not one JSON object: " + line, e);
        }
        var fields = new LinkedHashMap<String, String>();
        json.properties().forEach(field -> fields.put(field.getKey(), field.getValue().asText()));
        return new LogLine(Level.valueOf(json.path("level").asText("INFO")), json.path("logger").asText(),
                json.path("message").asText(), json.path("error_type").asText(null),
                json.path("error_message").asText(null), fields);
    }

    /** Standard output that also keeps a copy. */
    private static final class Recording extends PrintStream {
        Recording() {
            super(new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (RECORDED) {
                        RECORDED.write(b);
                    }
                    ORIGINAL.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    synchronized (RECORDED) {
                        RECORDED.write(bytes, offset, length);
                    }
                    ORIGINAL.write(bytes, offset, length);
                }

                @Override
                public void flush() {
                    ORIGINAL.flush();
                }
            }, true, StandardCharsets.UTF_8);
        }
    }
}
