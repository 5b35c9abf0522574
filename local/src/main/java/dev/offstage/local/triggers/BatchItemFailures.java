package dev.offstage.local.triggers;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a partial batch response ({@code {"batchItemFailures":[{"itemIdentifier":"<messageId>"}]}})
 * with Lambda's rules. A batch is a complete success when the function returns nothing,
 * {@code null}, an object without {@code batchItemFailures}, or an empty or null list. It is a
 * complete failure when the response is not a JSON object, or an entry's {@code itemIdentifier}
 * is missing, null, empty or not a message id of the batch.
 */
final class BatchItemFailures {

    private BatchItemFailures() {}

    /**
     * The message ids the function reported as failed, or empty when Lambda would treat the whole
     * batch as failed (a malformed response).
     */
    static Optional<Set<String>> parse(byte[] payload, Set<String> batchMessageIds) {
        if (payload.length == 0) {
            return Optional.of(Set.of());
        }
        JsonNode response;
        try {
            response = Json.mapper().readTree(payload);
        } catch (IOException malformed) {
            return Optional.empty();
        }
        if (response == null || response.isNull()) {
            return Optional.of(Set.of());
        }
        if (!response.isObject()) {
            return Optional.empty();
        }
        var failures = response.get("batchItemFailures");
        if (failures == null || failures.isNull()) {
            return Optional.of(Set.of());
        }
        if (!failures.isArray()) {
            return Optional.empty();
        }
        var failed = new LinkedHashSet<String>();
        for (var entry : failures) {
            var identifier = entry.get("itemIdentifier");
            if (identifier == null || !identifier.isTextual() || identifier.textValue().isEmpty()
                    || !batchMessageIds.contains(identifier.textValue())) {
                return Optional.empty();
            }
            failed.add(identifier.textValue());
        }
        return Optional.of(Set.copyOf(failed));
    }
}
