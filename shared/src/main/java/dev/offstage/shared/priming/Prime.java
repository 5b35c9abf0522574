package dev.offstage.shared.priming;

import java.util.Objects;

/**
 * One warm-up step run before a SnapStart snapshot: it exercises a code path the function's first
 * request takes (loads its classes, builds its clients, lets the JIT see it) and must have no
 * effect outside the process: no writes, no secrets read, nothing unique kept.
 *
 * @param name what it warms, for the log line ("dynamodb GetItem posts-index")
 * @param action the work; any exception it throws is reported, never propagated
 */
public record Prime(String name, Action action) {

    public Prime {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(action, "action");
    }

    public static Prime of(String name, Action action) {
        return new Prime(name, action);
    }

    /** The work of a prime. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }
}
