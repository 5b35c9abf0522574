package dev.offstage.testing.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * A request or message body made to break a parser, and what was done to make it (for the failure report).
 *
 * @param kind what was done to the sample, e.g. {@code "wrong type at /version: []"}
 */
public record HostileBody(String kind, byte[] bytes) {

    /** The bytes as a Java string, invalid UTF-8 replaced by U+FFFD (as a text-only channel would carry them). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        var shown = bytes.length <= 300 ? text() : new String(bytes, 0, 300, StandardCharsets.UTF_8) + "…";
        return kind + " (" + bytes.length + " bytes): " + shown.replace("\u0000", "\\u0000");
    }
}
