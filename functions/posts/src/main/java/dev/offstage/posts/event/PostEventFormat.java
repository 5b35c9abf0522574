package dev.offstage.posts.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.offstage.shared.json.InvalidJsonException;
import dev.offstage.shared.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The wire format of post events: JSON as described by {@code post-event.schema.json} (on the
 * classpath, and in docs/post-events.md), enforced here by hand — the constants below are the
 * schema's, and PostEventSchemaTest checks that the two agree.
 *
 * <p>Stricter than a lenient JSON binding on purpose: bytes must be valid UTF-8, keys unique,
 * numbers numbers (no {@code "7"} for 7, no {@code 7.0}), strings strings. The first violation
 * found is reported, checked in the schema's property order. Properties the schema does not list
 * are allowed and skipped (forward compatibility), but must still be well-formed JSON.
 *
 * <p>Thread-safe and stateless.
 */
public final class PostEventFormat {

    /** SQS's message size limit, which POST /posts applies too (413 above it). */
    public static final int MAX_EVENT_BYTES = 256 * 1024;
    /**
     * In code points, as JSON Schema counts {@code maxLength}. Worst case, every character
     * written as a 6-byte {@code \u0001} escape: 120 000 bytes, so the canonical event
     * ({@link #write}) stays far under {@link #MAX_EVENT_BYTES} whatever the text.
     */
    public static final int MAX_TEXT_LENGTH = 20_000;
    /** 2^53-1: the largest integer every JSON reader (JavaScript's included) holds exactly. */
    public static final long MAX_VERSION = 9_007_199_254_740_991L;

