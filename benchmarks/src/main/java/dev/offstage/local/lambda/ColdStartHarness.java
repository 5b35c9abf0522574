package dev.offstage.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offstage.benchmarks.coldstart.ClassDataCache;
import dev.offstage.benchmarks.coldstart.ColdStartOptions;
import dev.offstage.benchmarks.coldstart.ColdStartTable;
import dev.offstage.benchmarks.coldstart.ColdStartTable.Sample;
import dev.offstage.benchmarks.coldstart.HelloWorldHandler;
import dev.offstage.local.lambda.ExecutionEnvironment.Init;
import dev.offstage.local.lambda.ExecutionEnvironment.Result;
import dev.offstage.local.lambda.RuntimeApiServer.Answer;
import dev.offstage.local.model.AsyncConfig;
import dev.offstage.local.model.FunctionSpec;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.local.runtime.ProvisionedStack;
import dev.offstage.shared.json.Json;
import dev.offstage.testing.Emulators;
import com.amazonaws.services.lambda.runtime.Context;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The cold start of every function of {@code template.yaml} beside a hello-world handler, each run a
 * fresh execution environment exactly as the local runtime starts one (benchmark, not a test):
 * Lambda's {@code java25} JVM options with the heap sized from the function's MemorySize, the
 * runtime interface client against a Runtime API of its own, the template's environment, the
 * emulators holding the template's resources. Per run: JVM start → the runtime's first
 * {@code /next} (init), the first and the second invocation of the function's {@code events/}
 * sample, the JVM's RSS after the second, and (first run) the classes it loaded.
 *
 * <p>SnapStart functions ({@code SnapStart.ApplyOn: PublishedVersions}) start as the local runtime
 * starts them, as Lambda runs the init it snapshots: {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start},
 * default tiered compilation, and the {@code org.crac} hooks run before the first {@code /next}, so
 * their init includes the hooks. The table's {@code init type} column says which rows those are.
 *
 * <p>It lives in the runtime's package because {@link ExecutionEnvironment}, the one place that
 * starts a function's JVM, is package-private there; a second copy of it would drift.
 *
 * <p>With {@code --aot} (and/or {@code --cds}), each function and the baseline also run with a
 * class-data cache of their own, trained first by one run of their sample, measured in the same
 * rounds as the plain runs, in a second table.
 *
 * <pre>scripts/bench-coldstart [--runs N] [--function LogicalId ...] [--out file.md] [--aot] [--cds] [--class-log DIR]</pre>
 *
 * <p>{@code --class-log DIR} writes, for each function's first plain run, the JVM's class-load log
 * ({@code -Xlog:class+load}, through {@code JAVA_TOOL_OPTIONS}) to {@code DIR/<LogicalId>.log}: which
 * class came from which jar during init and both invocations. The logging slows that run down.
 */
public final class ColdStartHarness {

    static final String BASELINE = "HelloWorld (baseline)";
    private static final Path TEMPLATE = Path.of("template.yaml");
    /** A function that would run for minutes on a sample is cut short: what is measured is the cold start. */
    private static final Duration MAX_INVOCATION = Duration.ofSeconds(60);
    private static final Duration INIT_LIMIT = Duration.ofSeconds(60);
    /** A training JVM's exit includes writing the cache (a child JVM assembles it): seconds, more on a busy machine. */
    private static final Duration TRAINING_EXIT_LIMIT = Duration.ofMinutes(3);
    /** Caches, their verification logs and the jar layout of each function's code. */
    private static final Path CACHES = Path.of("target/bench-coldstart/caches");

