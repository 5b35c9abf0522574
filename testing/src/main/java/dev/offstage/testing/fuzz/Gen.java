package dev.offstage.testing.fuzz;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of fuzz inputs: one value per call, drawn only from the random source it is given,
 * so a seed replays the same inputs ({@link Fuzz#forAll}).
 */
@FunctionalInterface
public interface Gen<T> {

    T next(SplittableRandom random);

    default <R> Gen<R> map(Function<? super T, ? extends R> mapping) {
        return random -> mapping.apply(next(random));
    }

    /** One of {@code values}, uniformly. */
    static <T> Gen<T> pick(List<? extends T> values) {
        var copy = List.copyOf(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** A value of one of {@code generators}, each chosen equally often. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... generators) {
        var copy = List.of(generators);
        return random -> copy.get(random.nextInt(copy.size())).next(random);
    }
}
