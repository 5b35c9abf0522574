package dev.offstage.local.runtime;

import dev.offstage.faults.FaultPlan;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.FunctionSetupException;
import dev.offstage.local.lambda.LambdaSettings;
import dev.offstage.local.template.TemplateException;
import dev.offstage.shared.config.ConfigurationException;
import dev.offstage.shared.config.Environment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code scripts/dev}: runs a template locally until interrupted (Ctrl-C or SIGTERM).
 *
 * <pre>
 * --template PATH              the SAM template (default template.yaml)
 * --parameter-overrides K=V    template parameters, repeatable (as sam deploy)
 * --secret LogicalId=VALUE     a secret's local value, repeatable (default: SecretString, else local-&lt;kebab-case-id&gt;)
 * --stack-name NAME            physical names derive from it (default offstage)
 * --port N                     the HTTP API's port (default 3000, as sam local start-api; 0 = any)
 * --endpoints-file PATH        where to write the endpoints JSON (default .offstage/endpoints.json)
 * --backend local|localstack   emulators (default local: dynalite, ElasticMQ, S3Proxy)
 * --lazy                       start function environments on first use, not at startup
 * --chaos SETTINGS             chaos on deliveries and invocations, e.g. seed=42;duplicate=0.1;kill=0.02 (ChaosPlan)
 * --faults SETTINGS            SDK faults in the functions' AWS calls, e.g. seed=42;throttle=0.05 (OFFSTAGE_FAULTS format)
 * </pre>
 *
 * <p>{@code OFFSTAGE_FAULTS} in the runtime's own environment is refused: the runtime's clients
 * would inject faults into its own polling and provisioning; {@code --faults} gives them to the functions.
 *
 * <p>Exit codes: 0 after a clean stop, 2 for bad arguments, 3 for a template or function mistake,
 * 4 when anything else stops startup (a port in use, no Docker for LocalStack, ...).
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        LocalRuntimeOptions options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException | ConfigurationException e) {
            System.err.println("offstage local: " + e.getMessage());
            System.err.println("usage: scripts/dev [--template PATH] [--parameter-overrides K=V ...] [--secret Id=VALUE ...]"
                    + " [--stack-name NAME]"
                    + " [--port N] [--endpoints-file PATH] [--backend local|localstack] [--lazy]"
                    + " [--chaos SETTINGS] [--faults SETTINGS]");
            System.exit(2);
            return;
        }
        LocalRuntime runtime;
        try {
            runtime = LocalRuntime.start(options);
        } catch (TemplateException | FunctionSetupException e) {
            System.err.println("offstage local: cannot start " + options.template() + ":\n" + e.getMessage());
            System.exit(3);
            return;
        } catch (RuntimeException e) {
            // Anything else that stops startup (a trigger the runtime cannot serve, no Docker for
            // LocalStack, a port in use): the message, and the details in the log above.
            System.err.println("offstage local: cannot start " + options.template() + ": " + e.getMessage());
            System.exit(4);
            return;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "offstage-local-stop"));
        var out = System.err;   // stdout carries the JSON log lines; the banner is for people
        out.println();
        out.println("Offstage local runtime is ready (" + options.template() + ", stack " + options.stackName() + "):");
        out.print(runtime.endpoints().summary());
        options.endpointsFile().ifPresent(file -> out.println("  endpoints written to " + file.toAbsolutePath()));
        out.println("Stop with Ctrl-C.");
        out.println();
        stopped.await();
    }

    static LocalRuntimeOptions parse(String[] args) {
        var options = LocalRuntimeOptions.of(Path.of("template.yaml"))
                .withHttpPort(3000)
                .withEndpointsFile(Path.of(".offstage", "endpoints.json"))
                .withLambdaSettings(LambdaSettings.from(Environment.system()));
        if (Environment.system().optional(FaultPlan.VARIABLE).isPresent()) {
            throw new IllegalArgumentException(FaultPlan.VARIABLE + " is set in the runtime's environment, where it would"
                    + " inject faults into the runtime's own polling and provisioning; unset it and pass --faults instead");
        }
        var parameters = new LinkedHashMap<String, String>();
        var secrets = new LinkedHashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            var arg = args[i];
            switch (arg) {
                case "--template" -> options = options.withTemplate(Path.of(value(args, ++i, arg)));
                case "--parameter-overrides" -> {
                    while (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        var pair = args[++i];
                        var equals = pair.indexOf('=');
                        if (equals <= 0) {
                            throw new IllegalArgumentException("--parameter-overrides takes Name=Value pairs, got '" + pair + "'");
                        }
                        parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
                    }
                }
                case "--secret" -> {
                    var pair = value(args, ++i, arg);
                    var equals = pair.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--secret takes LogicalId=value, got '" + pair.replaceAll("=.*", "=...") + "'");
                    }
                    if (secrets.put(pair.substring(0, equals), pair.substring(equals + 1)) != null) {
                        throw new IllegalArgumentException("--secret " + pair.substring(0, equals) + " is given twice");
                    }
                }
                case "--stack-name" -> options = options.withStackName(value(args, ++i, arg));
                case "--port" -> options = options.withHttpPort(port(value(args, ++i, arg)));
                case "--endpoints-file" -> options = options.withEndpointsFile(Path.of(value(args, ++i, arg)));
                case "--backend" -> options = options.withBackend(backend(value(args, ++i, arg)));
                case "--lazy" -> options = options.withInitializeFunctions(false);
                case "--chaos" -> options = options.withChaos(ChaosPlan.parse(value(args, ++i, arg)));
                case "--faults" -> options = options.withFaults(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (!Files.isRegularFile(options.template())) {
            throw new IllegalArgumentException("no template at " + options.template().toAbsolutePath());
        }
        return options.withParameters(parameters).withSecrets(secrets);
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    private static String backend(String name) {
        if (!name.equals("local") && !name.equals("localstack")) {
            throw new IllegalArgumentException("--backend must be local or localstack, got '" + name + "'");
        }
        return name;
    }

    /**
     * A {@code --port} value: a TCP port, 0 for any free one (the GitHub API player's command line
     * takes it too).
     *
     * @throws IllegalArgumentException naming the flag and the value otherwise
     */
    public static int port(String text) {
        try {
            var port = Integer.parseInt(text);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a TCP port (0 for any free one), got '" + text + "'");
        }
    }
}
