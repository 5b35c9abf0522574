package dev.offstage.e2e.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runtime's standard output during a chaos run — where the functions' JSON log lines go — kept
 * line by line while it still reaches the console. {@link #close()} puts the original back.
 */
public final class CapturedOutput implements AutoCloseable {

    private final PrintStream original;
    private final List<String> lines = new ArrayList<>(); // guarded by itself

    private CapturedOutput(PrintStream original) {
        this.original = original;
    }

    /** Starts capturing {@link System#out}. */
    public static CapturedOutput start() {
        var captured = new CapturedOutput(System.out);
        System.setOut(new PrintStream(captured.new Tee(), true, StandardCharsets.UTF_8));
        return captured;
    }

    /** Every line printed so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** The JSON lines printed so far that have {@code key} (as a top-level field), parsed. */
    public List<JsonNode> jsonLinesWith(String key) {
        var quoted = "\"" + key + "\"";
        var found = new ArrayList<JsonNode>();
        for (var line : lines()) {
            if (line.startsWith("{") && line.contains(quoted)) {
                try {
                    var node = Json.mapper().readTree(line);
                    if (node.has(key)) {
                        found.add(node);
                    }
                } catch (Exception notJson) {
                    // A line that only looks like JSON: not a log line.
                }
            }
        }
        return found;
    }

    /** The faults the functions' fault injectors logged ({@code fault} key), by kind. */
    public Map<String, Long> faultsByKind() {
        var counts = new TreeMap<String, Long>();
        for (var line : jsonLinesWith("fault")) {
            counts.merge(line.get("fault").asText(), 1L, Long::sum);
        }
        return counts;
    }

    @Override
    public void close() {
        System.out.flush();
        System.setOut(original);
    }

    /** Passes bytes on to the original stream and collects complete lines. */
    private final class Tee extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            original.write(b);
            collect(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            original.write(bytes, offset, length);
            for (int i = offset; i < offset + length; i++) {
                collect(bytes[i]);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }

        private void collect(int b) {
            if (b == '\n') {
                synchronized (lines) {
                    lines.add(line.toString(StandardCharsets.UTF_8));
                }
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
