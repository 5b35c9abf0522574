package dev.offstage.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Standard output, copied to a file and, between {@link #start()} and {@link #stop()}, kept in
 * memory: the local runtime writes its own structured log lines and its functions' to
 * {@code System.out}, and a benchmark reads what happened in a round from them (the runtime's
 * {@code Invocations} lines: function, duration, outcome, cold start).
 */
final class CapturedOutput extends OutputStream {

    private final PrintStream console;
    private final OutputStream file;
    private ByteArrayOutputStream round;

    private CapturedOutput(PrintStream console, OutputStream file) {
        this.console = console;
        this.file = file;
    }

    /** Replaces {@code System.out} with a copy to {@code file} and the console; returns it. */
    static CapturedOutput install(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        var captured = new CapturedOutput(System.out, Files.newOutputStream(file));
        System.setOut(new PrintStream(captured, true, UTF_8));
        return captured;
    }

    /** The console, for the benchmark's own lines. */
    PrintStream console() {
        return console;
    }

    synchronized void start() {
        round = new ByteArrayOutputStream();
    }

    /** The JSON log lines written since {@link #start()}; they are kept until {@link #stop()}. */
    synchronized List<JsonNode> lines() {
        var lines = new ArrayList<JsonNode>();
        if (round != null) {
            for (var line : round.toString(UTF_8).split("\n")) {
                var json = line.indexOf("{\"timestamp\"");
                if (json >= 0 && line.strip().endsWith("}")) {
                    try {
                        lines.add(Json.tree(line.substring(json).strip()));
                    } catch (RuntimeException e) {
                        // A line cut by another writer's: not one this benchmark reads.
                    }
                }
            }
        }
        return lines;
    }

    /** Stops keeping lines. */
    synchronized void stop() {
        round = null;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        console.write(b);
        file.write(b);
        if (round != null) {
            round.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        console.write(bytes, offset, length);
        file.write(bytes, offset, length);
        if (round != null) {
            round.write(bytes, offset, length);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        console.flush();
        file.flush();
    }
}
