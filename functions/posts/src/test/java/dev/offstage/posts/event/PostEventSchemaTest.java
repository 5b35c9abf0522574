package dev.offstage.posts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The schema file and the parser cannot drift apart: their constants are compared, and a table of
 * good and bad events is judged by both — by the parser, and by a small evaluator of the schema
 * keywords the file uses (it fails on any other keyword, so a schema change forces this test to
 * follow).
 */
class PostEventSchemaTest {

    private static final JsonNode SCHEMA = loadSchema();

    @Test
    void schemaIsDraft2020AndAllowsUnknownProperties() {
        assertThat(SCHEMA.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(SCHEMA.path("additionalProperties").asBoolean()).isTrue();
    }

    @Test
    void requiredFieldsAgree() {
        assertThat(strings(SCHEMA.path("required"))).isEqualTo(PostEventFormat.REQUIRED);
        var textRule = SCHEMA.path("allOf").get(0);
        assertThat(strings(textRule.at("/if/properties/type/enum"))).containsExactly("post.created", "post.updated");
        assertThat(strings(textRule.at("/then/required"))).containsExactly("text");
    }

    @Test
    void typesAgree() {
        var wireNames = Stream.of(PostEvent.Type.values()).map(PostEvent.Type::wireName).toList();
        assertThat(strings(property("type").path("enum"))).isEqualTo(wireNames);
    }

    @Test
    void limitsAndPatternsAgree() {
        assertThat(property("postId").path("pattern").asText()).isEqualTo(PostEventFormat.ID_PATTERN);
        assertThat(property("authorId").path("pattern").asText()).isEqualTo(PostEventFormat.ID_PATTERN);
        assertThat(property("version").path("minimum").asLong()).isEqualTo(1);
        assertThat(property("version").path("maximum").asLong()).isEqualTo(PostEventFormat.MAX_VERSION);
        assertThat(property("text").path("maxLength").asInt()).isEqualTo(PostEventFormat.MAX_TEXT_LENGTH);
        assertThat(property("text").path("pattern").asText()).isEqualTo(PostEventFormat.TEXT_PATTERN);
        assertThat(property("createdAt").path("pattern").asText()).isEqualTo(PostEventFormat.DATE_TIME_PATTERN);
        assertThat(property("occurredAt").path("pattern").asText()).isEqualTo(PostEventFormat.DATE_TIME_PATTERN);
        assertThat(property("lang").path("pattern").asText()).isEqualTo(PostEventFormat.LANG_PATTERN);
    }

    static Stream<Arguments> examples() {
        var examples = new ArrayList<Examples>(List.of(
                Examples.created(), Examples.updated(), Examples.deleted(),
                Examples.deleted().with("text", "\"\""), Examples.deleted().with("text", "null"),
                Examples.created().with("text", "\"\""), Examples.created().without("lang"),
                Examples.created().with("lang", "null"), Examples.created().with("lang", "\"pt-BR\""),
                Examples.created().with("lang", "\"es-419\""), Examples.created().with("lang", "\"en-us\""),
                Examples.created().with("version", "9007199254740991"),
                Examples.created().with("createdAt", "\"2026-11-27T09:30:00.123456789+01:00\""),
                Examples.created().with("extra", "{\"nested\":[1,2.5,\"x\"]}"),
                Examples.created().with("text", Examples.repeated("😀", 20_000)),
                // Bad ones.
                Examples.created().without("type"), Examples.created().with("type", "\"post.liked\""),
                Examples.created().with("type", "null"), Examples.created().without("postId"),
                Examples.created().with("postId", "\"\""), Examples.created().with("postId", "\"a b\""),
                Examples.created().with("postId", "\"abc\\n\""), Examples.created().with("postId", Examples.repeated("x", 129)),
                Examples.created().with("authorId", "\"a#b\""), Examples.created().with("version", "\"2\""),
                Examples.created().with("version", "0"), Examples.created().with("version", "-3"),
                Examples.created().with("version", "2.5"), Examples.created().with("version", "9007199254740992"),
                Examples.created().with("version", "true"), Examples.created().without("text"),
                Examples.updated().with("text", "null"), Examples.created().with("text", "{}"),
                Examples.deleted().with("text", "false"), Examples.created().with("text", Examples.repeated("b", 20_001)),
                Examples.created().with("text", "\"\\udc00\""), Examples.created().with("text", "\"\\ufffe\""),
                Examples.created().with("createdAt", "\"yesterday\""), Examples.created().with("createdAt", "\"2026-11-27 08:30:00Z\""),
                Examples.created().with("occurredAt", "\"2026-13-01T00:00:00Z\""), Examples.created().without("occurredAt"),
                Examples.created().with("lang", "\"english\""), Examples.created().with("lang", "\"zh-Hant\""),
                Examples.created().with("lang", "[\"en\"]")));
        return examples.stream().map(example -> Arguments.of(example.json().length() > 200
                ? example.json().substring(0, 200) + "…" : example.json(), example));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void schemaAndParserAgree(String description, Examples example) {
        var document = Json.tree(example.json());
        boolean schemaAccepts = valid(SCHEMA, document);
        boolean parserAccepts;
        try {
            PostEventFormat.parse(example.bytes());
            parserAccepts = true;
        } catch (InvalidPostEventException refused) {
            parserAccepts = false;
        }
        assertThat(parserAccepts).as("parser accepts, as the schema does (%s)", schemaAccepts).isEqualTo(schemaAccepts);
    }

    /** The keywords post-event.schema.json uses, evaluated as draft 2020-12 says; any other fails the test. */
    private static boolean valid(JsonNode schema, JsonNode value) {
        boolean valid = true;
        for (var keyword : (Iterable<String>) schema::fieldNames) {
            var rule = schema.get(keyword);
            valid &= switch (keyword) {
                case "$schema", "$id", "title", "description", "additionalProperties" -> true;
                case "type" -> rule.isArray()
                        ? strings(rule).stream().anyMatch(type -> hasType(value, type))
                        : hasType(value, rule.asText());
                case "enum" -> value.isTextual() && strings(rule).contains(value.asText());
                case "required" -> !value.isObject() || strings(rule).stream().allMatch(value::has);
                case "properties" -> !value.isObject() || strings(fieldNames(rule)).stream()
                        .allMatch(name -> !value.has(name) || valid(rule.get(name), value.get(name)));
                case "pattern" -> !value.isTextual() || anchored(rule.asText()).matcher(value.asText()).matches();
                case "maxLength" -> !value.isTextual()
                        || value.asText().codePointCount(0, value.asText().length()) <= rule.asInt();
                case "minimum" -> !value.isNumber() || value.decimalValue().compareTo(rule.decimalValue()) >= 0;
                case "maximum" -> !value.isNumber() || value.decimalValue().compareTo(rule.decimalValue()) <= 0;
                case "format" -> !value.isTextual() || !rule.asText().equals("date-time") || isDateTime(value.asText());
                case "allOf" -> {
                    boolean all = true;
                    for (var subschema : rule) {
                        all &= valid(subschema, value);
                    }
                    yield all;
                }
                case "if" -> !valid(rule, value) || valid(schema.path("then"), value);
                case "then" -> true; // evaluated with "if"
                default -> PostEventSchemaTest.<Boolean>unevaluated("The schema uses %s, which this test does not evaluate yet", keyword);
            };
        }
        return valid;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "string" -> value.isTextual();
            case "null" -> value.isNull();
            // Stricter than the draft, which counts 1.0 as an integer; the schema's description says so.
            case "integer" -> value.isIntegralNumber();
            default -> PostEventSchemaTest.<Boolean>unevaluated("type %s is not evaluated", type);
        };
    }

    /** Every pattern is anchored, so matching the whole string is what ECMA-262's search means here. */
    private static Pattern anchored(String pattern) {
        assertThat(pattern).startsWith("^").endsWith("$");
        return Pattern.compile(pattern);
    }

    /** RFC 3339 date-time, as a format-asserting validator checks it. */
    private static boolean isDateTime(String text) {
        try {
            OffsetDateTime.parse(text.toUpperCase(Locale.ROOT));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static <T> T unevaluated(String message, Object... arguments) {
        return fail(message, arguments);
    }

    private static JsonNode property(String name) {
        var property = SCHEMA.path("properties").path(name);
        assertThat(property.isObject()).as("schema property %s", name).isTrue();
        return property;
    }

    private static JsonNode fieldNames(JsonNode object) {
        var names = Json.mapper().createArrayNode();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        var strings = new ArrayList<String>();
        array.forEach(element -> strings.add(element.asText()));
        return strings;
    }

    private static JsonNode loadSchema() {
        try (var in = PostEventSchemaTest.class.getResourceAsStream("/post-event.schema.json")) {
            assertThat(in).as("post-event.schema.json on the classpath").isNotNull();
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void evaluatorKnowsEveryKeywordInTheSchema() {
        // A cheap guard that the table above exercises the evaluator at all.
        assertThat(valid(SCHEMA, Json.tree(Examples.created().json()))).isTrue();
        assertThat(valid(SCHEMA, Json.tree("[]"))).isFalse();
        assertThat(Set.of(PostEventFormat.REQUIRED.toArray())).doesNotContain("text", "lang");
    }
}