    /**
     * Which sample each function gets: the one its tests use, or, where {@code events/} has none of
     * its own, a sibling sample with the route changed (the handler then runs its normal path).
     */
    private static final Map<String, EventSample> SAMPLES = Map.ofEntries(
            Map.entry("GitHubWebhookFunction", EventSample.of("events/github-push.json")),
            Map.entry("BuildRunnerFunction", EventSample.of("events/sqs-build.json")),
            Map.entry("BuildPagesFunction", EventSample.of("events/build-page.json")),
            Map.entry("PostsIntakeFunction", EventSample.of("events/posts-api-post.json")),
            Map.entry("PostsFanOutFunction", EventSample.of("events/posts-sqs-posts.json")),
            Map.entry("PostsIndexFunction", EventSample.of("events/posts-sqs-index.json")),
            Map.entry("PostsSpamFunction", EventSample.of("events/posts-sqs-spam.json")),
            Map.entry("PostsAnalyticsFunction", EventSample.of("events/posts-sqs-analytics.json")),
            Map.entry("PostsSearchFunction", EventSample.of("events/posts-api-search.json")),
            Map.entry("PostsModerationFunction", new EventSample("events/posts-api-post.json", "route POST /moderation/p-1001",
                    event -> {
                        event.put("routeKey", "POST /moderation/{postId}");
                        event.put("rawPath", "/moderation/p-1001");
                        event.putObject("pathParameters").put("postId", "p-1001");
                        event.put("body", "{\"spam\":true,\"moderator\":\"ada\",\"note\":\"benchmark\",\"requestId\":\"bench-1\"}");
                        event.put("isBase64Encoded", false);
                    })),
            Map.entry("PostsAnalyticsApiFunction", new EventSample("events/posts-api-search.json", "route GET /analytics/trending",
                    event -> {
                        event.put("routeKey", "GET /analytics/trending");
                        event.put("rawPath", "/analytics/trending");
                        event.put("rawQueryString", "hours=24");
                        event.putObject("queryStringParameters").put("hours", "24");
                    })),
            Map.entry("VideoTranscoderFunction", EventSample.of("events/video-s3-upload.json")),
            Map.entry("VideoSegmentFunction", EventSample.of("events/video-sqs-segment.json")),
            Map.entry("VideoAssemblerFunction", EventSample.of("events/video-sqs-assemble.json")),
            // Its queue holds messages that failed all their retries: a segment message is one.
            Map.entry("VideoFailureRecorderFunction", EventSample.of("events/video-sqs-segment.json")));
    private static final EventSample BASELINE_SAMPLE = EventSample.of("events/http-api-request.json");

    /** An {@code events/} file, optionally edited. */
    record EventSample(String file, String edit, Consumer<ObjectNode> editor) {
        static EventSample of(String file) {
            return new EventSample(file, "", event -> { });
        }

        byte[] bytes() throws IOException {
            var event = (ObjectNode) Json.mapper().readTree(Files.readAllBytes(Path.of(file)));
            editor.accept(event);
            return Json.mapper().writeValueAsBytes(event);
        }

        String describe() {
            return edit.isEmpty() ? file : file + " (" + edit + ")";
        }
    }

    /**
     * One function in one variant: plain, or with a class-data cache ({@code cache} and
     * {@code cacheFile} then set, and {@code variables} reading it through JAVA_TOOL_OPTIONS).
     */
    private record Target(FunctionSpec function, FunctionCode code, Map<String, String> variables, byte[] event,
            String sample, long packageBytes, ClassDataCache cache, Path cacheFile) {

        String key() {
            return cache == null ? function.logicalId() : function.logicalId() + " + " + cache.label();
        }
    }

    private ColdStartHarness() {}

