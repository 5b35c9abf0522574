package dev.offstage.local.runtime;

import dev.offstage.local.console.ConsoleServer;
import dev.offstage.local.console.FunctionErrorLog;
import dev.offstage.local.console.InvocationLog;
import dev.offstage.local.console.PollerQueueAges;
import dev.offstage.local.lambda.Invoker;
import dev.offstage.local.lambda.LambdaService;
import dev.offstage.local.model.Application;
import dev.offstage.local.resources.ProvisionedResources;
import dev.offstage.local.resources.ResourceProvisioner;
import dev.offstage.local.template.LocalNaming;
import dev.offstage.local.template.Templates;
import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.triggers.AsyncInvoker;
import dev.offstage.local.triggers.HttpApiServer;
import dev.offstage.local.triggers.S3Notifications;
import dev.offstage.local.triggers.SqsPoller;
import dev.offstage.ops.Deployment;
import dev.offstage.ops.OpsConsole;
import dev.offstage.shared.aws.AwsClients;
import dev.offstage.shared.config.Environment;
import dev.offstage.testing.Emulators;
import dev.offstage.testing.S3ObjectListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole application of a {@code template.yaml} running on this machine, without Docker:
 * emulators (dynalite, ElasticMQ, S3Proxy, Secrets Manager) on free loopback ports, every table,
 * queue, bucket and secret the template declares, every function in Lambda-like JVMs (the runtime
 * interface client against a local Runtime API) with the environment the template gives it, and
 * the template's triggers —
 * HTTP API routes, SQS event source mappings, S3 notifications with Lambda's async retries — and
 * a web console under {@code /_offstage/} on the HTTP API's port ({@link ConsoleServer}).
 *
 * <p>{@link #start(LocalRuntimeOptions)} returns when everything is ready; a template mistake stops
 * it with an error that names the resource and the problem, and whatever had started is stopped.
 * {@link #close()} stops it all. Thread-safe once started.
 */
public final class LocalRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);
    /** What the console keeps in memory: enough for a debugging session, bounded for a long-running one. */
    private static final int RECENT_INVOCATIONS = 500;
    private static final int RECENT_ERRORS = 500;

    private final Deque<AutoCloseable> started;
    private final Application application;
    private final Invoker lambda;
    private final AsyncInvoker async;
    private final LocalEndpoints endpoints;
    private final Map<String, String> clientEnvironment;
    private final Chaos chaos;

    private LocalRuntime(Deque<AutoCloseable> started, Application application, Invoker lambda,
            AsyncInvoker async, LocalEndpoints endpoints, Map<String, String> clientEnvironment, Chaos chaos) {
        this.chaos = chaos;
        this.started = started;
        this.application = application;
        this.lambda = lambda;
        this.async = async;
        this.endpoints = endpoints;
        this.clientEnvironment = clientEnvironment;
    }

    /**
     * Starts the application {@code options.template()} declares and returns when it is ready.
     *
     * @throws dev.offstage.local.template.TemplateException the template is wrong (names resource and problem)
     * @throws dev.offstage.local.lambda.FunctionSetupException a function cannot run (names function and problem)
     */
    public static LocalRuntime start(LocalRuntimeOptions options) {
        var startedAt = System.nanoTime();
        var started = new ArrayDeque<AutoCloseable>();
        try {
            // S3Proxy needs its listener when it starts; the notifications need the template, which
            // needs the emulators' endpoints: the listener forwards to them once they exist.
            var s3Listener = new AtomicReference<S3ObjectListener>(change -> { });
            var emulators = startEmulators(options, change -> s3Listener.get().changed(change));
            started.push(emulators);

            // Bound now, served once the routes are known: the template needs the API's URL.
            var httpListener = HttpApiServer.listen(options.httpPort());
            started.push(httpListener);
            var naming = LocalNaming.of(options.stackName(), emulators.sqsEndpoint(), httpListener.uri());
            var application = Templates.load(options.template(), options.parameters(), options.secrets(), naming);

            var aws = AwsClients.from(Environment.of(emulators.environment()));
            started.push(aws);
            var resources = new ResourceProvisioner(aws).provision(application);

            var invocations = new InvocationLog(RECENT_INVOCATIONS);
            var errors = new FunctionErrorLog(RECENT_ERRORS);
            var chaos = options.chaos().map(Chaos::of).orElse(Chaos.NONE);
            var lambda = LambdaService.create(application, emulators.environment(), options.lambdaSettings(), errors,
                    chaos, options.faults());
            started.push(lambda);
            lambda.validate();
            if (options.initializeFunctions()) {
                lambda.initializeAll();
            }

            var async = new AsyncInvoker(application, invocations.recording(lambda, InvocationLog.ASYNC), aws.sqs(),
                    options.asyncTiming(), chaos);
            started.push(async);
            var notifications = new S3Notifications(application);
            notifications.deliverTo(async);
            s3Listener.set(notifications);
            if (!"local".equals(emulators.backend())) {
                LOG.warn("S3 event notifications are not delivered with the {} backend", emulators.backend());
            }

            var http = HttpApiServer.start(application, invocations.recording(lambda, InvocationLog.HTTP),
                    HttpApiServer.Options.apiGateway().withApiId(naming.apiId("ServerlessHttpApi")), httpListener);
            started.remove(httpListener);   // the server owns the port now
            started.push(http);
            var sqs = SqsPoller.start(application, invocations.recording(lambda, InvocationLog.SQS), aws.sqs(),
                    SqsPoller.Options.lambdaDefaults(options.lambdaSettings().defaultConcurrency()), chaos);
            started.push(sqs);

            var ages = new PollerQueueAges(sqs, Clock.systemUTC());
            var ops = new OpsConsole(deployment(options.stackName(), application, resources), aws.sqs(), aws.dynamoDb(),
                    ages, errors);
            http.serveConsole(new ConsoleServer(application, lambda::environments, invocations, errors, ages, ops));

            var endpoints = LocalEndpoints.of(http.baseUri(), emulators, application, resources, naming);
            options.endpointsFile().ifPresent(file -> write(endpoints, file));
            var elapsed = Duration.ofNanos(System.nanoTime() - startedAt);
            LOG.atInfo().addKeyValue("startup_ms", elapsed.toMillis()).addKeyValue("http_api", http.baseUri())
                    .log("Offstage local runtime ready in {} ms: {} functions, {} queues, {} tables, {} buckets, {} secrets",
                            elapsed.toMillis(), application.functions().size(), application.queues().size(),
                            application.tables().size(), application.buckets().size(), application.secrets().size());
            return new LocalRuntime(started, application, invocations.recording(lambda, InvocationLog.DIRECT), async,
                    endpoints, emulators.environment(), chaos);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** What the ops console looks at: the provisioned queues and tables, the functions' local names. */
    private static Deployment deployment(String stackName, Application application, ProvisionedResources resources) {
        var queues = new TreeMap<String, String>();
        resources.queues().forEach((id, queue) -> queues.put(id, queue.url()));
        var tables = new TreeMap<String, String>();
        resources.tables().forEach((id, table) -> tables.put(id, table.name()));
        var functions = new TreeMap<String, String>();
        application.functions().forEach((id, function) -> functions.put(id, function.functionName()));
        return new Deployment(stackName, queues, tables, functions, Map.of());
    }

    private static Emulators startEmulators(LocalRuntimeOptions options, S3ObjectListener listener) {
        return switch (options.backend()) {
            case "local" -> Emulators.startLocal(listener);
            case "localstack" -> Emulators.startLocalStack();
            default -> throw new IllegalArgumentException(
                    "backend must be 'local' or 'localstack', was '" + options.backend() + "'");
        };
    }

    /** Where everything listens, and the local names of the template's resources. */
    public LocalEndpoints endpoints() {
        return endpoints;
    }

    /** The resolved application the runtime runs. */
    public Application application() {
        return application;
    }

    /** Invokes a function synchronously, as {@code aws lambda invoke} would. */
    public Invoker invoker() {
        return lambda;
    }

    /**
     * Invokes a function asynchronously (Lambda's {@code Event} invocation type), with its
     * {@code EventInvokeConfig} retries and destinations. Returns the request id at once.
     */
    public String invokeAsync(String functionLogicalId, byte[] eventJson) {
        return async.invoke(functionLogicalId, eventJson, "async invoke");
    }

    /**
     * Events accepted for asynchronous invocation (S3 notifications, {@link #invokeAsync}) and not
     * done yet: waiting, running, or waiting for a retry. Zero means every such event has reached
     * its function, its destination or its end — what a test waits for before it asserts that
     * something did not happen.
     */
    public int pendingAsyncEvents() {
        return async.pendingEvents();
    }

    /**
     * What a client needs to reach the emulators: region, credentials and the
     * {@code AWS_ENDPOINT_URL_*} variables (give it to {@code AwsClients.from}).
     */
    public Map<String, String> clientEnvironment() {
        return clientEnvironment;
    }

    /** What the chaos ({@link LocalRuntimeOptions#withChaos}) has done so far, by kind; all zero without it. */
    public Map<ChaosKind, Long> chaosCounts() {
        return chaos.counts();
    }

    /** Stops triggers, functions and emulators, newest first. Idempotent. */
    @Override
    public void close() {
        closeAll(started);
        LOG.info("Offstage local runtime stopped");
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        synchronized (started) {
            while (!started.isEmpty()) {
                var next = started.pop();
                try {
                    next.close();
                } catch (Exception e) {
                    LOG.warn("Stopping {} failed", next.getClass().getSimpleName(), e);
                }
            }
        }
    }

    private static void write(LocalEndpoints endpoints, java.nio.file.Path file) {
        try {
            var parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, endpoints.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the endpoints file " + file, e);
        }
    }
}
