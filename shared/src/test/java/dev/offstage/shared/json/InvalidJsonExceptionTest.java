package dev.offstage.shared.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The messages of malformed JSON, which reach API callers: no parser class or method names. */
class InvalidJsonExceptionTest {

    private record Named(String name) {}

    @Test
    void numberOverTheLengthLimitIsDescribedWithoutParserInternals() {
        var error = catchThrowableOfType(InvalidJsonException.class, () -> Json.read("{\"a\":" + "9".repeat(1001) + "}", JsonNode.class));

        assertThat(error.getMessage()).startsWith("Number value length (1001) exceeds the maximum allowed (1000)")
                .doesNotContain("StreamReadConstraints").doesNotContain("`");
    }

    @Test
    void nestingOverTheDepthLimitIsDescribedWithoutParserInternals() {
        var error = catchThrowableOfType(InvalidJsonException.class, () -> Json.tree("[".repeat(1001) + "]".repeat(1001)));

        assertThat(error.getMessage()).contains("exceeds the maximum allowed (1000)").doesNotContain("StreamReadConstraints");
    }

    @Test
    void wrongTypeIsDescribedWithSimpleNames() {
        var error = catchThrowableOfType(InvalidJsonException.class, () -> Json.read("{\"name\":{}}", Named.class));

        assertThat(error.getMessage()).doesNotContain("java.lang").doesNotContain("`").contains("String");
    }
}
