package dev.offstage.local.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's chaos: draws, from a {@link ChaosPlan}'s seed, what to do to each delivery
 * and invocation, and counts what it did. {@link #NONE} never does anything, so the triggers and
 * the Lambda service ask it unconditionally.
 *
 * <p>Each thing done is logged (logger {@code dev.offstage.local.chaos}, keys {@code chaos} and
 * {@code function}) and counted in {@link #counts()}. Draws come from one seeded stream in call
 * order; with several threads (and the machine's timing) the order varies, so a seed fixes the
 * rates and the mix, not the exact events. Thread-safe.
 */
public final class Chaos {

    /** Chaos that does nothing. */
    public static final Chaos NONE = new Chaos(Optional.empty());

    private static final Logger LOG = LoggerFactory.getLogger("dev.offstage.local.chaos");
    /** A function's typical duration before it has one measured. */
    private static final Duration FIRST_GUESS = Duration.ofSeconds(1);

    private final Optional<ChaosPlan> plan;
    private final SplittableRandom random; // guarded by itself
    private final Map<ChaosKind, AtomicLong> counts = new EnumMap<>(ChaosKind.class);
    /** A moving average of each function's successful invocations, in milliseconds. */
    private final Map<String, Double> typicalMillis = new ConcurrentHashMap<>();

    private Chaos(Optional<ChaosPlan> plan) {
        this.plan = plan;
        this.random = new SplittableRandom(plan.map(ChaosPlan::seed).orElse(0L));
        for (var kind : ChaosKind.values()) {
            counts.put(kind, new AtomicLong());
        }
    }

    public static Chaos of(ChaosPlan plan) {
        LOG.atWarn().addKeyValue("chaosPlan", plan.toString()).log("Chaos is on: {}", plan);
        return new Chaos(Optional.of(plan));
    }

    public Optional<ChaosPlan> plan() {
        return plan;
    }

    /** Whether this delivery of a message (or async event) to {@code function} is to be duplicated. */
    public boolean duplicate(String function) {
        return plan.isPresent() && plan.get().covers(function) && draw() < plan.get().duplicate();
    }

    /** Whether this batch (or async event) for {@code function} is to be reordered. */
    public boolean reorder(String function) {
        return plan.isPresent() && plan.get().covers(function) && draw() < plan.get().reorder();
    }

    /** Whether this message for {@code function} is to be held back. */
    public boolean holdBack(String function) {
        return plan.isPresent() && plan.get().covers(function) && draw() < plan.get().reorder() / 2;
    }

    /** {@code items} in a seeded random order. */
    public <T> List<T> shuffled(List<T> items) {
        var copy = new ArrayList<>(items);
        synchronized (random) {
            Collections.shuffle(copy, new java.util.Random(random.nextLong()));
        }
        return copy;
    }

    /** A delay drawn uniformly from {@code [min, max]}. */
    public Duration between(Duration min, Duration max) {
        var span = max.toMillis() - min.toMillis();
        return min.plusMillis((long) (draw() * (span + 1)));
    }

    /**
     * What to do to one invocation of {@code function}: nothing, kill its environment after a
     * while, or cut its deadline to a while — a moment drawn within the function's typical duration.
     */
    public Disruption disruption(String function) {
        if (plan.isEmpty() || !plan.get().covers(function)) {
            return Disruption.NOTHING;
        }
        var draw = draw();
        var typical = typicalMillis.getOrDefault(function, (double) FIRST_GUESS.toMillis());
        var at = Duration.ofMillis(Math.max(1, (long) (typical * (0.1 + 0.8 * draw()))));
        if (draw < plan.get().kill()) {
            return new Disruption(ChaosKind.KILL, at);
        }
        if (draw < plan.get().kill() + plan.get().overrun()) {
            return new Disruption(ChaosKind.OVERRUN, at);
        }
        return Disruption.NOTHING;
    }

    /** Learns a function's typical duration from a successful invocation. */
    public void observed(String function, Duration duration) {
        if (plan.isPresent()) {
            typicalMillis.merge(function, (double) duration.toMillis(), (old, now) -> old * 0.8 + now * 0.2);
        }
    }

    /** Counts and logs one thing done. */
    public void record(ChaosKind kind, String function, String what) {
        counts.get(kind).incrementAndGet();
        LOG.atInfo().addKeyValue("chaos", kind).addKeyValue("function", function).log("Chaos {}: {}", kind, what);
    }

    /** How many times each kind of chaos was done so far. */
    public Map<ChaosKind, Long> counts() {
        var snapshot = new EnumMap<ChaosKind, Long>(ChaosKind.class);
        counts.forEach((kind, count) -> snapshot.put(kind, count.get()));
        return snapshot;
    }

    /** Whether {@code function} is one the plan (and so {@code --faults}) applies to. */
    public boolean covers(String function) {
        return plan.isPresent() && plan.get().covers(function);
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    /**
     * What to do to one invocation.
     *
     * @param kind {@link ChaosKind#KILL}, {@link ChaosKind#OVERRUN}, or null for nothing
     * @param after when, counted from the hand-over of the event
     */
    public record Disruption(ChaosKind kind, Duration after) {
        static final Disruption NOTHING = new Disruption(null, Duration.ZERO);

        public boolean none() {
            return kind == null;
        }
    }
}
