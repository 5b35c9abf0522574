package dev.offstage.benchmarks.coldstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.offstage.shared.priming.Priming;
import dev.offstage.testing.TestContext;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One fresh JVM's first invocation of a handler, with or without its SnapStart primes run first:
 * what {@link PrimingColdStart} starts per sample. Loads the handler class (its static initialiser
 * is the function's init), optionally runs the {@link Priming} its handler registered (found in its
 * static field, as org.crac would call it before a snapshot), then invokes it twice with the
 * sample, reading the event and writing the answer with the runtime's own serialisers.
 *
 * <p>Usage: {@code FirstInvocation <handler class> <event file> <primed|unprimed> <function name>}.
 * Prints one line to standard error: {@code RESULT <init ms> <prime ms> <1st ms> <2nd ms>}; the
 * function's own log lines go to standard output.
 */
public final class FirstInvocation {

    private FirstInvocation() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        var event = Files.readAllBytes(Path.of(args[1]));
        var primed = args[2].equals("primed");
        var started = System.nanoTime();
        var type = Class.forName(args[0]);
        var handler = (RequestHandler) type.getDeclaredConstructor().newInstance();
        var initialised = System.nanoTime();
        if (primed) {
            for (var field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == Priming.class) {
                    field.setAccessible(true);
                    ((Priming) field.get(null)).beforeCheckpoint(null);
                }
            }
        }
        var primedAt = System.nanoTime();
        var context = TestContext.forFunction(args[3]);
        invoke(handler, type, event, context);
        var first = System.nanoTime();
        invoke(handler, type, event, context);
        var second = System.nanoTime();
        System.err.printf("RESULT %d %d %d %d%n", millis(started, initialised), millis(initialised, primedAt),
                millis(primedAt, first), millis(first, second));
        System.exit(0);
    }

    /** As the runtime interface client does it: the event type's serialiser in, the answer's out. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void invoke(RequestHandler handler, Class<?> type, byte[] event, TestContext context) {
        var generic = (ParameterizedType) java.util.Arrays.stream(type.getGenericInterfaces())
                .filter(candidate -> candidate instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class)
                .findFirst().orElseThrow();
        var input = (Class<?>) generic.getActualTypeArguments()[0];
        var output = (Class<?>) generic.getActualTypeArguments()[1];
        var loader = type.getClassLoader();
        Object in = LambdaEventSerializers.serializerFor(input, loader).fromJson(new java.io.ByteArrayInputStream(event));
        Object answer = handler.handleRequest(in, context);
        if (answer != null && output != Void.class) {
            ((com.amazonaws.services.lambda.runtime.serialization.PojoSerializer) LambdaEventSerializers.serializerFor(output, loader))
                    .toJson(answer, new ByteArrayOutputStream());
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
