package dev.offstage.testing;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension that owns the emulators. Tests never start servers themselves: they ask
 * for an {@link Emulators} parameter (constructor, lifecycle or test method) and build clients
 * from its {@link Emulators#environment()}.
 *
 * <pre>{@code
 * @ExtendWith(EmulatorsExtension.class)
 * class IdempotencyTest {
 *     IdempotencyTest(Emulators emulators) {
 *         aws = AwsClients.from(Environment.of(emulators.environment()));
 *     }
 * }
 * }</pre>
 *
 * <p>The emulators start once per test JVM, on first use, and stop when the JVM's test run ends
 * (JUnit closes the root store). Tests share them, so each test uses its own table, queue or
 * bucket names ({@link #uniqueName(String)}).
 */
public final class EmulatorsExtension implements TestInstancePreConstructCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmulatorsExtension.class);

    /**
     * Starts the emulators before the first test instance is built (they are often a constructor
     * parameter), per test rather than per class: when they cannot start (LocalStack without
     * Docker), each test is reported skipped with the reason instead of failing.
     */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factory, ExtensionContext context) {
        emulators(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        emulators(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Emulators.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return emulators(context);
    }

    private static Emulators emulators(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, ignored -> new Shared(Emulators.start()), Shared.class)
                .emulators();
    }

    /** A name no other test in this JVM uses: {@code prefix-<counter>-<random>}, valid for tables, queues and buckets. */
    public static String uniqueName(String prefix) {
        return UniqueNames.next(prefix);
    }

    /** Lets JUnit stop the emulators when the root context closes. */
    private record Shared(Emulators emulators) implements AutoCloseable {
        @Override
        public void close() {
            emulators.close();
        }
    }
}