    public static void main(String[] args) throws Exception {
        var options = ColdStartOptions.parse(args);
        Files.createDirectories(CACHES);
        if (options.classLog() != null) {
            Files.createDirectories(options.classLog());
        }
        // The functions' own log lines go to a file, so the console shows progress only.
        try (var functionLog = new PrintStream(new FileOutputStream("target/bench-coldstart/functions.log"), true,
                        StandardCharsets.UTF_8);
                var emulators = Emulators.start();
                var stack = new ProvisionedStack(emulators, TEMPLATE, Map.of());
                var service = LambdaService.create(stack.application, emulators.environment(), LambdaSettings.defaults());
                var runtime = LambdaJavaRuntime.prepare()) {
            var plain = new ArrayList<Target>();
            plain.add(baseline(service, runtime));
            // By logical id, which groups them by pipeline (Build…, Posts…, Video…).
            for (var function : stack.application.functions().values().stream()
                    .sorted(java.util.Comparator.comparing(FunctionSpec::logicalId)).toList()) {
                if (!options.functions().isEmpty() && !options.functions().contains(function.logicalId())) {
                    continue;
                }
                var sample = SAMPLES.get(function.logicalId());
                if (sample == null) {
                    throw new IllegalStateException("No event sample for " + function.logicalId() + ": add one to SAMPLES");
                }
                var code = FunctionCode.of(function);
                var variables = variables(service, runtime, function, code);
                plain.add(new Target(function, code, variables, sample.bytes(), sample.describe(), zipSize(function), null,
                        null));
            }
            var targets = new ArrayList<>(plain);
            var verified = new LinkedHashMap<String, ClassDataCache.SharedClasses>();
            for (var cache : options.caches()) {
                for (var target : plain) {
                    var cached = train(target, cache, service, runtime, functionLog);
                    var shared = verify(cached, runtime, functionLog);
                    verified.put(cached.key(), shared);
                    System.err.printf("%s %-30s trained: %.1f MiB, %s classes from the cache%n", cache.label(),
                            target.function().logicalId(), Files.size(cached.cacheFile()) / 1048576.0, shared.describe());
                    targets.add(cached);
                }
            }
            var loadBefore = loadAverage();
            var samples = new LinkedHashMap<String, List<Sample>>();
            targets.forEach(target -> samples.put(target.key(), new ArrayList<>()));
            var runs = options.runs();
            for (var run = 0; run < runs; run++) {
                // Rotating order, plain and cached variants in the same rounds: load from elsewhere on the
                // machine spreads over every function and variant alike.
                for (var k = 0; k < targets.size(); k++) {
                    var target = targets.get((k + run) % targets.size());
                    var sample = measure(target, runtime, functionLog, run == 0,
                            run == 0 && target.cache() == null ? options.classLog() : null);
                    samples.get(target.key()).add(sample);
                    System.err.printf("run %d/%d %-36s init %5d ms  1st %5d ms  2nd %5d ms  RSS %4d MiB  %s%n", run + 1, runs,
                            target.key(), sample.initMillis(), sample.firstMillis(), sample.secondMillis(),
                            sample.rssKib() / 1024, sample.outcome());
                }
            }
            var rows = new ArrayList<ColdStartTable.Row>();
            for (var target : plain) {
                rows.add(row(target, samples));
            }
            var table = new StringBuilder(ColdStartTable.markdown(rows, runs));
            for (var cache : options.caches()) {
                var cachedRows = new ArrayList<ColdStartTable.CachedRow>();
                for (var target : targets) {
                    if (target.cache() == cache) {
                        cachedRows.add(new ColdStartTable.CachedRow(row(target, samples), Files.size(target.cacheFile()),
                                verified.get(target.key())));
                    }
                }
                table.append('\n').append(ColdStartTable.cachedMarkdown(cache, rows, cachedRows, runs));
            }
            table.append("\nLoad average (1 min) at the start: ").append(loadBefore).append(", at the end: ")
                    .append(loadAverage()).append(" (").append(Runtime.getRuntime().availableProcessors()).append(" CPUs).\n");
            System.out.println(table);
            Files.writeString(options.out(), table);
        }
    }

    private static ColdStartTable.Row row(Target target, Map<String, List<Sample>> samples) {
        return new ColdStartTable.Row(target.function().logicalId(),
                target.variables().get("AWS_LAMBDA_INITIALIZATION_TYPE"), target.function().memoryMb(),
                target.packageBytes(), target.sample(), samples.get(target.key()));
    }

    /**
     * The cached variant of {@code plain}: trained by one run that initialises the function, invokes
     * its sample twice and exits normally (SIGTERM; the runtime's SIGKILL would leave no cache), the
     * JVM writing the cache as it exits; then the variant reads it through JAVA_TOOL_OPTIONS.
     *
     * <p>Both runs use the function's code with its classes in a jar and an empty task root: the JVM
     * refuses to write a cache from a class path holding a non-empty directory. (On Lambda the
     * function's code is not on the class path at all: the runtime interface client loads it from
     * {@code /var/task} with a class loader of its own, which the cache covers too.)
     */
    private static Target train(Target plain, ClassDataCache cache, LambdaService service, LambdaJavaRuntime runtime,
            PrintStream functionLog) throws IOException, InterruptedException {
        var function = plain.function();
        var cacheFile = CACHES.resolve(cache.fileName(function.logicalId())).toAbsolutePath();
        Files.deleteIfExists(cacheFile);
        var code = jarLayout(function, plain.code(), cache);
        var variables = variables(service, runtime, function, code);
        var training = withToolOption(variables, cache.trainingOption(cacheFile));
        try (var environment = ExecutionEnvironment.launch(function, code, runtime, training, functionLog,
                OutputListener.NONE)) {
            invokeTwice(environment, function, plain.event());
            stopNormally(environment, function, TRAINING_EXIT_LIMIT);
        }
        if (!Files.isRegularFile(cacheFile)) {
            throw new IllegalStateException("The training run of " + function.logicalId() + " wrote no " + cache.label()
                    + " cache at " + cacheFile + "; its JVM's output is in target/bench-coldstart/functions.log");
        }
        return new Target(function, code, withToolOption(variables, cache.useOption(cacheFile)), plain.event(),
                plain.sample(), plain.packageBytes(), cache, cacheFile);
    }

