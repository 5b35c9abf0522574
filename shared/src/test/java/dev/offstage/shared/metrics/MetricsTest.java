package dev.offstage.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.config.Environment;
import dev.offstage.shared.json.Json;
import dev.offstage.shared.logging.Redaction;
import dev.offstage.testing.TestSecrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final long NOW = 1_772_357_400_042L;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Metrics metrics = new Metrics(new MetricsConfig("Offstage", "builds"), out, () -> NOW);

    private List<JsonNode> lines() {
        var raw = out.toString(StandardCharsets.UTF_8);
        assertThat(raw).endsWith("\n");
        return List.of(raw.split("\n")).stream().map(Json::tree).toList();
    }

    private JsonNode line() {
        var lines = lines();
        assertThat(lines).hasSize(1);
        return lines.getFirst();
    }

    /** The EMF specification's rules, checked on every document a test looks at. */
    private static JsonNode directive(JsonNode document) {
        var aws = document.get("_aws");
        assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
        assertThat(aws.get("CloudWatchMetrics").isArray()).isTrue();
        assertThat(aws.get("CloudWatchMetrics")).hasSize(1);
        var directive = aws.get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isNotBlank();
        assertThat(directive.get("Dimensions").isArray()).isTrue();
        for (var dimensionSet : directive.get("Dimensions")) {
            assertThat(dimensionSet.size()).isLessThanOrEqualTo(30);
            for (var dimension : dimensionSet) {
                assertThat(document.get(dimension.asText()).isTextual())
                        .as("dimension %s is a string member of the root", dimension).isTrue();
            }
        }
        assertThat(directive.get("Metrics").size()).isBetween(1, 100);
        for (var definition : directive.get("Metrics")) {
            var target = document.get(definition.get("Name").asText());
            assertThat(target).as("metric %s has a root member", definition.get("Name")).isNotNull();
            if (target.isArray()) {
                assertThat(target.size()).isBetween(1, 100);
                target.forEach(value -> assertThat(value.isNumber()).isTrue());
            } else {
                assertThat(target.isNumber()).isTrue();
            }
        }
        return directive;
    }

    @Test
    void flushWritesOneEmfLineWithMetadataDimensionsAndValues() {
        metrics.put("BuildsQueued", 1, Unit.COUNT)
                .put("QueueDelay", 12.5, Unit.MILLISECONDS)
                .dimension("Pipeline", "site")
                .property("request_id", "req-1");

        metrics.flush();

        var document = line();
        var directive = directive(document);
        assertThat(document.get("_aws").get("Timestamp").asLong()).isEqualTo(NOW);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Offstage");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Service\",\"Pipeline\"]]");
        assertThat(directive.get("Metrics").toString()).isEqualTo(
                "[{\"Name\":\"BuildsQueued\",\"Unit\":\"Count\"},{\"Name\":\"QueueDelay\",\"Unit\":\"Milliseconds\"}]");
        assertThat(document.get("Service").asText()).isEqualTo("builds");
        assertThat(document.get("Pipeline").asText()).isEqualTo("site");
        assertThat(document.get("request_id").asText()).isEqualTo("req-1");
        assertThat(document.get("BuildsQueued").asDouble()).isEqualTo(1.0);
        assertThat(document.get("QueueDelay").asDouble()).isEqualTo(12.5);
    }

    @Test
    void metadataComesFirstSoTheLineReadsAsEmfAtAGlance() {
        metrics.put("X", 1, Unit.COUNT).flush();

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("{\"_aws\":{\"Timestamp\":" + NOW + ",");
    }

    @Test
    void repeatedValuesOfOneMetricBecomeAnArray() {
        metrics.put("Latency", 10, Unit.MILLISECONDS).put("Latency", 20, Unit.MILLISECONDS).put("Latency", 30.5, Unit.MILLISECONDS);

        metrics.flush();

        var document = line();
        directive(document);
        assertThat(document.get("Latency").toString()).isEqualTo("[10,20,30.5]");
    }

    @Test
    void moreThanAHundredMetricsAreSplitIntoSeveralLines() {
        for (int i = 0; i < 250; i++) {
            metrics.put("Metric" + i, i, Unit.COUNT);
        }
        metrics.property("request_id", "req-9");

        metrics.flush();

        var lines = lines();
        assertThat(lines).hasSize(3);
        var names = new HashSet<String>();
        for (var document : lines) {
            var directive = directive(document);
            directive.get("Metrics").forEach(definition -> names.add(definition.get("Name").asText()));
            assertThat(document.get("Service").asText()).isEqualTo("builds");
            assertThat(document.get("request_id").asText()).isEqualTo("req-9");
        }
        assertThat(lines).extracting(document -> directive(document).get("Metrics").size()).containsExactly(100, 100, 50);
        assertThat(names).hasSize(250);
    }

    @Test
    void moreThanAHundredValuesOfOneMetricAreSplitIntoSeveralLines() {
        for (int i = 0; i < 230; i++) {
            metrics.put("Latency", i, Unit.MILLISECONDS);
        }
        metrics.put("Builds", 1, Unit.COUNT);

        metrics.flush();

        var lines = lines();
        assertThat(lines).hasSize(3);
        var values = new ArrayList<Integer>();
        for (var document : lines) {
            directive(document);
            document.get("Latency").forEach(value -> values.add(value.asInt()));
        }
        assertThat(lines).extracting(document -> document.get("Latency").size()).containsExactly(100, 100, 30);
        assertThat(values).hasSize(230).doesNotHaveDuplicates();
        assertThat(lines.getFirst().get("Builds").asInt()).isEqualTo(1);
        assertThat(lines.get(1).has("Builds")).isFalse();
    }

    @Test
    void flushStartsOverButKeepsTheServiceDimension() {
        metrics.put("A", 1, Unit.COUNT).dimension("Pipeline", "site").property("request_id", "req-1").flush();
        metrics.put("B", 2, Unit.COUNT).flush();

        var second = lines().get(1);
        assertThat(second.has("A")).isFalse();
        assertThat(second.has("Pipeline")).isFalse();
        assertThat(second.has("request_id")).isFalse();
        assertThat(directive(second).get("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
    }

    @Test
    void flushWithoutMetricsWritesNothing() {
        metrics.property("request_id", "req-1").flush();

        assertThat(out.size()).isZero();
    }

    @Test
    void withoutAServiceTheDimensionSetIsEmpty() {
        var bare = new Metrics(new MetricsConfig("Offstage", null), out, () -> NOW);

        bare.put("A", 1, Unit.COUNT).flush();

        assertThat(directive(line()).get("Dimensions").toString()).isEqualTo("[[]]");
    }

    @Test
    void thirtyDimensionsAreAllowedAndTheThirtyFirstIsRefused() {
        for (int i = 1; i < 30; i++) {
            metrics.dimension("D" + i, "v");
        }

        assertThatThrownBy(() -> metrics.dimension("D30", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 30 dimensions");
        metrics.dimension("D1", "replaced");   // replacing is not adding
        metrics.put("A", 1, Unit.COUNT).flush();
        var directive = directive(line());
        assertThat(directive.get("Dimensions").get(0)).hasSize(30);
    }

    @Test
    void unitNamesAreCloudWatchs() {
        assertThat(Unit.BYTES_PER_SECOND.cloudWatchName()).isEqualTo("Bytes/Second");
        assertThat(Unit.COUNT_PER_SECOND.cloudWatchName()).isEqualTo("Count/Second");
        assertThat(Unit.NONE.cloudWatchName()).isEqualTo("None");
        assertThat(Unit.values()).hasSize(27);
        for (var unit : Unit.values()) {
            assertThat(unit.cloudWatchName()).matches(
                    "Seconds|Microseconds|Milliseconds|Bytes|Kilobytes|Megabytes|Gigabytes|Terabytes|Bits|Kilobits|"
                            + "Megabits|Gigabits|Terabits|Percent|Count|Bytes/Second|Kilobytes/Second|Megabytes/Second|"
                            + "Gigabytes/Second|Terabytes/Second|Bits/Second|Kilobits/Second|Megabits/Second|"
                            + "Gigabits/Second|Terabits/Second|Count/Second|None");
        }
    }

    @Test
    void invalidMetricNamesAreRefusedWithTheRule() {
        assertThatThrownBy(() -> metrics.put("", 1, Unit.COUNT)).hasMessage("Metric name must not be empty");
        assertThatThrownBy(() -> metrics.put(" ", 1, Unit.COUNT)).hasMessage("Metric name must not be empty");
        assertThatThrownBy(() -> metrics.put(null, 1, Unit.COUNT)).hasMessage("Metric name must not be empty");
        assertThatThrownBy(() -> metrics.put("x".repeat(256), 1, Unit.COUNT))
                .hasMessageStartingWith("Metric name must be at most 255 characters, was 256");
        metrics.put("x".repeat(255), 1, Unit.COUNT);
    }

    @Test
    void nonFiniteValuesAndMissingUnitsAreRefused() {
        assertThatThrownBy(() -> metrics.put("A", Double.NaN, Unit.COUNT)).hasMessageContaining("finite");
        assertThatThrownBy(() -> metrics.put("A", Double.POSITIVE_INFINITY, Unit.COUNT)).hasMessageContaining("finite");
        assertThatThrownBy(() -> metrics.put("A", 1, null)).hasMessageContaining("needs a unit");
    }

    @Test
    void oneMetricKeepsOneUnit() {
        metrics.put("Size", 1, Unit.BYTES);

        assertThatThrownBy(() -> metrics.put("Size", 1, Unit.KILOBYTES))
                .hasMessage("Metric 'Size' was recorded in Bytes, cannot add a value in Kilobytes");
    }

    @Test
    void invalidDimensionsAreRefusedWithTheRule() {
        assertThatThrownBy(() -> metrics.dimension("", "v")).hasMessage("Dimension name must not be empty");
        assertThatThrownBy(() -> metrics.dimension(":x", "v")).hasMessageContaining("cannot start with ':'");
        assertThatThrownBy(() -> metrics.dimension("Stage", "")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> metrics.dimension("Stage", "é")).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> metrics.dimension("Stage", "x".repeat(1025))).hasMessageContaining("at most 1024");
        assertThatThrownBy(() -> metrics.dimension("x".repeat(251), "v")).hasMessageContaining("at most 250");
    }

    @Test
    void oneTopLevelNameNamesOneThing() {
        metrics.put("Builds", 1, Unit.COUNT).dimension("Pipeline", "site").property("request_id", "r");

        assertThatThrownBy(() -> metrics.dimension("Builds", "x")).hasMessage("'Builds' is already a metric");
        assertThatThrownBy(() -> metrics.property("Pipeline", "x")).hasMessage("'Pipeline' is already a dimension");
        assertThatThrownBy(() -> metrics.put("request_id", 1, Unit.COUNT)).hasMessage("'request_id' is already a property");
        assertThatThrownBy(() -> metrics.put("Service", 1, Unit.COUNT)).hasMessage("'Service' is already a dimension");
        assertThatThrownBy(() -> metrics.property("_aws", "x")).hasMessageContaining("reserved");
    }

    @Test
    void propertiesKeepTheirJsonTypesAndSecretsAreMasked() {
        var secret = "sk_" + UUID.randomUUID();
        TestSecrets.record("MetricsTest's generated key", secret);
        Redaction.register(secret);

        metrics.put("A", 1, Unit.COUNT)
                .property("attempt", 3)
                .property("ratio", 0.5)
                .property("retried", true)
                .property("nothing", null)
                .property("note", "token was " + secret)
                .property("github_token", "ghs_abc")
                .flush();

        var document = line();
        assertThat(document.get("attempt").isIntegralNumber()).isTrue();
        assertThat(document.get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(document.get("retried").isBoolean()).isTrue();
        assertThat(document.get("nothing").isNull()).isTrue();
        assertThat(document.get("note").asText()).isEqualTo("token was [REDACTED]");
        assertThat(document.get("github_token").asText()).isEqualTo("[REDACTED]");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(secret).doesNotContain("ghs_abc");
    }

    @Test
    void valuesFromManyThreadsAreAllKept() {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int thread = 0; thread < 10; thread++) {
                executor.submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        metrics.put("Processed", 1, Unit.COUNT);
                    }
                });
            }
        }

        metrics.flush();

        int total = 0;
        for (var document : lines()) {
            directive(document);
            total += document.get("Processed").size();
        }
        assertThat(total).isEqualTo(300);
    }

    @Test
    void configComesFromTheEnvironment() {
        var config = MetricsConfig.from(Environment.of(Map.of(
                "OFFSTAGE_METRICS_NAMESPACE", "Offstage/Prod", "AWS_LAMBDA_FUNCTION_NAME", "builds-queue")));

        assertThat(config).isEqualTo(new MetricsConfig("Offstage/Prod", "builds-queue"));
    }

    @Test
    void explicitServiceWinsOverTheFunctionName() {
        var config = MetricsConfig.from(Environment.of(Map.of(
                "OFFSTAGE_SERVICE", "builds", "AWS_LAMBDA_FUNCTION_NAME", "offstage-BuildsQueue-1X2Y")));

        assertThat(config).isEqualTo(new MetricsConfig("Offstage", "builds"));
    }

    @Test
    void unsetEnvironmentGivesTheDefaultNamespaceAndNoService() {
        assertThat(MetricsConfig.from(Environment.of(Map.of()))).isEqualTo(new MetricsConfig("Offstage", null));
    }

    @Test
    void invalidNamespaceIsRefused() {
        assertThatThrownBy(() -> new MetricsConfig("", null)).hasMessage("Metric namespace must not be empty");
        assertThatThrownBy(() -> new MetricsConfig(":Offstage", null)).hasMessageContaining("cannot start with ':'");
        assertThatThrownBy(() -> new MetricsConfig("n".repeat(256), null)).hasMessageContaining("at most 255");
    }
}
