package dev.offstage.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.local.lambda.OutputListener;
import dev.offstage.ops.ErrorLine;
import dev.offstage.ops.ErrorLog;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The functions' ERROR log lines, as the local runtime sees them go by: every line of a
 * function's output that is a JSON object with {@code "level":"ERROR"} (the toolkit's structured
 * format: {@code timestamp}, {@code message}, {@code function_request_id}, {@code error_type},
 * {@code error_message}...; the runtime client's uncaught exceptions carry {@code AWSRequestId} and
 * the stack trace in the message, of which the first line is kept). Keeps the last {@code capacity} with their raw text, so that a message
 * id that appears anywhere in a line (the toolkit's {@code sqs_message_id}, or a message) finds it.
 * Thread-safe.
 */
public final class FunctionErrorLog implements ErrorLog, OutputListener {

    private record Entry(ErrorLine line, String raw) {}

    /** Characters kept of a line's message, and of the raw line that message ids are searched in. */
    static final int MAX_MESSAGE = 2_000;
    static final int MAX_RAW = 16_000;

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public FunctionErrorLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void line(String functionLogicalId, String line) {
        // Cheap test first: most lines are INFO and never parsed.
        if (!line.startsWith("{") || !line.contains("\"ERROR\"")) {
            return;
        }
        JsonNode json;
        try {
            json = Json.tree(line);
        } catch (InvalidJsonException e) {
            return;
        }
        if (!json.isObject() || !"ERROR".equals(json.path("level").asText())) {
            return;
        }
        // The first line: the runtime client's own ERROR lines carry the stack trace in the message.
        var text = json.path("message").asText("");
        var message = new StringBuilder(text.lines().findFirst().orElse("").strip());
        var errorType = json.path("error_type").asText("");
        if (!errorType.isEmpty()) {
            message.append(message.isEmpty() ? "" : ": ").append(errorType);
            var errorMessage = json.path("error_message").asText("");
            if (!errorMessage.isEmpty()) {
                message.append(": ").append(errorMessage);
            }
        }
        // The toolkit's key, then the runtime client's (uncaught exceptions in Lambda's JSON format).
        var requestId = json.hasNonNull("function_request_id") ? json.get("function_request_id").asText()
                : json.path("AWSRequestId").asText(null);
        // Bounded per entry too: an ERROR line may carry a whole event, and 500 of them are kept.
        var entry = new Entry(new ErrorLine(timeOf(json), functionLogicalId, requestId, cut(message.toString(), MAX_MESSAGE)),
                cut(line, MAX_RAW));
        synchronized (this) {
            if (entries.size() == capacity) {
                entries.removeFirst();
            }
            entries.addLast(entry);
        }
    }

    @Override
    public synchronized List<ErrorLine> recent(int max) {
        var newestFirst = new ArrayList<ErrorLine>();
        var iterator = entries.descendingIterator();
        while (iterator.hasNext() && newestFirst.size() < max) {
            newestFirst.add(iterator.next().line());
        }
        return newestFirst;
    }

    /** The ERROR lines whose raw text contains {@code messageId}, newest first, at most {@code max}. */
    public synchronized List<ErrorLine> naming(String messageId, int max) {
        var newestFirst = new ArrayList<ErrorLine>();
        var iterator = entries.descendingIterator();
        while (iterator.hasNext() && newestFirst.size() < max) {
            var entry = iterator.next();
            if (entry.raw().contains(messageId)) {
                newestFirst.add(entry.line());
            }
        }
        return newestFirst;
    }

    @Override
    public Optional<String> reasonFor(String messageId) {
        return naming(messageId, 1).stream().findFirst().map(ErrorLine::message);
    }

    private static Instant timeOf(JsonNode json) {
        var time = json.path("timestamp").asText(json.path("time").asText(""));
        try {
            return time.isEmpty() ? Instant.now() : Instant.parse(time);
        } catch (DateTimeParseException e) {
            return Instant.now();
        }
    }
}
