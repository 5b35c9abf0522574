package dev.offstage.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Lambda's error JSON, as the runtime interface client posts it and {@code Invoke} returns it:
 * {@code {"errorMessage":…,"errorType":…,"stackTrace":[…]}}.
 */
record ErrorDocument(String errorType, String errorMessage, List<String> stackTrace) {

    ErrorDocument {
        stackTrace = List.copyOf(stackTrace);
    }

    static ErrorDocument of(String errorType, String errorMessage) {
        return new ErrorDocument(errorType, errorMessage, List.of());
    }

    /**
     * Reads a runtime's error document; {@code fallbackType} (the error-type header) stands in for a
     * missing {@code errorType}, and a body that is not an error document becomes the message.
     */
    static ErrorDocument parse(byte[] document, String fallbackType) {
        var text = new String(document, StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = Json.tree(text);
        } catch (InvalidJsonException e) {
            return of(fallbackType, text);
        }
        if (!tree.isObject()) {
            return of(fallbackType, text);
        }
        var type = tree.path("errorType").asText("");
        var trace = new ArrayList<String>();
        tree.path("stackTrace").forEach(frame -> trace.add(frame.asText()));
        return new ErrorDocument(type.isEmpty() ? fallbackType : type, tree.path("errorMessage").asText(""), trace);
    }

    byte[] toJson() {
        var document = new LinkedHashMap<String, Object>();
        document.put("errorMessage", errorMessage);
        document.put("errorType", errorType);
        if (!stackTrace.isEmpty()) {
            document.put("stackTrace", stackTrace);
        }
        return Json.write(document).getBytes(StandardCharsets.UTF_8);
    }
}
