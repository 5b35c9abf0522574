package dev.offstage.benchmarks.coldstart;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offstage.shared.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * The cold-start harness's arithmetic and output: medians per function, ratios to the baseline
 * (the first row), one Markdown table; and the parsers for what it reads from the machine.
 */
public final class ColdStartTable {

    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");

    /** The goal of issue 8: a cold start within this many times the hello-world handler's. */
    public static final double GOAL = 1.5;

    /** The initialisation type of a SnapStart function's init, the one Lambda snapshots. */
    public static final String SNAP_START = "snap-start";

    /**
     * One run of one function.
     *
     * @param classes classes loaded by the JVM after the second invocation, -1 when not counted
     * @param outcome what the first invocation answered, in a few words
     */
    public record Sample(long initMillis, long firstMillis, long secondMillis, long rssKib, long classes, String outcome) {

        /** What a caller waits for on a cold start: init, then the first invocation. */
        public long coldStartMillis() {
            return initMillis + firstMillis;
        }
    }

    /**
     * One function's runs; {@code packageBytes} is -1 when its zip was not built;
     * {@code initializationType} is the {@code AWS_LAMBDA_INITIALIZATION_TYPE} its environments had
     * ({@value #SNAP_START} or {@code on-demand}).
     */
    public record Row(String function, String initializationType, int memoryMb, long packageBytes, String event,
            List<Sample> samples) {
        public Row {
            samples = List.copyOf(samples);
        }

        double median(ToLongFunction<Sample> metric) {
            return ColdStartTable.median(samples.stream().mapToLong(metric).sorted().toArray());
        }

        long classes() {
            return samples.stream().mapToLong(Sample::classes).filter(count -> count >= 0).max().orElse(-1);
        }

        /** The outcomes seen, the most frequent first. */
        String outcomes() {
            var counts = new java.util.LinkedHashMap<String, Integer>();
            samples.forEach(sample -> counts.merge(sample.outcome(), 1, Integer::sum));
            var parts = new ArrayList<String>();
            counts.entrySet().stream().sorted(Comparator.comparing(e -> -e.getValue()))
                    .forEach(e -> parts.add(counts.size() == 1 ? e.getKey() : e.getKey() + " (" + e.getValue() + "×)"));
            return String.join("; ", parts);
        }
    }

    private ColdStartTable() {}

    /**
     * The table: one line per row, the first row being the baseline the ratios divide by; cold
     * starts over {@link #GOAL} times the baseline's in bold.
     */
    public static String markdown(List<Row> rows, int runs) {
        var baseline = rows.getFirst();
        var out = new StringBuilder();
        out.append("Medians of ").append(runs).append(" run(s) per function; ratios (×) divide by the first row's median.\n");
        if (rows.stream().anyMatch(row -> SNAP_START.equals(row.initializationType()))) {
            out.append("Init type ").append(SNAP_START).append(": the init Lambda runs before a SnapStart snapshot, so its")
                    .append(" init includes the org.crac hooks (beforeCheckpoint, then afterRestore) and runs with the")
                    .append(" JVM's default tiered compilation; in Lambda a restore replaces that init on a cold start.\n");
        }
        out.append("\n");
        out.append("| function | init type | MB | zip KiB | init ms | × | 1st invocation ms | cold start (init + 1st) ms | × | 2nd invocation ms"
                + " | RSS MiB | × | classes | × | first invocation of its sample |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (var row : rows) {
            var coldRatio = row.median(Sample::coldStartMillis) / baseline.median(Sample::coldStartMillis);
            var cold = format("%.2f", coldRatio);
            out.append("| ").append(row.function())
                    .append(" | ").append(row.initializationType())
                    .append(" | ").append(row.memoryMb())
                    .append(" | ").append(row.packageBytes() < 0 ? "—" : format("%,.0f", row.packageBytes() / 1024.0))
                    .append(" | ").append(format("%.0f", row.median(Sample::initMillis)))
                    .append(" | ").append(format("%.2f", row.median(Sample::initMillis) / baseline.median(Sample::initMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::firstMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::coldStartMillis)))
                    .append(" | ").append(coldRatio > GOAL ? "**" + cold + "**" : cold)
                    .append(" | ").append(format("%.0f", row.median(Sample::secondMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::rssKib) / 1024))
                    .append(" | ").append(format("%.2f", row.median(Sample::rssKib) / baseline.median(Sample::rssKib)))
                    .append(" | ").append(row.classes() < 0 ? "—" : Long.toString(row.classes()))
                    .append(" | ").append(row.classes() < 0 || baseline.classes() <= 0 ? "—"
                            : format("%.1f", (double) row.classes() / baseline.classes()))
                    .append(" | ").append(row.event()).append(": ").append(row.outcomes())
                    .append(" |\n");
        }
        out.append(snapStartMarkdown(rows));
        return out.toString();
    }

