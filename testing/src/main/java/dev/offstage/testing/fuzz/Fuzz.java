package dev.offstage.testing.fuzz;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over generated inputs: {@code tries} inputs from {@link Gen}, each checked by
 * the property (which asserts, or throws for a failure). The first failure stops the run with
 * the property's name, the try, the seed that replays it and the input.
 *
 * <p>Runs inside an ordinary JUnit test, so the property gets the emulators from
 * {@code EmulatorsExtension} like any other test. Defaults keep {@code ./mvnw verify} quick and
 * deterministic: {@value #DEFAULT_TRIES} tries and a seed fixed per property name. Two system
 * properties change that (Maven passes {@code -D} on to the test JVM):
 * <ul>
 *   <li>{@code -Doffstage.fuzz.tries=5000}: more inputs per property;</li>
 *   <li>{@code -Doffstage.fuzz.seed=random} for a new seed each run (printed on failure), or
 *       {@code -Doffstage.fuzz.seed=<number>} to replay a reported one.</li>
 * </ul>
 */
public final class Fuzz {

    public static final String TRIES_PROPERTY = "offstage.fuzz.tries";
    public static final String SEED_PROPERTY = "offstage.fuzz.seed";
    public static final int DEFAULT_TRIES = 200;

    private Fuzz() {}

    /** How many inputs each property gets. */
    public static int tries() {
        return Integer.getInteger(TRIES_PROPERTY, DEFAULT_TRIES);
    }

    /**
     * Checks {@code property} on {@link #tries()} inputs of {@code inputs}.
     *
     * @throws AssertionError on the first input the property fails (or throws) for, saying how to replay it
     */
    public static <T> void forAll(String name, Gen<T> inputs, Consumer<? super T> property) {
        var seed = seed(name);
        var tries = tries();
        for (var attempt = 0; attempt < tries; attempt++) {
            // One stream per try, split from the seed: a failing try replays without the ones before it changing it.
            var random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (attempt + 1)));
            var input = inputs.next(random);
            try {
                property.accept(input);
            } catch (AssertionError | RuntimeException | StackOverflowError failure) {
                throw new AssertionError("Property '" + name + "' failed on try " + (attempt + 1) + " of " + tries
                        + " (replay: -D" + SEED_PROPERTY + "=" + seed + "); input: " + abbreviate(String.valueOf(input)), failure);
            }
        }
    }

    private static long seed(String name) {
        var configured = System.getProperty(SEED_PROPERTY, "");
        if (configured.equalsIgnoreCase("random")) {
            return new SplittableRandom().nextLong();
        }
        if (!configured.isBlank()) {
            return Long.parseLong(configured.strip());
        }
        return name.hashCode();
    }

    static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "… (" + text.length() + " characters)";
    }
}
