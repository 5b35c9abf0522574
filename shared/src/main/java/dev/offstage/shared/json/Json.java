package dev.offstage.shared.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON mapper configuration of Offstage. Thread-safe; built once per JVM.
 *
 * <p>Unknown properties are ignored (events grow fields), dates are written as ISO-8601 strings,
 * and malformed input surfaces as {@link InvalidJsonException} so callers can turn it into a
 * 400 or a dead-lettered message without catching Jackson types.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new JavaTimeModule())
            .build();

    private Json() {}

    /** The shared mapper, for callers that need Jackson's full API. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serialises {@code value} to a JSON string. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot serialise " + value.getClass().getName() + " to JSON", e);
        }
    }

    /** Parses {@code text} into {@code type}. @throws InvalidJsonException when it is not valid JSON of that shape */
    public static <T> T read(String text, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e);
        }
    }

    /** Parses {@code bytes} into {@code type}. @throws InvalidJsonException when it is not valid JSON of that shape */
    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code text} into a tree. @throws InvalidJsonException when it is not valid JSON */
    public static JsonNode tree(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(e);
        }
    }
}
