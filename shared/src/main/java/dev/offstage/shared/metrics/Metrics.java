package dev.offstage.shared.metrics;

import dev.offstage.shared.json.JsonWriter;
import dev.offstage.shared.logging.Redaction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CloudWatch metrics written as Embedded Metric Format lines on stdout: CloudWatch Logs turns
 * them into metrics, so recording one costs no API call and no latency.
 *
 * <pre>{@code
 * private static final Metrics METRICS = Metrics.from(MetricsConfig.from(Environment.system()));
 * ...
 * METRICS.dimension("Pipeline", "builds")
 *        .put("BuildsQueued", 1, Unit.COUNT)
 *        .property("request_id", context.getAwsRequestId());
 * METRICS.flush();   // at the end of the invocation, in a finally block
 * }</pre>
 *
 * <p>Values accumulate until {@link #flush()}, which writes them and starts over: metrics,
 * dimensions and properties are cleared; the {@value #SERVICE_DIMENSION} dimension from the
 * configuration stays. Every metric of a flush shares one dimension set. Several values of one
 * metric are written as an array. EMF's limits are kept by splitting a flush into several lines:
 * at most {@value #MAX_METRICS_PER_DOCUMENT} metrics per line and at most
 * {@value #MAX_VALUES_PER_METRIC} values per metric per line.
 *
 * <p>Thread-safe: records may be measured from several threads and flushed from one. Invalid
 * names, values and units throw {@link IllegalArgumentException} where they are given, so a
 * mistake shows in the first test rather than as a metric CloudWatch silently dropped.
 */
public final class Metrics {

    /** The dimension that names the service, from {@link MetricsConfig#service()}. */
    public static final String SERVICE_DIMENSION = "Service";
    /** EMF: a MetricDirective holds at most 100 metric definitions. */
    public static final int MAX_METRICS_PER_DOCUMENT = 100;
    /** EMF: a metric's value array holds at most 100 values. */
    public static final int MAX_VALUES_PER_METRIC = 100;
    /** EMF and CloudWatch: a dimension set holds at most 30 dimensions. */
    public static final int MAX_DIMENSIONS = 30;

    private static final String METADATA = "_aws";

    private final MetricsConfig config;
    /** {@code null}: whatever {@code System.out} is when flushing. */
    private final OutputStream out;
    private final LongSupplier clock;

    // Guarded by this. Insertion-ordered so lines read in the order the code recorded them.
    private final Map<String, Recorded> metrics = new LinkedHashMap<>();
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();

    Metrics(MetricsConfig config, OutputStream out, LongSupplier clock) {
        if (config == null) {
            throw new IllegalArgumentException("config is required");
        }
        this.config = config;
        this.out = out;
        this.clock = clock;
    }

    /** Metrics written to stdout, timestamped with the system clock. Build one per execution environment. */
    public static Metrics from(MetricsConfig config) {
        return new Metrics(config, null, System::currentTimeMillis);
    }

    /**
     * Records one value of metric {@code name}. Recording the same metric again adds a value
     * (written as an array); its unit must stay the same.
     *
     * @throws IllegalArgumentException when the name is empty, longer than 255 characters or
     *         already used by a dimension or property, when the value is NaN or infinite, or when
     *         the unit is missing or differs from the metric's earlier unit
     */
    public synchronized Metrics put(String name, double value, Unit unit) {
        Names.requireName("Metric name", name, Names.MAX_NAME_LENGTH);
        if (unit == null) {
            throw new IllegalArgumentException("Metric '" + name + "' needs a unit (Unit.NONE when it has none)");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("Metric '" + name + "' must be a finite number, was " + value);
        }
        requireFree(name, metrics);
        var recorded = metrics.get(name);
        if (recorded == null) {
            recorded = new Recorded(unit);
            metrics.put(name, recorded);
        } else if (recorded.unit != unit) {
            throw new IllegalArgumentException("Metric '" + name + "' was recorded in "
                    + recorded.unit.cloudWatchName() + ", cannot add a value in " + unit.cloudWatchName());
        }
        recorded.add(value);
        return this;
    }

    /**
     * Adds a dimension to every metric of this flush (or replaces its value). A dimension with
     * many distinct values — a request id — makes as many metrics; use a {@link #property} instead.
     *
     * @throws IllegalArgumentException when the name or value breaks CloudWatch's rules (name 1–250,
     *         value 1–1024 printable ASCII characters), the name is already a metric or property,
     *         or the flush would exceed {@value #MAX_DIMENSIONS} dimensions
     */
    public synchronized Metrics dimension(String name, String value) {
        Names.requireDimensionName(name);
        Names.requireDimensionValue(name, value);
        requireFree(name, dimensions);
        boolean isNew = !dimensions.containsKey(name) && !(SERVICE_DIMENSION.equals(name) && config.service() != null);
        if (isNew && dimensionCount() == MAX_DIMENSIONS) {
            throw new IllegalArgumentException("A metric can have at most " + MAX_DIMENSIONS
                    + " dimensions; cannot add '" + name + "'");
        }
        dimensions.put(name, value);
        return this;
    }

    /**
     * Adds a field to the lines of this flush that is searchable in CloudWatch Logs but is not
     * a dimension: request ids, build ids, object keys. Booleans and {@code Integer}, {@code Long},
     * {@code Short}, {@code Byte}, finite {@code Double} and {@code Float} values stay JSON booleans
     * and numbers; anything else is written as its {@code toString()}. Secrets are masked as in
     * logs ({@link Redaction}).
     *
     * @throws IllegalArgumentException when the name is empty, reserved ({@code _aws}) or already
     *         a metric or dimension
     */
    public synchronized Metrics property(String name, Object value) {
        Names.requireName("Property name", name, Names.MAX_NAME_LENGTH);
        requireFree(name, properties);
        properties.put(name, value);
        return this;
    }

    /**
     * Writes what was recorded since the last flush as EMF lines on stdout (one line when it fits
     * EMF's limits, more otherwise), then clears it. Writes nothing when no metric was recorded.
     *
     * @throws UncheckedIOException when the output cannot be written
     */
    public void flush() {
        List<String> lines;
        synchronized (this) {
            lines = documents(clock.getAsLong());
            metrics.clear();
            dimensions.clear();
            properties.clear();
        }
        var target = out != null ? out : System.out;
        try {
            for (var line : lines) {
                // One write per line, so a log line from another thread cannot land inside it.
                target.write(line.getBytes(StandardCharsets.UTF_8));
            }
            target.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write metrics", e);
        }
    }

    private List<String> documents(long timestamp) {
        var lines = new ArrayList<String>();
        // Round r writes the r-th chunk of ≤100 values of every metric that has one, so a metric
        // never appears twice in one document; each round is cut into documents of ≤100 metrics.
        for (int round = 0; ; round++) {
            var batch = new ArrayList<Map.Entry<String, Recorded>>();
            for (var entry : metrics.entrySet()) {
                if (entry.getValue().count > round * MAX_VALUES_PER_METRIC) {
                    batch.add(entry);
                }
            }
            if (batch.isEmpty()) {
                return lines;
            }
            for (int from = 0; from < batch.size(); from += MAX_METRICS_PER_DOCUMENT) {
                var slice = batch.subList(from, Math.min(from + MAX_METRICS_PER_DOCUMENT, batch.size()));
                lines.add(document(timestamp, slice, round));
            }
        }
    }

    private String document(long timestamp, List<Map.Entry<String, Recorded>> slice, int round) {
        var dimensionSet = allDimensions();
        var text = new StringBuilder(512);
        var json = new JsonWriter(text).beginObject();
        json.name(METADATA).beginObject()
                .name("Timestamp").value(timestamp)
                .name("CloudWatchMetrics").beginArray().beginObject()
                .name("Namespace").value(config.namespace())
                .name("Dimensions").beginArray().beginArray();
        for (var name : dimensionSet.keySet()) {
            json.value(name);
        }
        json.endArray().endArray().name("Metrics").beginArray();
        for (var entry : slice) {
            json.beginObject()
                    .name("Name").value(entry.getKey())
                    .name("Unit").value(entry.getValue().unit.cloudWatchName())
                    .endObject();
        }
        json.endArray().endObject().endArray().endObject();

        for (var dimension : dimensionSet.entrySet()) {
            json.name(dimension.getKey()).value(Redaction.mask(dimension.getValue()));
        }
        for (var property : properties.entrySet()) {
            json.name(property.getKey());
            propertyValue(json, property.getKey(), property.getValue());
        }
        for (var entry : slice) {
            var recorded = entry.getValue();
            int from = round * MAX_VALUES_PER_METRIC;
            int to = Math.min(recorded.count, from + MAX_VALUES_PER_METRIC);
            json.name(entry.getKey());
            if (recorded.count == 1) {
                json.value(recorded.values[0]);
            } else {
                json.beginArray();
                for (int i = from; i < to; i++) {
                    json.value(recorded.values[i]);
                }
                json.endArray();
            }
        }
        json.endObject();
        return text.append('\n').toString();
    }

    private static void propertyValue(JsonWriter json, String name, Object value) {
        if (Redaction.isSecretKey(name)) {
            json.value(Redaction.MASK);
        } else if (value == null) {
            json.nullValue();
        } else if (value instanceof Boolean flag) {
            json.value(flag.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.value(((Number) value).longValue());
        } else if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
            json.value(((Number) value).doubleValue());
        } else {
            json.value(Redaction.mask(String.valueOf(value)));
        }
    }

    private Map<String, String> allDimensions() {
        var all = new LinkedHashMap<String, String>();
        if (config.service() != null) {
            all.put(SERVICE_DIMENSION, config.service());
        }
        all.putAll(dimensions);
        return all;
    }

    private int dimensionCount() {
        return dimensions.size() + (config.service() != null && !dimensions.containsKey(SERVICE_DIMENSION) ? 1 : 0);
    }

    private static boolean isReserved(String name) {
        return METADATA.equals(name);
    }

    /** A top-level key names one thing only: a metric, a dimension or a property. */
    private void requireFree(String name, Map<String, ?> ownKind) {
        if (isReserved(name)) {
            throw new IllegalArgumentException("'" + name + "' is reserved by the embedded metric format");
        }
        boolean isDimension = dimensions.containsKey(name) || (SERVICE_DIMENSION.equals(name) && config.service() != null);
        if (ownKind != dimensions && isDimension) {
            throw new IllegalArgumentException("'" + name + "' is already a dimension");
        }
        if (ownKind != metrics && metrics.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already a metric");
        }
        if (ownKind != properties && properties.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already a property");
        }
    }

    /** The values of one metric since the last flush. */
    private static final class Recorded {
        final Unit unit;
        double[] values = new double[4];
        int count;

        Recorded(Unit unit) {
            this.unit = unit;
        }

        void add(double value) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = value;
        }
    }
}
