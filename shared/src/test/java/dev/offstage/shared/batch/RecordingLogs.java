package dev.offstage.shared.batch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * The lines the toolkit's real logging provider writes, read back: {@link #clear()} starts
 * recording standard output (still passed through), {@link #lines()} parses what came since.
 * The provider writes to whatever {@code System.out} is when it writes, as in Lambda.
 */
final class RecordingLogs {

    /** One JSON log line: its level, logger, message, error fields and every other field. */
    record Line(Level level, String logger, String message, String errorType, String errorMessage, Map<String, String> mdc) {}

    private static final ByteArrayOutputStream RECORDED = new ByteArrayOutputStream();
    private static final PrintStream ORIGINAL = System.out;

    private RecordingLogs() {}

    /** Forgets what was recorded and records from now on. */
    static void clear() {
        synchronized (RECORDED) {
            RECORDED.reset();
        }
        if (!(System.out instanceof Recording)) {
            System.setOut(new Recording());
        }
    }

    /** The JSON lines written since {@link #clear()}, in order; other output is skipped. */
    static List<Line> lines() {
        String text;
        synchronized (RECORDED) {
            text = RECORDED.toString(StandardCharsets.UTF_8);
        }
        return text.lines().filter(line -> line.startsWith("{")).map(Json::tree).map(RecordingLogs::toLine).toList();
    }

    private static Line toLine(JsonNode json) {
        var fields = new LinkedHashMap<String, String>();
        json.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().asText()));
        return new Line(Level.valueOf(json.path("level").asText()), json.path("logger").asText(),
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
