package dev.offstage.local.chaos;

import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.SettingsString;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the local runtime does to deliveries and invocations in a chaos run ({@code scripts/dev --chaos},
 * {@code scripts/chaos}). Immutable.
 *
 * <pre>{@code seed=42;duplicate=0.1;reorder=0.2;kill=0.03;overrun=0.02;redeliver=2s;functions=PostsIndexFunction,PostsSpamFunction}</pre>
 *
 * <ul>
 *   <li>{@code seed} (required): a long; decisions are drawn from it in order (timing still varies run to run);</li>
 *   <li>{@code duplicate}: the share of SQS messages delivered a second time (same message id, in a
 *       concurrent invocation of their own) and of asynchronous events accepted twice;</li>
 *   <li>{@code reorder}: the share of SQS batches shuffled and of asynchronous events delayed 0–2 s; half
 *       of it is the share of SQS messages held back on their first receive (made visible again after
 *       1–5 s: it costs them one receive, never more);</li>
 *   <li>{@code kill}: the share of invocations whose environment is killed at a random moment of the
 *       function's typical duration;</li>
 *   <li>{@code overrun}: the share of invocations whose deadline is cut to a random moment of the
 *       function's typical duration, so they run past it and are stopped as timeouts;</li>
 *   <li>{@code redeliver}: {@code Ns} or {@code Nms}; messages of a failed SQS batch become visible
 *       again after this instead of the queue's visibility timeout (compresses a run's time; receive
 *       counts, and so dead-letter redrive, are unchanged);</li>
 *   <li>{@code functions}: a comma list of template logical ids the chaos (and {@code --faults})
 *       applies to; every function when omitted.</li>
 * </ul>
 *
 * @param redeliverAfter empty: failed batches wait out their queue's visibility timeout, as in Lambda
 * @param functions empty: every function
 */
public record ChaosPlan(long seed, double duplicate, double reorder, double kill, double overrun,
                        Optional<Duration> redeliverAfter, Set<String> functions) {

    private static final Pattern DELAY = Pattern.compile("(\\d{1,6})(ms|s)");
    private static final Set<String> KEYS = Set.of("seed", "duplicate", "reorder", "kill", "overrun", "redeliver", "functions");
    private static final String FORMAT = "seed=42;duplicate=0.1;reorder=0.2;kill=0.03;overrun=0.02;redeliver=2s;functions=IdA,IdB";

    public ChaosPlan {
        functions = Set.copyOf(functions);
    }

    /**
     * Parses a plan.
     *
     * @throws ConfigurationException naming the offending setting and the format
     */
    public static ChaosPlan parse(String settings) {
        var given = SettingsString.parse(settings, KEYS, problem -> invalid(settings, problem));
        var seed = given.seed();
        var duplicate = given.rate("duplicate");
        var reorder = given.rate("reorder");
        var kill = given.rate("kill");
        var overrun = given.rate("overrun");
        var redeliver = Optional.<Duration>empty();
        if (given.has("redeliver")) {
            var value = given.values().get("redeliver");
            var matcher = DELAY.matcher(value);
            if (!matcher.matches()) {
                throw invalid(settings, "redeliver must be Ns or Nms, e.g. 2s, was '" + value + "'");
            }
            var amount = Long.parseLong(matcher.group(1));
            redeliver = Optional.of(matcher.group(2).equals("s") ? Duration.ofSeconds(amount) : Duration.ofMillis(amount));
        }
        var functions = new HashSet<String>();
        if (given.has("functions")) {
            var value = given.values().get("functions");
            for (var name : value.split(",")) {
                if (!name.strip().matches("[A-Za-z0-9]+")) {
                    throw invalid(settings, "functions must list template logical ids, was '" + value + "'");
                }
                functions.add(name.strip());
            }
        }
        if (kill + overrun > 1) {
            throw invalid(settings, "kill + overrun must be at most 1, was " + (kill + overrun));
        }
        return new ChaosPlan(seed, duplicate, reorder, kill, overrun, redeliver, functions);
    }

    /** Whether the plan applies to the function with this logical id. */
    public boolean covers(String functionLogicalId) {
        return functions.isEmpty() || functions.contains(functionLogicalId);
    }

    /** This plan in the format {@link #parse} reads: {@code parse(toString())} equals it. */
    @Override
    public String toString() {
        return "seed=" + seed + ";duplicate=" + duplicate + ";reorder=" + reorder + ";kill=" + kill + ";overrun=" + overrun
                + redeliverAfter.map(delay -> ";redeliver=" + delay.toMillis() + "ms").orElse("")
                + (functions.isEmpty() ? "" : ";functions=" + String.join(",", new java.util.TreeSet<>(functions)));
    }

    private static ConfigurationException invalid(String settings, String problem) {
        return new ConfigurationException("Chaos settings are malformed: " + problem + ". Was '" + settings
                + "'. Format: " + FORMAT);
    }
}
