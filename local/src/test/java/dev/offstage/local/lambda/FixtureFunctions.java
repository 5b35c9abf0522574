package dev.offstage.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.offstage.local.lambda.fixtures.EchoHandler;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.EventSource;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.model.FunctionSpec.SnapStart;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.testing.TestSecrets;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.joda.time.DateTime;

/**
 * A code module built from the test fixtures, laid out as {@code ./mvnw package} lays out a
 * function module: {@code target/classes} holds the compiled fixture handlers, and
 * {@code target/lambda-classpath.txt} lists the jars they need (aws-lambda-java-core,
 * aws-lambda-java-events and org.crac, found where this JVM loaded them).
 */
final class FixtureFunctions {

    static final String FIXTURES = "dev.offstage.local.lambda.fixtures.";

    private FixtureFunctions() {}

    /** Builds the fixture code module under {@code directory} and returns its CodeUri. */
    static Path codeModule(Path directory) {
        try {
            var codeUri = Files.createDirectories(directory.resolve("fixture-function"));
            var packagePath = FIXTURES.replace('.', '/');
            var compiled = location(EchoHandler.class).resolve(packagePath);
            var target = Files.createDirectories(codeUri.resolve("target/classes").resolve(packagePath));
            try (Stream<Path> classes = Files.list(compiled)) {
                for (var file : classes.filter(path -> path.toString().endsWith(".class")).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            var jars = Stream.of(Context.class, SQSEvent.class, DateTime.class, org.crac.Core.class)
                    .map(FixtureFunctions::location)
                    .map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator));
            Files.writeString(codeUri.resolve("target/lambda-classpath.txt"), jars);
            return codeUri;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A function of the fixture module: 256 MB, 30 s, no events, default concurrency. */
    static FunctionSpec function(Path codeUri, String logicalId, String handlerClass) {
        return new FunctionSpec(logicalId, "offstage-test-" + logicalId, FIXTURES + handlerClass, codeUri, "java25", 256,
                Duration.ofSeconds(30), Map.of(), OptionalInt.empty(), List.of(), AsyncConfig.LAMBDA_DEFAULTS,
                LoggingSettings.LAMBDA_DEFAULTS, SnapStart.NONE);
    }

    static FunctionSpec withTimeout(FunctionSpec function, Duration timeout) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), timeout, function.environment(), function.reservedConcurrency(),
                function.events(), function.async(), function.logging(), function.snapStart());
    }

    static FunctionSpec withEnvironment(FunctionSpec function, Map<String, String> environment) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), function.timeout(), environment, function.reservedConcurrency(),
                function.events(), function.async(), function.logging(), function.snapStart());
    }

    static FunctionSpec withReservedConcurrency(FunctionSpec function, int reserved) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), function.timeout(), function.environment(), OptionalInt.of(reserved),
                function.events(), function.async(), function.logging(), function.snapStart());
    }

    static FunctionSpec withEvents(FunctionSpec function, EventSource... events) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), function.timeout(), function.environment(),
                function.reservedConcurrency(), List.of(events), function.async(), function.logging(), function.snapStart());
    }

    static FunctionSpec withLogging(FunctionSpec function, LoggingSettings logging) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), function.timeout(), function.environment(),
                function.reservedConcurrency(), function.events(), function.async(), logging, function.snapStart());
    }

    static FunctionSpec withSnapStart(FunctionSpec function, SnapStart snapStart) {
        return new FunctionSpec(function.logicalId(), function.functionName(), function.handler(), function.codeUri(),
                function.runtime(), function.memoryMb(), function.timeout(), function.environment(),
                function.reservedConcurrency(), function.events(), function.async(), function.logging(), snapStart);
    }

    static Application application(FunctionSpec... functions) {
        var byId = new LinkedHashMap<String, FunctionSpec>();
        for (var function : functions) {
            byId.put(function.logicalId(), function);
        }
        return new Application("offstage-test", Map.of(), byId, Map.of(), Map.of(), Map.of());
    }

    /** What the emulators would add: region, credentials, endpoints (nothing listens there in these tests). */
    static Map<String, String> platformEnvironment() {
        return Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_DEFAULT_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "offstage",
                "AWS_SECRET_ACCESS_KEY", TestSecrets.EMULATOR_SECRET_ACCESS_KEY,
                "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9",
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9");
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