    /**
     * One run of the cached variant with {@code -Xlog:class+load} to a file: how many of the classes
     * it loads come from the cache. None means the cache did not match (JVM build, options or class
     * path) and the JVM ran on without it.
     */
    private static ClassDataCache.SharedClasses verify(Target cached, LambdaJavaRuntime runtime, PrintStream functionLog)
            throws IOException, InterruptedException {
        var function = cached.function();
        var log = CACHES.resolve(cached.cacheFile().getFileName() + ".class-load.log").toAbsolutePath();
        Files.deleteIfExists(log);
        var variables = withToolOption(cached.variables(), "-Xlog:class+load=info:file=" + log);
        try (var environment = ExecutionEnvironment.launch(function, cached.code(), runtime, variables, functionLog,
                OutputListener.NONE)) {
            invokeTwice(environment, function, cached.event());
            stopNormally(environment, function, INIT_LIMIT);
        }
        return ClassDataCache.sharedClasses(Files.readString(log));
    }

    private static void invokeTwice(ExecutionEnvironment environment, FunctionSpec function, byte[] event) {
        var init = environment.awaitInit(INIT_LIMIT);
        if (!(init instanceof Init.Ready)) {
            throw new IllegalStateException(function.logicalId() + " did not initialise: " + init);
        }
        var timeout = function.timeout().compareTo(MAX_INVOCATION) < 0 ? function.timeout() : MAX_INVOCATION;
        var arn = "arn:aws:lambda:" + Emulators.REGION + ":" + Emulators.ACCOUNT_ID + ":function:" + function.functionName();
        environment.invoke(UUID.randomUUID().toString(), event, timeout, arn, traceId());
        environment.invoke(UUID.randomUUID().toString(), event, timeout, arn, traceId());
    }

    /** SIGTERM, then waits for the JVM to finish exiting (writing a cache takes seconds, in a child JVM). */
    private static void stopNormally(ExecutionEnvironment environment, FunctionSpec function, Duration limit)
            throws InterruptedException {
        var process = ProcessHandle.of(environment.pid()).orElseThrow();
        process.destroy();
        try {
            process.onExit().get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(function.logicalId() + " did not exit within " + limit + " of SIGTERM", e);
        }
    }

