package dev.offstage.local.triggers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchItemFailuresTest {

    private static final Set<String> BATCH = Set.of("m1", "m2", "m3");

    private static java.util.Optional<Set<String>> parse(String response) {
        return BatchItemFailures.parse(response.getBytes(StandardCharsets.UTF_8), BATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "{}", "{\"batchItemFailures\":null}", "{\"batchItemFailures\":[]}"})
    void emptyResponsesMeanTheWholeBatchSucceeded(String response) {
        assertThat(parse(response)).hasValue(Set.of());
    }

    @Test
    void listedMessagesAreTheFailedOnes() {
        assertThat(parse("{\"batchItemFailures\":[{\"itemIdentifier\":\"m2\"},{\"itemIdentifier\":\"m3\"}]}"))
                .hasValue(Set.of("m2", "m3"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json",
            "[]",
            "\"ok\"",
            "{\"batchItemFailures\":{}}",
            "{\"batchItemFailures\":[{\"itemIdentifier\":\"unknown\"}]}",
            "{\"batchItemFailures\":[{\"itemIdentifier\":\"\"}]}",
            "{\"batchItemFailures\":[{\"itemIdentifier\":null}]}",
            "{\"batchItemFailures\":[{\"id\":\"m1\"}]}"})
    void malformedResponsesFailTheWholeBatch(String response) {
        assertThat(parse(response)).isEmpty();
    }
}
