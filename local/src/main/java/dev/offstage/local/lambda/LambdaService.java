package dev.offstage.local.lambda;

import dev.offstage.faults.FaultInjector;
import dev.offstage.faults.FaultPlan;
import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.lambda.FunctionSetupException.Problem;
import dev.offstage.local.model.Application;
import dev.offstage.local.model.FunctionSpec;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local Lambda service: runs the template's functions as Lambda's {@code java25} runtime does
 * — each execution environment a separate JVM running the AWS Lambda Runtime Interface Client
 * against a local Runtime API, with the function's code from its module's build output and the
 * environment the template gives it — and invokes them synchronously ({@link Invoker}).
 *
 * <p>An environment serves one invocation at a time and is reused while warm. Concurrency per
 * function is capped by {@code ReservedConcurrentExecutions} when set, else by
 * {@link LambdaSettings#defaultConcurrency()}; beyond it, invocations are {@code THROTTLED}. A
 * function that exceeds its {@code Timeout} has its environment (and every process it started)
 * killed.
 *
 * <p>A function with {@code SnapStart: {ApplyOn: PublishedVersions}} has each environment
 * initialised as Lambda initialises the version it snapshots: the {@code org.crac}
 * {@code beforeCheckpoint} and {@code afterRestore} hooks run before the first invocation, and a
 * hook that throws is an init error ({@link ExecutionEnvironment}). Nothing is snapshotted.
 *
 * <p>Logs one line per invocation on logger {@code dev.offstage.local.lambda.Invocations} (INFO
 * for success, WARN otherwise) with the MDC keys {@code function}, {@code request_id},
 * {@code trigger} (when given), {@code outcome}, {@code duration_ms}, {@code error_type},
 * {@code cold_start} and {@code init_duration_ms}. What a function prints goes to the runtime's
 * output: JSON lines untouched, other lines logged on {@code function.<LogicalId>} with the MDC
 * key {@code function}.
 *
 * <p>Thread-safe. {@link #close()} kills every environment; environments also halt by themselves
 * when this JVM dies, however it dies.
 */
public final class LambdaService implements Invoker, AutoCloseable {

    /** How many functions {@link #initializeAll()} initialises at once: one per CPU, at least two. */
    static final int STARTUP_INITS = Math.max(2, Runtime.getRuntime().availableProcessors());


    private static final String DEFAULT_REGION = "us-east-1";

    private final Application application;
    private final Map<String, String> platformEnvironment;
    private final LambdaSettings settings;
    private final LambdaJavaRuntime runtime;
    private final PrintStream jsonOutput;
    private final OutputListener outputListener;
    private final String region;
    private final Chaos chaos;
    private final Optional<FaultPlan> faults;
    private final Map<String, EnvironmentPool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private LambdaService(Application application, Map<String, String> platformEnvironment, LambdaSettings settings,
            LambdaJavaRuntime runtime, PrintStream jsonOutput, OutputListener outputListener, Chaos chaos,
            Optional<FaultPlan> faults) {
        this.application = application;
        this.chaos = chaos;
        this.faults = faults;
        this.outputListener = outputListener;
        this.platformEnvironment = Map.copyOf(platformEnvironment);
        this.settings = settings;
        this.runtime = runtime;
        this.jsonOutput = jsonOutput;
        this.region = platformEnvironment.getOrDefault("AWS_REGION", DEFAULT_REGION);
    }

    /**
     * A service for the functions of {@code application}. Starts no process: environments start on
     * first invocation, or all at once with {@link #initializeAll()}.
     *
     * @param platformEnvironment what the local platform adds to every function's environment —
     *     region, credentials and the emulators' {@code AWS_ENDPOINT_URL_*} — overriding the
     *     template's values so a function never reaches real AWS by accident
     */
    public static LambdaService create(Application application, Map<String, String> platformEnvironment,
            LambdaSettings settings) {
        return create(application, platformEnvironment, settings, OutputListener.NONE);
    }

    /**
     * As {@link #create(Application, Map, LambdaSettings)}, also handing every line the functions
     * print to {@code outputListener} (the local console collects their ERROR lines there).
     */
    public static LambdaService create(Application application, Map<String, String> platformEnvironment,
            LambdaSettings settings, OutputListener outputListener) {
        return create(application, platformEnvironment, settings, outputListener, Chaos.NONE, Optional.empty());
    }

    /**
     * As {@link #create(Application, Map, LambdaSettings, OutputListener)}, for a chaos run.
     *
     * @param chaos kills environments and cuts deadlines of the invocations it draws
     * @param faults when present, the functions the chaos plan covers (every function without a
     *     plan) run with {@code OFFSTAGE_FAULTS} set to it and the {@code offstage-faults} SDK
     *     interceptor after their code on the class path
     */
    public static LambdaService create(Application application, Map<String, String> platformEnvironment,
            LambdaSettings settings, OutputListener outputListener, Chaos chaos, Optional<FaultPlan> faults) {
        return new LambdaService(application, platformEnvironment, settings, LambdaJavaRuntime.prepare(), System.out,
                Objects.requireNonNull(outputListener, "outputListener"), Objects.requireNonNull(chaos, "chaos"),
                Objects.requireNonNull(faults, "faults"));
    }

    /**
     * {@inheritDoc}
     *
     * @throws FunctionSetupException when the function's code is not built (startup's
     *     {@link #validate()} reports that first)
     */
    @Override
    public Invocation invoke(String functionLogicalId, byte[] eventJson) {
        return invoke(functionLogicalId, eventJson, null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws FunctionSetupException when the function's code is not built
     */
    @Override
    public Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger) {
        return invoke(functionLogicalId, eventJson, trigger, UUID.randomUUID().toString());
    }

    /**
     * {@inheritDoc}
     *
     * @throws FunctionSetupException when the function's code is not built
     */
    @Override
    public Invocation invoke(String functionLogicalId, byte[] eventJson, String trigger, String requestId) {
        return pool(function(functionLogicalId)).invoke(eventJson, trigger, requestId);
    }

    /**
     * Checks every function without running it: its build output exists, no reserved variable is
     * set in its environment, its handler class and method exist, and its handler takes the events
     * of each of its triggers.
     *
     * @throws FunctionSetupException listing every problem, each naming its function
     */
    public void validate() {
        var problems = new ArrayList<Problem>();
        for (var function : functionsInOrder()) {
            problems.addAll(problemsOf(function));
        }
        if (!problems.isEmpty()) {
            throw new FunctionSetupException(problems);
        }
    }

    /**
     * {@link #validate() Validates} every function, then starts one execution environment per
     * function and waits for its init (handler class loaded, static initialisers run), so template
     * and code mistakes surface at startup. Inits run {@link #STARTUP_INITS} at a time (one per CPU),
     * each against its own init limit from its own start. The environments stay warm for the first invocations.
     *
     * @throws FunctionSetupException listing every problem and every failed init, each naming its
     *     function; nothing is left running for the functions that failed
     */
    public void initializeAll() {
        validate();
        var functions = functionsInOrder();
        var problems = new ArrayList<Problem>();
        // In Lambda every environment has CPUs of its own; here they share the machine's. Starting
        // all of them at once let a dozen JVMs (SnapStart ones with C2 and their primes) run past
        // their init limit on 2 cores; a few at a time, each init gets a CPU and keeps its limit.
        var initSlots = new Semaphore(STARTUP_INITS);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            var results = new LinkedHashMap<String, Future<Optional<String>>>();
            for (var function : functions) {
                var pool = pool(function);
                results.put(function.logicalId(), executor.submit(() -> {
                    initSlots.acquire();
                    try {
                        return pool.warmUp();
                    } finally {
                        initSlots.release();
                    }
                }));
            }
            for (var result : results.entrySet()) {
                try {
                    result.getValue().get().ifPresent(message ->
                            problems.add(new Problem(result.getKey(), "init failed: " + message)));
                } catch (ExecutionException e) {
                    problems.add(new Problem(result.getKey(), "cannot start: " + e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while initialising functions", e);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new FunctionSetupException(problems);
        }
    }

    /**
     * What the function's handler takes and returns, read from its code in a throwaway class loader
     * (no static initialiser runs), so a caller can compare it with the function's triggers.
     *
     * @throws FunctionSetupException when the code is not built or the handler does not exist
     * @throws IllegalArgumentException when the template has no such function
     */
    public HandlerSignature handlerSignature(String functionLogicalId) {
        var function = function(functionLogicalId);
        return inspect(function, FunctionCode.of(function));
    }

    /** How many execution environments the function has now, busy or idle (0 before its first invocation). */
    public int environments(String functionLogicalId) {
        var pool = pools.get(functionLogicalId);
        return pool == null ? 0 : pool.environments();
    }

    /** Kills every execution environment, running or idle, and frees the runtime's files. Idempotent. */
    @Override
    public void close() {
        closed = true;
        pools.values().forEach(EnvironmentPool::close);
        runtime.close();
    }

    private List<Problem> problemsOf(FunctionSpec function) {
        var problems = new ArrayList<Problem>();
        function.environment().keySet().stream().filter(FunctionSpec.RESERVED_VARIABLES::contains).sorted().forEach(name ->
                problems.add(new Problem(function.logicalId(), "environment variable " + name
                        + " is reserved by Lambda and cannot be set in the template")));
        try {
            var signature = inspect(function, FunctionCode.of(function));
            for (var source : function.events()) {
                signature.mismatch(source).ifPresent(message -> problems.add(new Problem(function.logicalId(), message)));
            }
        } catch (FunctionSetupException e) {
            problems.addAll(e.problems());
        }
        return problems;
    }

    private HandlerSignature inspect(FunctionSpec function, FunctionCode code) {
        var classpath = new ArrayList<URL>();
        runtime.classpath().forEach(path -> classpath.add(FunctionCode.url(path)));
        classpath.addAll(code.urls());
        return HandlerSignature.inspect(function.logicalId(), function.handler(), classpath);
    }

    private EnvironmentPool pool(FunctionSpec function) {
        if (closed) {
            throw new IllegalStateException("The Lambda service is closed");
        }
        return pools.computeIfAbsent(function.logicalId(), id -> {
            var code = FunctionCode.of(function);
            var limit = function.reservedConcurrency().orElse(settings.defaultConcurrency());
            var arn = "arn:aws:lambda:" + region + ":" + settings.accountId() + ":function:" + function.functionName();
            return new EnvironmentPool(function, limit, arn, () -> ExecutionEnvironment.launch(
                    function, code, runtime, variables(function, code), jsonOutput, outputListener,
                    faulty(function) ? faultsClasspath() : List.of()), chaos);
        });
    }

    /**
     * The process environment of one execution environment: the template's variables, then the
     * platform's (emulator endpoints and credentials win over the template), then what Lambda
     * sets for every function, including what it derives from {@code LoggingConfig}
     * ({@code AWS_LAMBDA_LOG_FORMAT} always, {@code AWS_LAMBDA_LOG_LEVEL} for an application log
     * level, {@code AWS_LAMBDA_LOG_GROUP_NAME} from {@code LogGroup}) and
     * {@code AWS_LAMBDA_INITIALIZATION_TYPE} ({@code snap-start} for {@code SnapStart.ApplyOn:
     * PublishedVersions}, whose init the local runtime runs as the snapshot's, else
     * {@code on-demand}). Nothing of this JVM's own environment leaks in.
     */
    Map<String, String> variables(FunctionSpec function, FunctionCode code) {
        var variables = new TreeMap<String, String>(function.environment());
        variables.putAll(platformEnvironment);
        variables.put("AWS_REGION", region);
        variables.put("AWS_DEFAULT_REGION", region);
        variables.put("AWS_EXECUTION_ENV", "AWS_Lambda_java25");
        variables.put("AWS_LAMBDA_FUNCTION_NAME", function.functionName());
        variables.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        variables.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
        // Lambda's values: SnapStart's init is the one it snapshots (the runtime client then runs the org.crac hooks).
        variables.put("AWS_LAMBDA_INITIALIZATION_TYPE",
                function.snapStart() == FunctionSpec.SnapStart.PUBLISHED_VERSIONS ? "snap-start" : "on-demand");
        variables.put("AWS_LAMBDA_LOG_GROUP_NAME", function.logging().logGroup().orElse("/aws/lambda/" + function.functionName()));
        variables.put("AWS_LAMBDA_LOG_FORMAT", function.logging().format().lambdaName());
        // A level exists only with the JSON format (LoggingSettings refuses it otherwise), as in Lambda.
        function.logging().applicationLogLevel().ifPresent(level -> variables.put("AWS_LAMBDA_LOG_LEVEL", level.name()));
        variables.put("AWS_LAMBDA_LOG_STREAM_NAME", logStreamName());
        variables.put("LAMBDA_TASK_ROOT", code.classes().toString());
        variables.put("LAMBDA_RUNTIME_DIR", runtime.directory().toString());
        variables.put("_HANDLER", function.handler());
        variables.put("TZ", ":UTC");
        variables.put("LANG", "en_US.UTF-8");
        variables.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        if (faulty(function)) {
            variables.put(FaultPlan.VARIABLE, faults.orElseThrow().toString());
        }
        return variables;
    }

    /** Whether the function runs with fault injection: faults are on, and the chaos plan (if any) covers it. */
    private boolean faulty(FunctionSpec function) {
        return faults.isPresent() && (chaos.plan().isEmpty() || chaos.covers(function.logicalId()));
    }

    /** Where this JVM loaded the fault injector from (its jar, or classes directory), for a function's class path. */
    private static List<Path> faultsClasspath() {
        try {
            return List.of(Path.of(FaultInjector.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the offstage-faults jar", e);
        }
    }

    /** {@code 2026/11/27/[$LATEST]<32 hex digits>}, one per environment, as in CloudWatch. */
    private static String logStreamName() {
        var bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd")) + "/[$LATEST]"
                + HexFormat.of().formatHex(bytes);
    }

    private FunctionSpec function(String functionLogicalId) {
        var function = application.functions().get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("The template has no function " + functionLogicalId
                    + " (functions: " + String.join(", ", new TreeSet<>(application.functions().keySet())) + ")");
        }
        return function;
    }

    private List<FunctionSpec> functionsInOrder() {
        return application.functions().values().stream().sorted(Comparator.comparing(FunctionSpec::logicalId)).toList();
    }
}
