package dev.offstage.ops.aws;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORGenerator;

/**
 * Just enough CBOR for the CloudWatch protocol fake (smithy-rpcv2-cbor, which the SDK's CloudWatch
 * client speaks): bodies to and from plain maps, lists, strings, numbers and booleans, instants as
 * epoch-seconds timestamps (tag 1). Uses the SDK's own shaded Jackson CBOR.
 */
final class Cbor {

    private static final CBORFactory FACTORY = new CBORFactory();

    private Cbor() {}

    static Object read(byte[] bytes) {
        try (var parser = FACTORY.createParser(bytes)) {
            parser.nextToken();
            return value(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser parser) throws IOException {
        var token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            var map = new LinkedHashMap<String, Object>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                var name = parser.currentName();
                parser.nextToken();
                map.put(name, value(parser));
            }
            return map;
        }
        if (token == JsonToken.START_ARRAY) {
            var list = new ArrayList<Object>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                list.add(value(parser));
            }
            return list;
        }
        return switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> null;
        };
    }

    static byte[] write(Object value) {
        var bytes = new ByteArrayOutputStream();
        try (var generator = (CBORGenerator) FACTORY.createGenerator(bytes)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(CBORGenerator generator, Object value) throws IOException {
        switch (value) {
            case Map<?, ?> map -> {
                generator.writeStartObject();
                for (var entry : map.entrySet()) {
                    generator.writeFieldName(entry.getKey().toString());
                    write(generator, entry.getValue());
                }
                generator.writeEndObject();
            }
            case List<?> list -> {
                generator.writeStartArray();
                for (var item : list) {
                    write(generator, item);
                }
                generator.writeEndArray();
            }
            case String text -> generator.writeString(text);
            case Integer number -> generator.writeNumber(number);
            case Long number -> generator.writeNumber(number);
            case Double number -> generator.writeNumber(number);
            case Boolean flag -> generator.writeBoolean(flag);
            case Instant instant -> {
                generator.writeTag(1);
                generator.writeNumber(instant.toEpochMilli() / 1000.0);
            }
            default -> throw new IllegalArgumentException("no CBOR for " + value);
        }
    }
}
