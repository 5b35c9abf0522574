package dev.offstage.testing.fuzz;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Bodies that are almost, or not at all, a valid JSON sample: truncated, bytes flipped, invalid
 * UTF-8 inside strings, a BOM, NUL bytes, each field given a value of every wrong type (huge
 * numbers, 10 000-level nesting, strings over the size limits, lone surrogate escapes), fields
 * removed, keys duplicated, trailing garbage, other JSON documents and random bytes. A few are
 * the sample itself, so the accepting path is exercised too.
 */
public final class HostileJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Stands in for a raw JSON text spliced into the serialised sample. */
    private static final String PLACEHOLDER = "\u0001offstage-fuzz-placeholder\u0001";
    private static final String PLACEHOLDER_JSON = "\"\\u0001offstage-fuzz-placeholder\\u0001\"";

    /** Raw JSON values of every type, plus texts that are not JSON at all. */
    static final List<String> WRONG_VALUES = List.of(
            "null", "true", "false", "0", "-1", "1.5", "-0", "1e309", "-1e-400", "1E2",
            "18446744073709551616", "9007199254740993", "4611686018427387904", "-9223372036854775808", "9223372036854775807", "1" + "0".repeat(1000), "0." + "1".repeat(2000),
            "\"\"", "\" \"", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\uffff\"", "\"\\ufeff\"",
            "\"7\"", "\"true\"", "\"2026-02-30T25:61:00Z\"", "\"../../etc/passwd\"", "\"%zz%\"", "\"<script>alert(1)</script>\"",
            "\"a,b\"", "\"refs/heads/\\u0007\"", "\"work/x/../../y\"", "\"\\n\\r\\t\"",
            "[]", "[null]", "[1,\"a\",{}]", "{}", "{\"\":null}", "{\"$ref\":\"#\"}",
            "NaN", "Infinity", "'single'", "tru", "undefined", "0x10", "+1", "01", "[", "{", "\"unterminated");

    private static final byte[][] INVALID_UTF8 = {
            {(byte) 0xC3, 0x28}, {(byte) 0xA0, (byte) 0xA1}, {(byte) 0xE2, 0x28, (byte) 0xA1}, {(byte) 0xF0, 0x28, (byte) 0x8C, (byte) 0xBC},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE0, (byte) 0x80}};

    private static final List<String> OTHER_DOCUMENTS = List.of(
            "", " ", "\n\t ", "null", "[]", "{}", "\"text\"", "0", "true", "{", "}", "[{}]", "{\"a\":1}{\"a\":2}", "{,}", "{\"a\"}",
            "{\"a\":1,}", "/* comment */ {}", "\u0000", "\uFEFF{}");

    private HostileJson() {}

    /** Hostile variants of {@code sample}, which must be a JSON object or array. */
    public static Gen<HostileBody> variantsOf(String sample) {
        var bytes = sample.getBytes(StandardCharsets.UTF_8);
        JsonNode tree;
        try {
            tree = MAPPER.readTree(sample);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("The sample is not JSON", e);
        }
        var pointers = pointers(tree);
        var topLevelKeys = new ArrayList<String>();
        tree.fieldNames().forEachRemaining(topLevelKeys::add);
        return Gen.oneOf(
                random -> new HostileBody("the sample", bytes.clone()),
                random -> truncated(bytes, random),
                random -> flipped(bytes, random),
                random -> invalidUtf8(bytes, random),
                random -> new HostileBody("with a byte order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes)),
                random -> nul(bytes, random),
                random -> wrongType(tree, pointers, random),
                random -> wrongType(tree, pointers, random),
                random -> wrongType(tree, pointers, random),
                random -> removed(tree, pointers, random),
                random -> duplicateKey(sample, topLevelKeys, random),
                random -> nested(tree, pointers, random),
                random -> huge(tree, pointers, random),
                random -> new HostileBody("with trailing garbage", (sample + Gen.pick(List.of("}", ",{}", " {}", "\u0000", "]", "x"))
                        .next(random)).getBytes(StandardCharsets.UTF_8)),
                random -> otherDocument(random),
                HostileJson::randomBytes);
    }

    /** Random bytes, up to 512 of them. */
    public static HostileBody randomBytes(SplittableRandom random) {
        var bytes = new byte[random.nextInt(513)];
        random.nextBytes(bytes);
        return new HostileBody("random bytes", bytes);
    }

    /** A JSON document that is not the sample's shape (or not JSON at all). */
    public static HostileBody otherDocument(SplittableRandom random) {
        if (random.nextInt(4) == 0) {
            var depth = Gen.pick(List.of(999, 1001, 10_000)).next(random);
            return new HostileBody("array nested " + depth + " deep", ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8));
        }
        var document = Gen.pick(OTHER_DOCUMENTS).next(random);
        return new HostileBody("another document: " + document, document.getBytes(StandardCharsets.UTF_8));
    }

    private static HostileBody truncated(byte[] bytes, SplittableRandom random) {
        var length = random.nextInt(bytes.length);
        return new HostileBody("truncated to " + length + " bytes", java.util.Arrays.copyOf(bytes, length));
    }

    private static HostileBody flipped(byte[] bytes, SplittableRandom random) {
        var copy = bytes.clone();
        var flips = 1 + random.nextInt(4);
        var interesting = new byte[] {0x00, (byte) 0xFF, (byte) 0xFE, (byte) 0xC0, (byte) 0x80, (byte) 0xED, '"', '\\', '{', '[', ',', ':', '}', ']'};
        for (var i = 0; i < flips; i++) {
            copy[random.nextInt(copy.length)] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
        }
        return new HostileBody(flips + " bytes changed", copy);
    }

    private static HostileBody invalidUtf8(byte[] bytes, SplittableRandom random) {
        var sequence = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        // Just after an opening quote where there is one: inside a string, where a lenient reader would let it through.
        var quotes = new ArrayList<Integer>();
        for (var i = 0; i < bytes.length; i++) {
            if (bytes[i] == '"') {
                quotes.add(i + 1);
            }
        }
        int at = quotes.isEmpty() ? random.nextInt(bytes.length + 1) : quotes.get(random.nextInt(quotes.size()));
        return new HostileBody("invalid UTF-8 " + java.util.HexFormat.of().formatHex(sequence) + " at byte " + at, insert(bytes, at, sequence));
    }

    private static HostileBody nul(byte[] bytes, SplittableRandom random) {
        var at = random.nextInt(bytes.length + 1);
        return new HostileBody("NUL at byte " + at, insert(bytes, at, new byte[] {0}));
    }

    private static HostileBody wrongType(JsonNode tree, List<JsonPointer> pointers, SplittableRandom random) {
        var pointer = Gen.pick(pointers).next(random);
        var value = Gen.pick(WRONG_VALUES).next(random);
        return new HostileBody("wrong type at " + pointer + ": " + Fuzz.abbreviate(value), replaced(tree, pointer, value));
    }

    private static HostileBody removed(JsonNode tree, List<JsonPointer> pointers, SplittableRandom random) {
        var pointer = Gen.pick(pointers).next(random);
        var copy = tree.deepCopy();
        var parent = copy.at(pointer.head());
        if (parent instanceof ObjectNode object) {
            object.remove(pointer.last().getMatchingProperty());
        } else if (parent instanceof ArrayNode array) {
            array.remove(pointer.last().getMatchingIndex());
        }
        return new HostileBody("without " + pointer, write(copy));
    }

    private static HostileBody duplicateKey(String sample, List<String> keys, SplittableRandom random) {
        if (keys.isEmpty() || !sample.stripLeading().startsWith("{")) {
            return otherDocument(random);
        }
        var key = Gen.pick(keys).next(random);
        var value = Gen.pick(WRONG_VALUES).next(random);
        var open = sample.indexOf('{');
        // Before the original: a reader that keeps the last one sees the sample, one that keeps the first sees the wrong value.
        var text = sample.substring(0, open + 1) + quote(key) + ":" + value + "," + sample.substring(open + 1);
        return new HostileBody("duplicate key " + key + " (first " + Fuzz.abbreviate(value) + ")", text.getBytes(StandardCharsets.UTF_8));
    }

    private static HostileBody nested(JsonNode tree, List<JsonPointer> pointers, SplittableRandom random) {
        var pointer = Gen.pick(pointers).next(random);
        var depth = Gen.pick(List.of(100, 999, 1001, 10_000)).next(random);
        var raw = random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
        return new HostileBody("nested " + depth + " deep at " + pointer, replaced(tree, pointer, raw));
    }

    private static HostileBody huge(JsonNode tree, List<JsonPointer> pointers, SplittableRandom random) {
        var pointer = Gen.pick(pointers).next(random);
        var length = Gen.pick(List.of(1_001, 20_001, 70_000, 300_000)).next(random);
        var unit = Gen.pick(List.of("x", "é", "😀", "\\u0000", " ")).next(random);
        if (random.nextInt(4) == 0) {
            return new HostileBody("a " + length + "-digit number at " + pointer, replaced(tree, pointer, "9".repeat(length)));
        }
        return new HostileBody(length + " times '" + unit + "' at " + pointer, replaced(tree, pointer, "\"" + unit.repeat(length) + "\""));
    }

    /** The sample with the value at {@code pointer} replaced by the raw JSON text {@code raw}. */
    private static byte[] replaced(JsonNode tree, JsonPointer pointer, String raw) {
        var copy = tree.deepCopy();
        var parent = copy.at(pointer.head());
        if (parent instanceof ObjectNode object) {
            object.put(pointer.last().getMatchingProperty(), PLACEHOLDER);
        } else if (parent instanceof ArrayNode array) {
            array.set(pointer.last().getMatchingIndex(), PLACEHOLDER);
        }
        var text = new String(write(copy), StandardCharsets.UTF_8);
        return text.replace(PLACEHOLDER_JSON, raw).getBytes(StandardCharsets.UTF_8);
    }

    /** Every member and element of {@code tree}, as pointers; the root itself when it has none. */
    static List<JsonPointer> pointers(JsonNode tree) {
        var pointers = new ArrayList<JsonPointer>();
        collect(tree, JsonPointer.empty(), pointers, 0);
        if (pointers.isEmpty()) {
            throw new IllegalArgumentException("The sample has no members to change");
        }
        return pointers;
    }

    private static void collect(JsonNode node, JsonPointer at, List<JsonPointer> pointers, int depth) {
        if (depth > 8) {
            return;
        }
        if (node.isObject()) {
            node.properties().forEach(member -> {
                var pointer = at.appendProperty(member.getKey());
                pointers.add(pointer);
                collect(member.getValue(), pointer, pointers, depth + 1);
            });
        } else if (node.isArray()) {
            for (var i = 0; i < node.size(); i++) {
                var pointer = at.appendIndex(i);
                pointers.add(pointer);
                collect(node.get(i), pointer, pointers, depth + 1);
            }
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] insert(byte[] bytes, int at, byte[] inserted) {
        var out = new ByteArrayOutputStream(bytes.length + inserted.length);
        out.write(bytes, 0, at);
        out.write(inserted, 0, inserted.length);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        return insert(second, 0, first);
    }
}