    /**
     * What a caller of a SnapStart function waits for on a cold start: Lambda's restore of the
     * snapshot, then the first invocation after the hooks. The restore cannot be run here (no CRaC
     * JVM), so the table gives the first invocation against the baseline and how much time a
     * restore may take for the cold start to stay within {@link #GOAL} times the baseline's.
     * Empty when no row is a SnapStart one.
     */
    static String snapStartMarkdown(List<Row> rows) {
        var baseline = rows.getFirst();
        var snapStart = rows.stream().filter(row -> SNAP_START.equals(row.initializationType())).toList();
        if (snapStart.isEmpty()) {
            return "";
        }
        var baselineFirst = baseline.median(Sample::firstMillis);
        var baselineCold = baseline.median(Sample::coldStartMillis);
        var out = new StringBuilder();
        out.append("\nSnapStart functions as a caller meets them: Lambda's restore (not measurable here), then the first")
                .append(" invocation after the hooks. Restore budget = ").append(format("%.1f", GOAL))
                .append(" × the baseline's cold start (").append(format("%.0f", baselineCold))
                .append(" ms) − the first invocation: the goal holds when Lambda's restore stays under it.\n\n");
        out.append("| function | 1st invocation after hooks ms | × baseline's 1st invocation | × baseline's cold start"
                + " | restore budget ms |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        for (var row : snapStart) {
            var first = row.median(Sample::firstMillis);
            var budget = GOAL * baselineCold - first;
            out.append("| ").append(row.function())
                    .append(" | ").append(format("%.0f", first))
                    .append(" | ").append(format("%.2f", first / baselineFirst))
                    .append(" | ").append(format("%.2f", first / baselineCold))
                    .append(" | ").append(budget <= 0 ? "**none**" : format("%.0f", budget))
                    .append(" |\n");
        }
        return out.toString();
    }

    /**
     * One function's runs with a cache.
     *
     * @param cacheBytes the cache file's size
     * @param sharedClasses what a verification run of the cached JVM loaded from the cache
     */
    public record CachedRow(Row row, long cacheBytes, ClassDataCache.SharedClasses sharedClasses) {}

    /**
     * The table of one cached variant, beside the plain runs of the same rounds: each function with
     * its cache against itself without one, against the plain baseline (issue 8's goal) and against
     * the baseline with its own cache. The first row of each list is the baseline; cached rows
     * find their plain row by function name. Cold starts over {@link #GOAL} times a baseline's in bold.
     */
    public static String cachedMarkdown(ClassDataCache cache, List<Row> plain, List<CachedRow> cached, int runs) {
        var plainBaseline = plain.getFirst();
        var cachedBaseline = cached.getFirst().row();
        var label = cache.label();
        var out = new StringBuilder();
        out.append("With a per-function ").append(label).append(" cache: medians of ").append(runs)
                .append(" run(s) per function, in the same rounds as the plain runs.\n\n");
        out.append("| function + ").append(label).append(" | cache MiB | classes from the cache | init ms | × own plain"
                + " | 1st invocation ms | cold start (init + 1st) ms | × own plain | × plain baseline | × baseline + ").append(label)
                .append(" | 2nd invocation ms | RSS MiB | × own plain | first invocation of its sample |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (var cachedRow : cached) {
            var row = cachedRow.row();
            var own = plain.stream().filter(candidate -> candidate.function().equals(row.function())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No plain row for " + row.function()));
            var cold = row.median(Sample::coldStartMillis);
            out.append("| ").append(row.function())
                    .append(" | ").append(format("%.1f", cachedRow.cacheBytes() / 1048576.0))
                    .append(" | ").append(cachedRow.sharedClasses().describe())
                    .append(" | ").append(format("%.0f", row.median(Sample::initMillis)))
                    .append(" | ").append(format("%.2f", row.median(Sample::initMillis) / own.median(Sample::initMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::firstMillis)))
                    .append(" | ").append(format("%.0f", cold))
                    .append(" | ").append(format("%.2f", cold / own.median(Sample::coldStartMillis)))
                    .append(" | ").append(overGoal(cold / plainBaseline.median(Sample::coldStartMillis)))
                    .append(" | ").append(overGoal(cold / cachedBaseline.median(Sample::coldStartMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::secondMillis)))
                    .append(" | ").append(format("%.0f", row.median(Sample::rssKib) / 1024))
                    .append(" | ").append(format("%.2f", row.median(Sample::rssKib) / own.median(Sample::rssKib)))
                    .append(" | ").append(row.event()).append(": ").append(row.outcomes())
                    .append(" |\n");
        }
        return out.toString();
    }

    private static String overGoal(double ratio) {
        var text = format("%.2f", ratio);
        return ratio > GOAL ? "**" + text + "**" : text;
    }

    /** The resident set size in KiB from the text of {@code /proc/<pid>/status}. */
    public static long vmRssKib(String procStatus) {
        var matcher = VM_RSS.matcher(procStatus);
        if (!matcher.find()) {
            throw new IllegalArgumentException("No VmRSS line in /proc/<pid>/status");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** The {@code Loaded} column of {@code jstat -class <pid>}'s output. */
    public static long jstatLoadedClasses(String output) {
        var lines = output.strip().lines().toList();
        if (lines.size() < 2 || !lines.get(0).strip().startsWith("Loaded")) {
            throw new IllegalArgumentException("Unexpected jstat output: " + output);
        }
        return Long.parseLong(lines.get(1).strip().split("\\s+")[0]);
    }

    /**
     * A handler's answer in a few words: {@code HTTP 202} for an HTTP API answer, {@code 0/3 failed}
     * for an SQS batch response, else {@code ok}.
     */
    public static String describeResponse(byte[] payload) {
        JsonNode answer;
        try {
            answer = Json.mapper().readTree(payload);
        } catch (java.io.IOException e) {
            return "ok (not JSON)";
        }
        if (answer != null && answer.has("statusCode")) {
            return "HTTP " + answer.get("statusCode").asInt();
        }
        if (answer != null && answer.has("batchItemFailures")) {
            return answer.get("batchItemFailures").size() + " batch item failure(s)";
        }
        return "ok";
    }

    static double median(long[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        var middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private static String format(String pattern, double value) {
        return String.format(Locale.ROOT, pattern, value);
    }
}