    /**
     * The function's code as a cache needs it: {@code target/classes} packed into one jar, and an
     * empty directory as the task root (an empty directory on the class path is allowed).
     */
    private static FunctionCode jarLayout(FunctionSpec function, FunctionCode code, ClassDataCache cache) throws IOException {
        // One per cache: a cache records its jars' sizes and times, so rewriting one would void the other.
        var root = CACHES.resolve(cache.label()).resolve(ClassDataCache.fileSafe(function.logicalId())).toAbsolutePath();
        var taskRoot = root.resolve("task");
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(taskRoot);
        var classesJar = root.resolve("classes.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(classesJar));
                var paths = Files.walk(code.classes())) {
            for (var path : paths.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(code.classes().relativize(path).toString().replace('\\', '/')));
                Files.copy(path, out);
                out.closeEntry();
            }
        }
        var jars = new ArrayList<Path>();
        jars.add(classesJar);
        jars.addAll(code.jars());
        return new FunctionCode(taskRoot, jars);
    }

    private static Map<String, String> withToolOption(Map<String, String> variables, String option) {
        var with = new java.util.TreeMap<>(variables);
        with.put("JAVA_TOOL_OPTIONS", ClassDataCache.appendToolOption(variables.get("JAVA_TOOL_OPTIONS"), option));
        return with;
    }

    private static Sample measure(Target target, LambdaJavaRuntime runtime, PrintStream functionLog, boolean countClasses,
            Path classLog) throws IOException, InterruptedException {
        var function = target.function();
        var variables = target.variables();
        if (classLog != null) {
            variables = withToolOption(variables,
                    "-Xlog:class+load=info:file=" + classLog.resolve(ClassDataCache.fileSafe(function.logicalId()) + ".log"));
        }
        try (var environment = ExecutionEnvironment.launch(function, target.code(), runtime, variables, functionLog,
                OutputListener.NONE)) {
            var init = environment.awaitInit(INIT_LIMIT);
            if (!(init instanceof Init.Ready ready)) {
                throw new IllegalStateException(function.logicalId() + " did not initialise: " + init);
            }
            var timeout = function.timeout().compareTo(MAX_INVOCATION) < 0 ? function.timeout() : MAX_INVOCATION;
            var arn = "arn:aws:lambda:" + Emulators.REGION + ":" + Emulators.ACCOUNT_ID + ":function:" + function.functionName();
            var first = environment.invoke(UUID.randomUUID().toString(), target.event(), timeout, arn, traceId());
            var second = environment.invoke(UUID.randomUUID().toString(), target.event(), timeout, arn, traceId());
            var rss = ColdStartTable.vmRssKib(Files.readString(Path.of("/proc/" + environment.pid() + "/status")));
            var classes = countClasses ? loadedClasses(environment.pid()) : -1;
            return new Sample(ready.duration().toMillis(), millis(first), millis(second), rss, classes,
                    outcome(first));
        }
    }

    /** Classes the JVM has loaded so far, from its performance counters ({@code jstat -class}). */
    private static long loadedClasses(long pid) throws IOException, InterruptedException {
        var jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
        var process = new ProcessBuilder(jstat, "-class", Long.toString(pid)).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return ColdStartTable.jstatLoadedClasses(output);
    }

    private static long millis(Result result) {
        return switch (result) {
            case Result.Answered answered -> answered.duration().toMillis();
            case Result.TimedOut timedOut -> timedOut.duration().toMillis();
            case Result.NotDelivered notDelivered -> throw new IllegalStateException("Not delivered: " + notDelivered.reason());
        };
    }

    /** What the handler answered, in a few words: an HTTP status, the SQS batch failures, or the error type. */
    static String outcome(Result result) {
        return switch (result) {
            case Result.TimedOut timedOut -> "timed out";
            case Result.NotDelivered notDelivered -> "not delivered";
            case Result.Answered answered -> switch (answered.answer()) {
                case Answer.Failed failed -> "error " + ErrorDocument.parse(failed.document(), failed.errorTypeHeader()).errorType();
                case Answer.Exited exited -> "exited";
                case Answer.Response response -> ColdStartTable.describeResponse(response.payload());
            };
        };
    }

    /** The environment the local runtime gives the function, its runtime directory being this harness's. */
    private static Map<String, String> variables(LambdaService service, LambdaJavaRuntime runtime, FunctionSpec function,
            FunctionCode code) {
        var variables = new java.util.TreeMap<>(service.variables(function, code));
        variables.put("LAMBDA_RUNTIME_DIR", runtime.directory().toString());
        return variables;
    }

    /**
     * The baseline, packaged like a function: {@code target/classes} with the handler alone,
     * {@code aws-lambda-java-core} as its one jar, and the zip SAM would upload, for its size.
     */
    private static Target baseline(LambdaService service, LambdaJavaRuntime runtime) throws IOException {
        var root = Path.of("benchmarks/target/coldstart-hello").toAbsolutePath();
        var resource = HelloWorldHandler.class.getName().replace('.', '/') + ".class";
        var classFile = root.resolve("target/classes").resolve(resource);
        Files.createDirectories(classFile.getParent());
        try (var in = HelloWorldHandler.class.getClassLoader().getResourceAsStream(resource)) {
            Files.write(classFile, in.readAllBytes());
        }
        Path coreJar;
        try {
            coreJar = Path.of(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(root.resolve(FunctionCode.CLASSPATH_FILE), coreJar.toString());
        var zip = root.resolve("target/hello-world-lambda.zip");
        try (var out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry(resource));
            out.write(Files.readAllBytes(classFile));
            out.putNextEntry(new ZipEntry("lib/" + coreJar.getFileName()));
            out.write(Files.readAllBytes(coreJar));
        }
        // 512 MB, as the published hello-world reference points (issue 8).
        var function = new FunctionSpec(BASELINE, "offstage-bench-HelloWorld",
                HelloWorldHandler.class.getName() + "::handleRequest", root, "java25", 512, Duration.ofSeconds(30), Map.of(),
                OptionalInt.empty(), List.of(), AsyncConfig.LAMBDA_DEFAULTS, LoggingSettings.LAMBDA_DEFAULTS,
                FunctionSpec.SnapStart.NONE);
        var code = FunctionCode.of(function);
        return new Target(function, code, variables(service, runtime, function, code), BASELINE_SAMPLE.bytes(),
                BASELINE_SAMPLE.describe(), Files.size(zip), null, null);
    }

    /** The module's Lambda zip ({@code package}), or -1 when it was not built. */
    private static long zipSize(FunctionSpec function) throws IOException {
        var module = function.codeUri().getFileName().toString();
        var zip = function.codeUri().resolve("target/offstage-functions-" + module + "-lambda.zip");
        return Files.exists(zip) ? Files.size(zip) : -1;
    }

    private static String loadAverage() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    }

    private static String traceId() {
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 24) + ";Sampled=0";
    }
}
