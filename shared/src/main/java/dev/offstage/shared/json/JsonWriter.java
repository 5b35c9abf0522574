package dev.offstage.shared.json;

import java.util.Arrays;

/**
 * Writes one JSON document into a string, token by token, for lines that go to stdout: log lines
 * and CloudWatch metric documents. Not thread-safe; build one per line.
 *
 * <p>{@link Json} is the mapper for objects; this writer exists because those lines are written
 * during a cold start, before anything else needs Jackson, and loading Jackson for them costs
 * more than the rest of logging together (measured: docs/performance.md).
 *
 * <p>Strings are escaped per RFC 8259: quotes, backslashes and control characters always, plus
 * U+2028/U+2029 and unpaired surrogates, so the output is valid JSON and valid UTF-8 whatever the
 * input. The writer places commas and colons; it does not check that calls are well nested.
 */
public final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out;
    /** Per nesting level: whether the next member or element is the first one (no comma). */
    private boolean[] first = new boolean[8];
    private int depth;
    private boolean afterName;

    public JsonWriter() {
        this(new StringBuilder(256));
    }

    /** A writer that appends to {@code out}, so a caller can add a line break without copying. */
    public JsonWriter(StringBuilder out) {
        this.out = out;
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        push();
        return this;
    }

    public JsonWriter endObject() {
        depth--;
        out.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        push();
        return this;
    }

    public JsonWriter endArray() {
        depth--;
        out.append(']');
        return this;
    }

    /** Starts an object member; the next call writes its value. */
    public JsonWriter name(String name) {
        separate();
        appendQuoted(out, name);
        out.append(':');
        afterName = true;
        return this;
    }

    /** A string value, or {@code null}. */
    public JsonWriter value(String value) {
        beforeValue();
        if (value == null) {
            out.append("null");
        } else {
            appendQuoted(out, value);
        }
        return this;
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    /** @throws IllegalArgumentException for NaN and infinities, which JSON cannot represent */
    public JsonWriter value(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("JSON has no representation for " + value);
        }
        beforeValue();
        // Whole numbers print without a fraction: 3 rather than 3.0, as CloudWatch shows them.
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            out.append((long) value);
        } else {
            out.append(value);
        }
        return this;
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** The document so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    /** Appends {@code value} as a quoted, escaped JSON string. */
    public static void appendQuoted(StringBuilder out, String value) {
        out.append('"');
        int length = value.length();
        int plainFrom = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
            } else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x2028 && c != 0x2029) {
                continue;
            }
            out.append(value, plainFrom, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u")
                        .append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        out.append(value, plainFrom, length).append('"');
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
        } else {
            separate();
        }
    }

    private void separate() {
        if (depth == 0) {
            return;
        }
        if (first[depth - 1]) {
            first[depth - 1] = false;
        } else {
            out.append(',');
        }
    }

    private void push() {
        if (depth == first.length) {
            first = Arrays.copyOf(first, depth * 2);
        }
        first[depth++] = true;
    }
}
