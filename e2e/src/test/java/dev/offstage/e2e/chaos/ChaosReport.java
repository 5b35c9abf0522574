package dev.offstage.e2e.chaos;

import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.shared.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one chaos scenario did and how it ended: the numbers {@code docs/reliability.md} reports.
 * {@link #write()} puts them in {@code target/chaos/<scenario>.json} and {@code .md} (the e2e
 * module's), which {@code scripts/chaos} prints.
 *
 * @param events what the scenario sent (post events, webhooks, uploads)
 * @param faults SDK faults injected, by kind ({@link CapturedOutput#faultsByKind()})
 * @param chaos the runtime's chaos, by kind ({@code LocalRuntime.chaosCounts()})
 * @param outcomes how the events ended, by outcome (scenario-specific names)
 * @param lost events that ended nowhere (target: none)
 * @param duplicatesApplied effects applied more than once (target: none)
 * @param timeToConverge from the first event sent until the end state was reached
 */
public record ChaosReport(String scenario, long seed, ChaosScale scale, long events, Map<String, Long> faults,
                          Map<ChaosKind, Long> chaos, Map<String, Long> outcomes, long lost, long duplicatesApplied,
                          Duration timeToConverge) {

    /**
     * Where reports go: the e2e module's {@code target/chaos}. Tests run from the repository root
     * (the build's working directory), so it is named from there when the module is beside it.
     */
    public static final Path DIRECTORY = Files.isDirectory(Path.of("e2e", "src"))
            ? Path.of("e2e", "target", "chaos") : Path.of("target", "chaos");

    public ChaosReport {
        Objects.requireNonNull(scenario, "scenario");
        faults = Map.copyOf(faults);
        chaos = Map.copyOf(chaos);
        outcomes = new LinkedHashMap<>(outcomes);
    }

    /** Writes {@code <scenario>.json} and {@code <scenario>.md}; returns the markdown. */
    public String write() {
        var markdown = markdown();
        try {
            Files.createDirectories(DIRECTORY);
            var json = new LinkedHashMap<String, Object>();
            json.put("scenario", scenario);
            json.put("seed", seed);
            json.put("scale", scale.label());
            json.put("events", events);
            json.put("faults", new TreeMap<>(faults));
            json.put("chaos", new TreeMap<>(chaos));
            json.put("outcomes", outcomes);
            json.put("lost", lost);
            json.put("duplicatesApplied", duplicatesApplied);
            json.put("timeToConvergeSeconds", timeToConverge.toMillis() / 1000.0);
            Files.writeString(DIRECTORY.resolve(scenario + ".json"), Json.write(json) + "\n");
            Files.writeString(DIRECTORY.resolve(scenario + ".md"), markdown);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the chaos report of " + scenario, e);
        }
        return markdown;
    }

    /** One table row per number, under a heading naming scenario, scale and seed. */
    public String markdown() {
        var text = new StringBuilder();
        text.append("### ").append(scenario).append(" (").append(scale.label()).append(", seed ").append(seed).append(")\n\n");
        text.append("| | |\n|---|---|\n");
        text.append("| events | ").append(events).append(" |\n");
        text.append("| SDK faults injected | ").append(counts(faults)).append(" |\n");
        text.append("| runtime chaos | ").append(counts(new TreeMap<>(chaos.entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().name(), Map.Entry::getValue))))).append(" |\n");
        // Outcomes are counts of different things (answers, builds, dead letters): listed, not summed.
        text.append("| outcomes | ").append(outcomes.isEmpty() ? "none" : outcomes.entrySet().stream()
                .map(entry -> entry.getKey().strip() + " " + entry.getValue()).collect(Collectors.joining(", "))).append(" |\n");
        text.append("| lost | ").append(lost).append(" |\n");
        text.append("| duplicates applied | ").append(duplicatesApplied).append(" |\n");
        text.append("| time to converge | ").append(String.format(java.util.Locale.ROOT, "%.1f s", timeToConverge.toMillis() / 1000.0))
                .append(" |\n");
        return text.toString();
    }

    private static String counts(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        var total = counts.values().stream().mapToLong(Long::longValue).sum();
        return total + " (" + counts.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }
}
