package dev.offstage.testing.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offstage.testing.LogCapture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every answer to bad input must be: not a 5xx; for a 4xx, the toolkit's one error body
 * ({@code {"error": {"code", "message"}}}) and nothing else; never a stack trace, an exception
 * or class name, or a configured secret — in the answer or in the log lines written meanwhile.
 */
public final class SafeAnswers {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * What leaks look like: stack frames, exception and package names of Offstage, the JDK, Jackson
     * and the SDK, and the back-quoted type and method names Jackson puts in its messages.
     */
    private static final Pattern LEAK = Pattern.compile(
            "\\bat (dev|java|jdk|com|software|org)\\.|Exception|Error:|dev\\.offstage\\.|java\\.(lang|util|io)\\.|com\\.fasterxml"
                    + "|software\\.amazon|Caused by|`[\\w$.]+(\\(\\))?`|StreamReadConstraints");

    private SafeAnswers() {}

    /**
     * Asserts {@code response} is a safe answer to bad (or good) input.
     *
     * @param secrets values configured for the function that must never be shown
     */
    public static void assertSafe(APIGatewayV2HTTPResponse response, String... secrets) {
        assertThat(response).as("answer").isNotNull();
        assertThat(response.getStatusCode()).as("status of %s", response.getBody()).isBetween(200, 499);
        var body = response.getBody() == null ? "" : response.getBody();
        for (var secret : secrets) {
            assertThat(body).as("answer body").doesNotContain(secret);
        }
        if (response.getStatusCode() >= 400) {
            assertThat(response.getIsBase64Encoded()).isFalse();
            JsonNode json;
            try {
                json = MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("The error body is not JSON: " + body, e);
            }
            assertThat(json.isObject() && json.size() == 1 && json.path("error").isObject()).as("error body %s", body).isTrue();
            var error = json.get("error");
            assertThat(error.path("code").isTextual() && error.path("message").isTextual() && error.size() == 2)
                    .as("error body %s", body).isTrue();
            assertThat(error.get("code").asText()).matches("[a-z_]+");
            assertThat(LEAK.matcher(error.get("message").asText()).find()).as("leak in %s", body).isFalse();
        }
    }

    /** Asserts no captured log line is an error (the 500 path logs one with its stack) or shows a secret. */
    public static void assertLogsClean(List<LogCapture.LogLine> lines, String... secrets) {
        for (var line : lines) {
            assertThat(line.level().toString()).as("level of log line %s", line.fields()).isNotEqualTo("ERROR");
            for (var secret : secrets) {
                assertThat(line.fields().toString()).as("log line").doesNotContain(secret);
            }
        }
    }
}
