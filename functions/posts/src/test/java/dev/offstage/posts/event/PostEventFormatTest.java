package dev.offstage.posts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the parser accepts, what it refuses and which field it names, and what the writer writes. */
class PostEventFormatTest {

    @Test
    void createdEventReadsEveryField() {
        var event = PostEventFormat.parse(Examples.created().bytes());

        assertThat(event).isEqualTo(new PostEvent(PostEvent.Type.CREATED, "p-1", 1, "alice_1",
                "Hello, #offstage! Grüße 👋", Instant.parse("2026-11-27T08:30:00Z"),
                Instant.parse("2026-11-27T08:30:00Z"), "en"));
    }

    @Test
    void deletedEventNeedsNoTextAndIgnoresOne() {
        assertThat(PostEventFormat.parse(Examples.deleted().bytes()).text()).isEmpty();
        assertThat(PostEventFormat.parse(Examples.deleted().with("text", "\"last words\"").bytes()).text()).isEmpty();
        assertThat(PostEventFormat.parse(Examples.deleted().with("text", "null").bytes()).text()).isEmpty();
    }

    @Test
    void offsetsAreReadAsInstants() {
        var event = PostEventFormat.parse(Examples.created().with("createdAt", "\"2026-11-27t09:30:00.5+01:00\"").bytes());

        assertThat(event.createdAt()).isEqualTo(Instant.parse("2026-11-27T08:30:00.500Z"));
    }

    @Test
    void textCheckAcceptsExactlyWhatTheSchemaPatternAccepts() {
        var pattern = Pattern.compile(PostEventFormat.TEXT_PATTERN);
        for (var text : List.of("", "plain", "emoji 🌊 and 𝐀", "\uD800", "a\uDC00b", "\uDF0A\uD83C", "x\uD83C",
                "x\uFFFE", "\uFFFF", "\uFFFD is fine", "ends in a pair \uD83C\uDF0A")) {
            assertThat(PostEventFormat.isValidUnicode(text)).as(text).isEqualTo(pattern.matcher(text).matches());
        }
    }

    @Test
    void textWithEmojiIsRead() {
        var event = PostEventFormat.parse(Examples.created().with("text", "\"waves \\ud83c\\udf0a and 🌊\"").json());

        assertThat(event.text()).isEqualTo("waves 🌊 and 🌊");
    }

    @Test
    void unknownPropertiesAreIgnored() {
        var event = PostEventFormat.parse(Examples.created().with("mood", "{\"emoji\":[\"🙂\",1,null]}").bytes());

        assertThat(event.postId()).isEqualTo("p-1");
    }

    @Test
    void writtenEventsReadBackEqual() {
        for (var example : new Examples[] {Examples.created(), Examples.updated(), Examples.deleted(),
                Examples.created().with("text", "\"quote \\\" backslash \\\\ control \\u0001 line\\u2028\"")}) {
            var event = PostEventFormat.parse(example.bytes());
            assertThat(PostEventFormat.parse(PostEventFormat.write(event))).isEqualTo(event);
        }
    }

    @Test
    void canonicalFormFollowsTheSchemaOrderInUtc() {
        var event = PostEventFormat.parse(Examples.updated().with("createdAt", "\"2026-11-27T09:30:00+01:00\"").bytes());

        assertThat(new String(PostEventFormat.write(event), StandardCharsets.UTF_8)).isEqualTo(
                "{\"type\":\"post.updated\",\"postId\":\"p-1\",\"version\":2,\"authorId\":\"alice_1\","
                        + "\"text\":\"Hello again\",\"createdAt\":\"2026-11-27T08:30:00Z\","
                        + "\"occurredAt\":\"2026-11-27T08:31:00.250Z\",\"lang\":\"en\"}");
    }

    @Test
    void longestTextFitsAnSqsMessageEvenFullyEscaped() {
        // Control characters are the costliest to write: six bytes each (\u0001).
        var text = "\u0001".repeat(PostEventFormat.MAX_TEXT_LENGTH);
        var event = new PostEvent(PostEvent.Type.CREATED, "p".repeat(128), PostEventFormat.MAX_VERSION, "a".repeat(128),
                text, Instant.parse("2026-11-27T08:30:00.123456789Z"), Instant.parse("2026-11-27T08:30:00.123456789Z"), "pt-BR");

        var written = PostEventFormat.write(event);

        assertThat(written.length).isLessThan(PostEventFormat.MAX_EVENT_BYTES / 2);
        assertThat(PostEventFormat.parse(written)).isEqualTo(event);
    }

