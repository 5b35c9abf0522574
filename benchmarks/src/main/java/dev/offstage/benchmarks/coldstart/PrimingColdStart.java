package dev.offstage.benchmarks.coldstart;

import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.testing.Emulators;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What SnapStart priming saves on a function's first invocation, without a SnapStart runtime:
 * per function, fresh JVMs with Lambda's JVM flags run {@link FirstInvocation} alternately without
 * and with the primes its handler registers, against one provisioned stack in the emulators.
 * Prints a markdown table of medians. The priming time itself is paid before the snapshot, not by
 * a caller; a restore's own cost is not measured here.
 *
 * <p>Usage: {@code PrimingColdStart [--runs N] [--function LogicalId ...]} from the repository root.
 */
public final class PrimingColdStart {

    /** Functions with SnapStart in template.yaml and a sample that reaches their logic without a real upload or signature. */
    private static final Map<String, String> SAMPLES = new LinkedHashMap<>(Map.of(
            "PostsIndexFunction", "events/posts-sqs-index.json",
            "PostsIntakeFunction", "events/posts-api-post.json",
            "PostsSearchFunction", "events/posts-api-search.json",
            "PostsSpamFunction", "events/posts-sqs-spam.json",
            "PostsAnalyticsFunction", "events/posts-sqs-analytics.json",
            "BuildPagesFunction", "events/build-page.json",
            "VideoFailureRecorderFunction", "events/video-sqs-segment.json"));

    private static final Path TEMPLATE = Path.of("template.yaml");

    private record Sample(long init, long prime, long first, long second) {}

    private PrimingColdStart() {}

    public static void main(String[] args) throws Exception {
        var runs = 3;
        var only = new ArrayList<String>();
        for (var i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--function" -> only.add(args[++i]);
                default -> throw new IllegalArgumentException("usage: [--runs N] [--function LogicalId ...]");
            }
        }
        var functions = only.isEmpty() ? List.copyOf(SAMPLES.keySet()) : only;
        functions.stream().filter(function -> !SAMPLES.containsKey(function)).findFirst().ifPresent(function -> {
            throw new IllegalArgumentException("No sample for " + function + ": add one to SAMPLES");
        });
        Files.createDirectories(Path.of("target/bench-priming"));
        var java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var loadBefore = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        try (var emulators = Emulators.start(); var stack = new ProvisionedStack(emulators, TEMPLATE, Map.of())) {
            var results = new LinkedHashMap<String, Map<String, List<Sample>>>();
            for (var run = 0; run < runs; run++) {
                for (var function : functions) {
                    var spec = stack.application.functions().get(function);
                    // Alternate which mode goes first, so drift in the machine's load hits both alike.
                    var modes = run % 2 == 0 ? List.of("unprimed", "primed") : List.of("primed", "unprimed");
                    for (var mode : modes) {
                        var command = List.of(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                                "-Xshare:auto", "-Xmx" + (spec.memoryMb() * 85 / 100) + "m",
                                "-cp", System.getProperty("java.class.path"), FirstInvocation.class.getName(),
                                spec.handler().replace("::handleRequest", ""), SAMPLES.get(function), mode, spec.functionName());
                        var builder = new ProcessBuilder(command)
                                .redirectOutput(Redirect.appendTo(Path.of("target/bench-priming/functions.log").toFile()));
                        builder.environment().clear();
                        builder.environment().putAll(stack.environment(function).asMap());
                        builder.environment().put("PATH", System.getenv("PATH"));
                        var process = builder.start();
                        Sample sample = null;
                        var errors = new StringBuilder();
                        try (var reader = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                            for (var line = reader.readLine(); line != null; line = reader.readLine()) {
                                if (line.startsWith("RESULT ")) {
                                    var parts = line.split(" ");
                                    sample = new Sample(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]),
                                            Long.parseLong(parts[4]));
                                } else {
                                    errors.append(line).append('\n');
                                }
                            }
                        }
                        process.waitFor();
                        if (sample == null) {
                            throw new IllegalStateException(function + " " + mode + " printed no result:\n" + errors);
                        }
                        results.computeIfAbsent(function, key -> new LinkedHashMap<>()).computeIfAbsent(mode, key -> new ArrayList<>())
                                .add(sample);
                        System.err.printf("run %d/%d %-30s %-8s init %5d ms  prime %5d ms  1st %5d ms  2nd %4d ms%n", run + 1, runs,
                                function, mode, sample.init(), sample.prime(), sample.first(), sample.second());
                    }
                }
            }
            var table = new StringBuilder("| function | init ms | 1st invocation ms (unprimed) | primes ms | 1st invocation ms (primed) | 1st saved ms | 2nd invocation ms (unprimed / primed) |\n")
                    .append("|---|---:|---:|---:|---:|---:|---:|\n");
            results.forEach((function, modes) -> {
                var unprimed = modes.get("unprimed");
                var primed = modes.get("primed");
                var first = median(unprimed.stream().mapToLong(Sample::first).toArray());
                var primedFirst = median(primed.stream().mapToLong(Sample::first).toArray());
                table.append("| %s | %d | %d | %d | %d | %d | %d / %d |%n".formatted(function,
                        median(unprimed.stream().mapToLong(Sample::init).toArray()), first,
                        median(primed.stream().mapToLong(Sample::prime).toArray()), primedFirst, first - primedFirst,
                        median(unprimed.stream().mapToLong(Sample::second).toArray()),
                        median(primed.stream().mapToLong(Sample::second).toArray())));
            });
            table.append("\nMedians of ").append(runs).append(" runs per mode; load average (1 min) ").append(loadBefore)
                    .append(" at the start, ").append(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]).append(" at the end (")
                    .append(Runtime.getRuntime().availableProcessors()).append(" CPUs).\n");
            System.out.println(table);
            Files.writeString(Path.of("target/bench-priming/table.md"), table);
        }
    }

    private static long median(long[] values) {
        var sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