    static final List<String> REQUIRED = List.of("type", "postId", "version", "authorId", "createdAt", "occurredAt");
    static final String ID_PATTERN = "^[A-Za-z0-9_-]{1,128}$";
    /** No lone surrogates (from {@code \ud800} escapes) and no U+FFFE/U+FFFF, which SQS refuses to carry. */
    static final String TEXT_PATTERN = "^[^\\uD800-\\uDFFF\\uFFFE\\uFFFF]*$";
    /** RFC 3339 date-time (seconds and offset required), as JSON Schema's {@code date-time} format. */
    static final String DATE_TIME_PATTERN =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})$";
    static final String LANG_PATTERN = "^[a-z]{2,3}(-([A-Za-z]{2}|[0-9]{3}))?$";

    private static final Pattern ID = Pattern.compile(ID_PATTERN);
    private static final Pattern DATE_TIME = Pattern.compile(DATE_TIME_PATTERN);
    private static final Pattern LANG = Pattern.compile(LANG_PATTERN);
    private static final String TYPES = "post.created, post.updated, post.deleted";
    // The shared mapper's factory: same Jackson configuration, streaming so every token is checked.
    private static final JsonFactory FACTORY = Json.mapper().getFactory();

    private PostEventFormat() {}

    /**
     * Reads one event from the bytes a client sent.
     *
     * @throws InvalidPostEventException when the bytes are over {@link #MAX_EVENT_BYTES}, not
     *     strict UTF-8, not JSON, or not a post event as the schema says
     */
    public static PostEvent parse(byte[] utf8) {
        if (utf8.length > MAX_EVENT_BYTES) {
            throw new InvalidPostEventException("", "is larger than " + MAX_EVENT_BYTES + " bytes");
        }
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidPostEventException("", "is not valid UTF-8");
        }
        return parse(json);
    }

    /**
     * Reads one event from text already decoded (an SQS message body).
     *
     * @throws InvalidPostEventException when the text is not JSON or not a post event as the schema says
     */
    public static PostEvent parse(String json) {
        if (json.isBlank()) {
            throw new InvalidPostEventException("", "is empty; a JSON object is required");
        }
        Map<String, Value> fields;
        try {
            fields = readTopLevel(json);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a String does no I/O
        }
        return validate(fields);
    }

    /**
     * The canonical JSON of {@code event}, UTF-8: the schema's properties in its order, dates in
     * UTC as {@link Instant#toString()} writes them, {@code lang} only when known. What the
     * fan-out sends; {@link #parse(byte[])} reads it back equal.
     */
    public static byte[] write(PostEvent event) {
        var out = new ByteArrayOutputStream(256 + event.text().length());
        try (var generator = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            generator.writeStartObject();
            generator.writeStringField("type", event.type().wireName());
            generator.writeStringField("postId", event.postId());
            generator.writeNumberField("version", event.version());
            generator.writeStringField("authorId", event.authorId());
            generator.writeStringField("text", event.text());
            generator.writeStringField("createdAt", event.createdAt().toString());
            generator.writeStringField("occurredAt", event.occurredAt().toString());
            if (event.lang() != null) {
                generator.writeStringField("lang", event.lang());
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does no I/O
        }
        return out.toByteArray();
    }

    /** A property's value as read: its token, and the string or number it holds. */
    private record Value(JsonToken token, String string, JsonParser.NumberType numberType, long number) {}

    private static Map<String, Value> readTopLevel(String json) throws IOException {
        var fields = new HashMap<String, Value>();
        try (var parser = FACTORY.createParser(json)) {
            // Per parser, not on the shared mapper: {"version":1,"version":9} must not mean whichever comes last.
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            try {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    throw new InvalidPostEventException("", "must be a JSON object");
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    var name = parser.currentName();
                    var token = parser.nextToken();
                    fields.put(name, switch (token) {
                        case VALUE_STRING -> new Value(token, parser.getText(), null, 0);
                        case VALUE_NUMBER_INT -> {
                            var type = parser.getNumberType();
                            yield new Value(token, null, type, type == JsonParser.NumberType.BIG_INTEGER ? 0 : parser.getLongValue());
                        }
                        default -> {
                            parser.skipChildren(); // unknown properties too: still parsed, duplicates still refused
                            yield new Value(token, null, null, 0);
                        }
                    });
                }
                if (parser.nextToken() != null) {
                    throw new InvalidPostEventException("", "has content after the JSON object");
                }
            } catch (JsonProcessingException e) {
                if (e.getOriginalMessage().startsWith("Duplicate field")) {
                    // The parser's context names the repeated key at the moment it refused it.
                    throw new InvalidPostEventException(parser.getParsingContext().pathAsPointer().toString(),
                            "appears more than once");
                }
                throw e;
            }
        }
        return fields;
    }

    private static InvalidPostEventException malformed(JsonProcessingException e) {
        return new InvalidPostEventException("", "is not valid JSON: " + new InvalidJsonException(e).getMessage());
    }

    private static PostEvent validate(Map<String, Value> fields) {
        var type = PostEvent.Type.of(string(fields, "type", "a string, one of " + TYPES))
                .orElseThrow(() -> new InvalidPostEventException("/type", "must be one of " + TYPES));
        var postId = id(fields, "postId");
        var version = version(fields);
        var authorId = id(fields, "authorId");
        var text = text(fields, type);
        var createdAt = dateTime(fields, "createdAt");
        var occurredAt = dateTime(fields, "occurredAt");
        var lang = optionalString(fields, "lang", "a language tag");
        if (lang != null && !LANG.matcher(lang).matches()) {
            throw new InvalidPostEventException("/lang",
                    "must be a BCP 47 language in lower case, optionally with a region (en, pt-BR, es-419)");
        }
        return new PostEvent(type, postId, version, authorId, text, createdAt, occurredAt, lang);
    }

    private static String string(Map<String, Value> fields, String name, String expected) {
        var value = fields.get(name);
        if (value == null) {
            throw new InvalidPostEventException("/" + name, "is required");
        }
        if (value.token() != JsonToken.VALUE_STRING) {
            throw new InvalidPostEventException("/" + name, "must be " + expected + ", was " + describe(value.token()));
        }
        return value.string();
    }

    /** The string, or null when the property is absent or JSON null. */
    private static String optionalString(Map<String, Value> fields, String name, String expected) {
        var value = fields.get(name);
        return value == null || value.token() == JsonToken.VALUE_NULL ? null : string(fields, name, expected);
    }

    private static String id(Map<String, Value> fields, String name) {
        var id = string(fields, name, "a string");
        if (!ID.matcher(id).matches()) {
            throw new InvalidPostEventException("/" + name, "must be 1 to 128 characters from A-Z, a-z, 0-9, _ and -");
        }
        return id;
    }

    private static long version(Map<String, Value> fields) {
        var value = fields.get("version");
        if (value == null) {
            throw new InvalidPostEventException("/version", "is required");
        }
        if (value.token() == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidPostEventException("/version", "must be an integer written without fraction or exponent");
        }
        if (value.token() != JsonToken.VALUE_NUMBER_INT) {
            throw new InvalidPostEventException("/version", "must be an integer, was " + describe(value.token()));
        }
        if (value.numberType() == JsonParser.NumberType.BIG_INTEGER || value.number() < 1 || value.number() > MAX_VERSION) {
            throw new InvalidPostEventException("/version", "must be from 1 to " + MAX_VERSION);
        }
        return value.number();
    }

    private static String text(Map<String, Value> fields, PostEvent.Type type) {
        var text = type == PostEvent.Type.DELETED
                ? optionalString(fields, "text", "a string")
                : string(fields, "text", "a string");
        if (text == null) {
            return "";
        }
        // Length first: the check then never scans more than MAX_TEXT_LENGTH code points.
        int length = text.codePointCount(0, text.length());
        if (length > MAX_TEXT_LENGTH) {
            throw new InvalidPostEventException("/text", "must be at most " + MAX_TEXT_LENGTH + " characters, was " + length);
        }
        if (!isValidUnicode(text)) {
            throw new InvalidPostEventException("/text",
                    "must be valid Unicode: no unpaired surrogate escapes, no U+FFFE or U+FFFF");
        }
        // A deletion's text is allowed (senders often include the last one) but means nothing.
        return type == PostEvent.Type.DELETED ? "" : text;
    }

    /**
     * {@link #TEXT_PATTERN} by hand, code point by code point as the regex reads text: a paired
     * surrogate is one supplementary code point and passes, a lone one fails. The regex's
     * Unicode class test per character made it the costliest step of parsing a post
     * (scripts/bench-hotpaths).
     */
    static boolean isValidUnicode(String text) {
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if ((codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint == 0xFFFE || codePoint == 0xFFFF) {
                return false;
            }
            i += Character.charCount(codePoint);
        }
        return true;
    }

    private static Instant dateTime(Map<String, Value> fields, String name) {
        var text = string(fields, name, "a string");
        if (DATE_TIME.matcher(text).matches()) {
            try {
                return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                // Right shape, impossible value (February 30th, hour 25, offset +19:00): same answer.
            }
        }
        throw new InvalidPostEventException("/" + name,
                "must be an RFC 3339 date-time with seconds and offset, e.g. 2026-11-27T08:30:00Z");
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            default -> "not a value";
        };
    }
}
