package dev.offstage.shared.logging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;

/** A logging backend writing into memory, with its own invocation scope and a fixed clock. */
final class CapturedLog {

    /** 2026-03-01T09:30:00.042Z */
    static final long NOW = 1_772_357_400_042L;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final InvocationScope scope;
    final OffstageLoggerFactory factory;

    CapturedLog() {
        this(LoggingConfig.defaults());
    }

    CapturedLog(LoggingConfig config) {
        this(config, new InvocationScope());
    }

    CapturedLog(LoggingConfig config, InvocationScope scope) {
        this.scope = scope;
        this.factory = new OffstageLoggerFactory(new LineWriter(config, out, scope, () -> NOW));
    }

    Logger logger(String name) {
        return factory.getLogger(name);
    }

    Logger logger() {
        return logger("dev.offstage.builds.BuildQueue");
    }

    /** Everything written, as text. */
    String raw() {
        return out.toString(StandardCharsets.UTF_8);
    }

    List<String> rawLines() {
        var raw = raw();
        if (!raw.isEmpty() && !raw.endsWith("\n")) {
            throw new AssertionError("output does not end with a line break: " + raw);
        }
        return raw.isEmpty() ? List.of() : List.of(raw.split("\n"));
    }

    /** Every line, parsed by Jackson: a line that is not one JSON object fails the test. */
    List<JsonNode> lines() {
        return rawLines().stream().map(Json::tree).toList();
    }

    /** The only line written. */
    JsonNode line() {
        var lines = lines();
        if (lines.size() != 1) {
            throw new AssertionError("expected one line, got " + lines.size() + ":\n" + raw());
        }
        return lines.getFirst();
    }
}
