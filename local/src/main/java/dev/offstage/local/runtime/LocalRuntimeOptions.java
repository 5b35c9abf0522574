package dev.offstage.local.runtime;

import dev.offstage.faults.FaultPlan;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.triggers.AsyncInvoker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start the local runtime.
 *
 * @param template the SAM template to run
 * @param parameters template parameter overrides ({@code sam deploy --parameter-overrides})
 * @param secrets local values of the template's {@code AWS::SecretsManager::Secret}s, by logical
 *     id ({@code --secret LogicalId=value}); each must name a secret of the template
 * @param stackName the stack name physical names are derived from
 * @param httpPort the HTTP API's loopback port; 0 for any free one
 * @param endpointsFile where to write the endpoints JSON, if anywhere
 * @param backend {@code local} (dynalite, ElasticMQ, S3Proxy) or {@code localstack} (needs Docker)
 * @param initializeFunctions start one environment per function at startup (init errors surface
 *     then, and first requests are warm) rather than on first use
 * @param chaos chaos on deliveries and invocations, if any
 * @param faults SDK faults in the functions' AWS calls, if any
 */
public record LocalRuntimeOptions(
        Path template,
        Map<String, String> parameters,
        Map<String, String> secrets,
        String stackName,
        int httpPort,
        Optional<Path> endpointsFile,
        String backend,
        boolean initializeFunctions,
        LambdaSettings lambdaSettings,
        AsyncInvoker.Timing asyncTiming,
        Optional<ChaosPlan> chaos,
        Optional<FaultPlan> faults) {

    public LocalRuntimeOptions {
        Objects.requireNonNull(template, "template");
        parameters = Map.copyOf(parameters);
        secrets = Map.copyOf(secrets);
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(endpointsFile, "endpointsFile");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(lambdaSettings, "lambdaSettings");
        Objects.requireNonNull(asyncTiming, "asyncTiming");
        Objects.requireNonNull(chaos, "chaos");
        Objects.requireNonNull(faults, "faults");
    }

    /**
     * {@code template} with no overrides (parameters or secrets), stack {@code offstage}, any free port, no endpoints
     * file, the local emulators, functions started at startup, Lambda's async retry timing.
     */
    public static LocalRuntimeOptions of(Path template) {
        return new LocalRuntimeOptions(template, Map.of(), Map.of(), "offstage", 0, Optional.empty(), "local", true,
                LambdaSettings.defaults(), AsyncInvoker.Timing.lambda(), Optional.empty(), Optional.empty());
    }

    /** This options with another template (checked when the runtime starts). */
    public LocalRuntimeOptions withTemplate(Path file) {
        return new LocalRuntimeOptions(file, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withParameters(Map<String, String> overrides) {
        return new LocalRuntimeOptions(template, overrides, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    /** Local secret values by logical id, replacing those the template gives or generates. */
    public LocalRuntimeOptions withSecrets(Map<String, String> values) {
        return new LocalRuntimeOptions(template, parameters, values, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withStackName(String name) {
        return new LocalRuntimeOptions(template, parameters, secrets, name, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withHttpPort(int port) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, port, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withEndpointsFile(Path file) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, Optional.of(file), backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withBackend(String name) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, name,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withInitializeFunctions(boolean eager) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                eager, lambdaSettings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withLambdaSettings(LambdaSettings settings) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, settings, asyncTiming, chaos, faults);
    }

    public LocalRuntimeOptions withAsyncTiming(AsyncInvoker.Timing timing) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, timing, chaos, faults);
    }

    /** Chaos on deliveries and invocations ({@link ChaosPlan}); its {@code functions} also limit {@link #withFaults}. */
    public LocalRuntimeOptions withChaos(ChaosPlan plan) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, Optional.of(plan), faults);
    }

    /**
     * SDK faults in the functions' AWS calls: {@code settings} in the {@code OFFSTAGE_FAULTS} format
     * ({@link FaultPlan}), given to every function the chaos plan covers (all without one).
     *
     * @throws dev.offstage.shared.config.ConfigurationException when the settings are malformed
     */
    public LocalRuntimeOptions withFaults(String settings) {
        return new LocalRuntimeOptions(template, parameters, secrets, stackName, httpPort, endpointsFile, backend,
                initializeFunctions, lambdaSettings, asyncTiming, chaos, Optional.of(FaultPlan.parse(settings)));
    }
}
