package dev.offstage.shared.priming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a function's {@link Prime primes} when Lambda SnapStart is about to snapshot the
 * initialised execution environment (an org.crac {@code beforeCheckpoint} hook), so that work the
 * first request would otherwise do — class loading, SDK client set-up, request signing and
 * marshalling, event deserialisation — is already in the snapshot every restored environment
 * starts from.
 *
 * <pre>{@code
 * private static final PostsSetup SETUP = PostsSetup.fromEnvironment();
 * private static final SearchApi LOGIC = SETUP.searchApi();
 * // org.crac holds resources weakly: the static field keeps the hook alive.
 * private static final Priming PRIMING = Priming.register(PostsPrimes.search(LOGIC));
 * }</pre>
 *
 * <p>A prime that fails is logged at WARN and the others still run; the hook itself never throws,
 * but for a JVM out of memory or broken ({@link VirtualMachineError} other than a stack overflow),
 * which must not be snapshotted.
 * A failed checkpoint hook fails the version's publication (the deploy), and a prime is an
 * optimisation: the function is correct without it, only its first request is slower.
 *
 * <p>Without SnapStart (on-demand init, {@code ApplyOn: None}) nothing calls the hook and
 * registering costs nothing; the local runtime calls it for SnapStart functions, as Lambda does.
 * Thread-safe.
 */
public final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    private final List<Prime> primes;

    private Priming(List<Prime> primes) {
        this.primes = List.copyOf(primes);
    }

    /** Primes that nothing calls yet: for tests and measurements, which call {@link #prime()} themselves. */
    public static Priming of(List<Prime> primes) {
        return new Priming(primes);
    }

    /**
     * Registers the primes with org.crac's global context, which Lambda's runtime checkpoints
     * before a SnapStart snapshot. Keep the returned instance in a static field: org.crac only
     * holds it weakly, and a collected hook silently never runs.
     */
    public static Priming register(List<Prime> primes) {
        var priming = of(primes);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** The registered primes, in the order they run. */
    public List<Prime> primes() {
        return primes;
    }

    /**
     * Runs every prime once, in order; a failure is logged and reported, never thrown, and does not
     * stop the primes after it. Ends with one INFO line of what ran and how long it took.
     */
    public List<Outcome> prime() {
        var outcomes = new ArrayList<Outcome>(primes.size());
        var started = System.nanoTime();
        for (var prime : primes) {
            var start = System.nanoTime();
            Exception failure = null;
            try {
                prime.action().run();
            } catch (Exception e) {
                failure = e;
            } catch (StackOverflowError | LinkageError | AssertionError e) {
                // A bug in the prime, or a class it needs missing from this function's zip: that prime
                // cannot warm anything, the function is fine without it.
                failure = new IllegalStateException(e.toString(), e);
            }
            var outcome = new Outcome(prime.name(), Duration.ofNanos(System.nanoTime() - start), Optional.ofNullable(failure));
            if (failure != null) {
                LOG.warn("Prime '{}' failed; the first request will do its work instead", prime.name(), failure);
            }
            outcomes.add(outcome);
        }
        var failed = outcomes.stream().filter(outcome -> outcome.failure().isPresent()).count();
        LOG.info("Primed {} of {} in {} ms", primes.size() - failed, primes.size(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return outcomes;
    }

    /** SnapStart is about to snapshot: run the primes. Never throws (see the class comment). */
    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    /**
     * Nothing to undo. The one HTTP client's idle keep-alive connections are not reused after a
     * restore: the JDK drops a cached connection once it has been idle longer than its keep-alive
     * time (5 s unless the server says otherwise), measured on the wall clock, which moves on
     * across a snapshot.
     */
    @Override
    public void afterRestore(Context<? extends Resource> context) {
    }

    /** What one prime did. */
    public record Outcome(String prime, Duration took, Optional<Exception> failure) {

        public boolean succeeded() {
            return failure.isEmpty();
        }
    }
}