    @Test
    void textLengthCountsCharactersNotUtf16Units() {
        var emoji = Examples.repeated("😀", PostEventFormat.MAX_TEXT_LENGTH);

        assertThat(PostEventFormat.parse(Examples.created().with("text", emoji).bytes()).text())
                .hasSize(2 * PostEventFormat.MAX_TEXT_LENGTH);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refused("missing type", Examples.created().without("type"), "/type", "is required"),
                refused("unknown type", Examples.created().with("type", "\"post.liked\""), "/type",
                        "must be one of post.created, post.updated, post.deleted"),
                refused("type not a string", Examples.created().with("type", "1"), "/type", "was a number"),
                refused("missing postId", Examples.created().without("postId"), "/postId", "is required"),
                refused("postId with a slash", Examples.created().with("postId", "\"a/b\""), "/postId", "1 to 128"),
                refused("postId too long", Examples.created().with("postId", Examples.repeated("a", 129)), "/postId", "1 to 128"),
                refused("postId a number", Examples.created().with("postId", "12"), "/postId", "was a number"),
                refused("missing version", Examples.created().without("version"), "/version", "is required"),
                refused("version as a string", Examples.created().with("version", "\"1\""), "/version", "was a string"),
                refused("version with a fraction", Examples.created().with("version", "1.0"), "/version", "without fraction"),
                refused("version with an exponent", Examples.created().with("version", "1e3"), "/version", "without fraction"),
                refused("version zero", Examples.created().with("version", "0"), "/version", "from 1 to 9007199254740991"),
                refused("version over 2^53-1", Examples.created().with("version", "9007199254740992"), "/version", "from 1"),
                refused("version beyond long", Examples.created().with("version", "99999999999999999999999"), "/version", "from 1"),
                refused("missing authorId", Examples.created().without("authorId"), "/authorId", "is required"),
                refused("authorId null", Examples.created().with("authorId", "null"), "/authorId", "was null"),
                refused("created without text", Examples.created().without("text"), "/text", "is required"),
                refused("updated with null text", Examples.updated().with("text", "null"), "/text", "was null"),
                refused("text an array", Examples.created().with("text", "[\"a\"]"), "/text", "was an array"),
                refused("deleted with a numeric text", Examples.deleted().with("text", "5"), "/text", "was a number"),
                refused("text too long", Examples.created().with("text", Examples.repeated("a", 20_001)), "/text",
                        "at most 20000 characters, was 20001"),
                refused("text with an unpaired surrogate", Examples.created().with("text", "\"a\\ud800b\""), "/text", "Unicode"),
                refused("text with U+FFFF", Examples.created().with("text", "\"a\\uffff\""), "/text", "U+FFFF"),
                refused("text with a lone low surrogate", Examples.created().with("text", "\"a\\udc00\""), "/text", "Unicode"),
                refused("text with surrogates in the wrong order", Examples.created().with("text", "\"\\udf0a\\ud83c\""), "/text", "Unicode"),
                refused("text with U+FFFE", Examples.created().with("text", "\"\\ufffe\""), "/text", "U+FFFE"),
                refused("missing createdAt", Examples.created().without("createdAt"), "/createdAt", "is required"),
                refused("createdAt a date only", Examples.created().with("createdAt", "\"2026-11-27\""), "/createdAt", "RFC 3339"),
                refused("createdAt without offset", Examples.created().with("createdAt", "\"2026-11-27T08:30:00\""), "/createdAt", "RFC 3339"),
                refused("createdAt without seconds", Examples.created().with("createdAt", "\"2026-11-27T08:30Z\""), "/createdAt", "RFC 3339"),
                refused("createdAt February 30th", Examples.created().with("createdAt", "\"2026-02-30T08:30:00Z\""), "/createdAt", "RFC 3339"),
                refused("createdAt epoch millis", Examples.created().with("createdAt", "1764232200000"), "/createdAt", "was a number"),
                refused("missing occurredAt", Examples.created().without("occurredAt"), "/occurredAt", "is required"),
                refused("lang upper case", Examples.created().with("lang", "\"EN\""), "/lang", "BCP 47"),
                refused("lang with underscore", Examples.created().with("lang", "\"en_US\""), "/lang", "BCP 47"),
                refused("lang a number", Examples.created().with("lang", "7"), "/lang", "was a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void schemaViolationsNameTheField(String name, byte[] body, String field, String reason) {
        assertThatThrownBy(() -> PostEventFormat.parse(body))
                .isInstanceOfSatisfying(InvalidPostEventException.class, refusal -> {
                    assertThat(refusal.field()).isEqualTo(field);
                    assertThat(refusal.reason()).contains(reason);
                    assertThat(refusal.getMessage()).startsWith(field.isEmpty() ? "The event " : field + ": ");
                });
    }

    static Stream<Arguments> malformed() {
        var created = Examples.created().json();
        var invalidUtf8 = Examples.created().with("text", "\"\u00ff\"").bytes();
        // Replace the UTF-8 of ÿ (C3 BF) by a lone continuation byte and an overlong form.
        for (int i = 0; i + 1 < invalidUtf8.length; i++) {
            if ((invalidUtf8[i] & 0xFF) == 0xC3 && (invalidUtf8[i + 1] & 0xFF) == 0xBF) {
                invalidUtf8[i] = (byte) 0xC0;
                invalidUtf8[i + 1] = (byte) 0xAF;
            }
        }
        return Stream.of(
                refused("invalid UTF-8", invalidUtf8, "", "is not valid UTF-8"),
                refused("empty body", new byte[0], "", "is empty"),
                refused("not JSON", "post please".getBytes(StandardCharsets.UTF_8), "", "is not valid JSON"),
                refused("truncated", created.substring(0, created.length() - 1).getBytes(StandardCharsets.UTF_8), "", "is not valid JSON"),
                refused("an array", ("[" + created + "]").getBytes(StandardCharsets.UTF_8), "", "must be a JSON object"),
                refused("a string", "\"post\"".getBytes(StandardCharsets.UTF_8), "", "must be a JSON object"),
                refused("two objects", (created + created).getBytes(StandardCharsets.UTF_8), "", "content after"),
                refused("garbage after", (created + " x").getBytes(StandardCharsets.UTF_8), "", "is not valid JSON"),
                refused("duplicate key", created.replace("\"version\":1", "\"version\":1,\"version\":9")
                        .getBytes(StandardCharsets.UTF_8), "/version", "appears more than once"),
                refused("duplicate key in an unknown property", Examples.created().with("extra", "{\"a\":1,\"a\":2}").bytes(),
                        "/extra/a", "appears more than once"),
                refused("over 256 KiB", oversized(), "", "larger than 262144 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedInputIsRefusedAsAWhole(String name, byte[] body, String field, String reason) {
        schemaViolationsNameTheField(name, body, field, reason);
    }

    @Test
    void refusalsNeverEchoTheInput() {
        assertThatThrownBy(() -> PostEventFormat.parse(Examples.created().with("type", "\"s3cr3t-type\"").bytes()))
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> PostEventFormat.parse(Examples.created().with("postId", "\"s3cr3t id\"").bytes()))
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void refusalBecomesA400WithThePointer() {
        var rejection = new InvalidPostEventException("/version", "must be from 1 to 9007199254740991").toApiException();

        assertThat(rejection.status()).isEqualTo(400);
        assertThat(rejection.code()).isEqualTo("invalid_event");
        assertThat(rejection.getMessage()).isEqualTo("/version: must be from 1 to 9007199254740991");
    }

    @Test
    void queueBodiesParseTheSameWay() {
        assertThat(PostEvent.parse(Examples.created().json())).isEqualTo(PostEventFormat.parse(Examples.created().bytes()));
    }

    private static byte[] oversized() {
        var bytes = new byte[PostEventFormat.MAX_EVENT_BYTES + 1];
        Arrays.fill(bytes, (byte) ' ');
        return bytes;
    }

    private static Arguments refused(String name, Examples example, String field, String reason) {
        return refused(name, example.bytes(), field, reason);
    }

    private static Arguments refused(String name, byte[] body, String field, String reason) {
        return Arguments.of(name, body, field, reason);
    }
}
