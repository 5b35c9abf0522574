package dev.offstage.local.lambda;

import dev.offstage.local.lambda.RuntimeApiServer.Answer;
import dev.offstage.local.lambda.RuntimeApiServer.InitState;
import dev.offstage.local.lambda.RuntimeApiServer.NotDelivered;
import dev.offstage.local.lambda.bootstrap.Bootstrap;
import dev.offstage.local.model.FunctionSpec;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution environment: a JVM running Lambda's runtime interface client against a Runtime API
 * server of its own, for one function, one invocation at a time.
 *
 * <p>Lifecycle: {@link #launch} starts the process; {@link #awaitInit} waits until the runtime asks
 * for work (or fails to); {@link #invoke} runs invocations; {@link #close} kills the process and
 * its descendants. An environment that timed out, failed to initialise or exited is never
 * {@link #reusable()} again.
 *
 * <p>SnapStart ({@code SnapStart.ApplyOn: PublishedVersions}): the environment starts as Lambda
 * starts the init it snapshots — {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} (set by
 * {@link LambdaService#variables}) and the JVM's default tiered compilation — so the runtime
 * interface client runs the {@code org.crac} {@code beforeCheckpoint} hooks after loading the
 * handler, asks {@code /restore/next} (answered at once: nothing is snapshotted) and runs the
 * {@code afterRestore} hooks. Init is ready only after all of that; a hook that throws fails the
 * init, as it fails the version's publication in Lambda.
 */
final class ExecutionEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);

    /** The runtime client's error-type header for a failed SnapStart hook, and the hook's name. */
    private static final Map<String, String> HOOK_ERRORS = Map.of(
            "Runtime.BeforeCheckpointError", "beforeCheckpoint",
            "Runtime.AfterRestoreError", "afterRestore");

    /**
     * Where {@code org.crac.Core} finds its implementation: Lambda's Java runtimes point it at the
     * runtime interface client's own CRaC context, whose hooks the client runs around the snapshot.
     */
    static final String CRAC_BRIDGE = "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac";

    /** How initialisation ended. */
    sealed interface Init {
        record Ready(Duration duration) implements Init {}

        /** {@code error} says why, in Lambda's error format. */
        record Failed(ErrorDocument error, byte[] document) implements Init {}

        record TimedOut(Duration limit) implements Init {}
    }

    /** How one invocation ended, before it becomes an {@link Invocation}. */
    sealed interface Result {
        record Answered(Answer answer, Duration duration) implements Result {}

        /** The deadline passed; the environment has been killed. */
        record TimedOut(Duration duration) implements Result {}

        /** The environment died before the runtime took the event: the function never saw it. */
        record NotDelivered(String reason) implements Result {}
    }

    private final FunctionSpec function;
    private final Process process;
    private final Path temporaryDirectory;
    private final RuntimeApiServer server;
    private final FunctionOutput output;
    private final Thread outputPump;
    private final Instant launchedAt;
    private volatile boolean killed;

    private ExecutionEnvironment(FunctionSpec function, Process process, Path temporaryDirectory, RuntimeApiServer server,
            FunctionOutput output, Instant launchedAt) {
        this.function = function;
        this.process = process;
        this.temporaryDirectory = temporaryDirectory;
        this.server = server;
        this.output = output;
        this.launchedAt = launchedAt;
        this.outputPump = Thread.ofVirtual().name("output-" + function.logicalId() + "-" + process.pid())
                .start(() -> output.pump(process.getInputStream()));
        Thread.ofVirtual().name("exit-" + function.logicalId() + "-" + process.pid()).start(this::reportExit);
    }

    /**
     * Starts the process: this JVM's {@code java} with Lambda's JVM options, the runtime's jars
     * then the function's code on the class path, in the function's task root, with exactly
     * {@code variables} plus {@code AWS_LAMBDA_RUNTIME_API} as its environment.
     *
     * <p>Each environment has its own /tmp in Lambda: here a private directory, removed with the
     * environment, that {@code java.io.tmpdir} and {@code TMPDIR} name — so two environments of
     * one function never see each other's scratch files (code that hard-codes {@code /tmp} still shares it).
     */
    static ExecutionEnvironment launch(FunctionSpec function, FunctionCode code, LambdaJavaRuntime runtime,
            Map<String, String> variables, PrintStream jsonOutput, OutputListener outputListener) {
        return launch(function, code, runtime, variables, jsonOutput, outputListener, List.of());
    }

    /** As the other {@code launch}, with {@code extraClasspath} after the function's code (the fault injector in chaos runs). */
    static ExecutionEnvironment launch(FunctionSpec function, FunctionCode code, LambdaJavaRuntime runtime,
            Map<String, String> variables, PrintStream jsonOutput, OutputListener outputListener, List<Path> extraClasspath) {
        Path temporaryDirectory;
        try {
            temporaryDirectory = Files.createTempDirectory("offstage-" + function.logicalId() + "-tmp-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a /tmp for an execution environment of " + function.logicalId(), e);
        }
        var server = RuntimeApiServer.start();
        try {
            var classpath = new ArrayList<Path>(runtime.classpath());
            classpath.addAll(code.classpath());
            classpath.addAll(extraClasspath);
            var command = new ArrayList<String>();
            command.add(runtime.java().toString());
            command.addAll(withoutXshareForAotCache(jvmOptions(function, runtime), variables.get("JAVA_TOOL_OPTIONS")));
            command.add("-Djava.io.tmpdir=" + temporaryDirectory);
            command.add("-cp");
            command.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            command.add(Bootstrap.class.getName());
            command.add(function.handler());
            var builder = new ProcessBuilder(command)
                    .directory(code.classes().toFile())
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(variables);
            builder.environment().put("AWS_LAMBDA_RUNTIME_API", server.address());
            builder.environment().put("TMPDIR", temporaryDirectory.toString());
            var launchedAt = Instant.now();
            var process = builder.start();
            LOG.debug("Started an execution environment for {} (pid {}, Runtime API {})",
                    function.logicalId(), process.pid(), server.address());
            return new ExecutionEnvironment(function, process, temporaryDirectory, server,
                    new FunctionOutput(function.logicalId(), jsonOutput, outputListener), launchedAt);
        } catch (IOException e) {
            server.close();
            deleteTree(temporaryDirectory);
            throw new UncheckedIOException("Cannot start an execution environment for " + function.logicalId(), e);
        } catch (RuntimeException e) {
            server.close();
            deleteTree(temporaryDirectory);
            throw e;
        }
    }

    /**
     * The options of Lambda's {@code java25} runtime: class data sharing for fast starts, the
     * serial collector, a heap of 85% of the function's memory, {@code org.crac} bridged to the
     * runtime client ({@link #CRAC_BRIDGE}), and C1 only — except with SnapStart, where Lambda
     * keeps the JVM's default tiered compilation (from Java 25; AWS's "Customize Java runtime
     * startup behavior" page), since compiling then happens before the snapshot, not while a
     * caller waits.
     */
    static List<String> jvmOptions(FunctionSpec function, LambdaJavaRuntime runtime) {
        var options = new ArrayList<String>();
        if (function.snapStart() == FunctionSpec.SnapStart.NONE) {
            options.add("-XX:+TieredCompilation");
            options.add("-XX:TieredStopAtLevel=1");
        }
        options.addAll(List.of(
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-XX:MaxHeapSize=" + Math.max(16, function.memoryMb() * 85 / 100) + "m",
                "-Djava.net.preferIPv4Stack=true",
                // The RIC loads its JNI client with System.load, a restricted method since Java 22.
                "--enable-native-access=ALL-UNNAMED",
                CRAC_BRIDGE,
                "-D" + LambdaJavaRuntime.NATIVE_LIBRARY_PROPERTY + "=" + runtime.nativeLibrary()));
        return List.copyOf(options);
    }

    private boolean snapStart() {
        return function.snapStart() == FunctionSpec.SnapStart.PUBLISHED_VERSIONS;
    }

    /**
     * {@code options} without {@code -Xshare:auto} when {@code JAVA_TOOL_OPTIONS} asks for an AOT
     * cache (to read or to write): the JVM refuses to start with both ("Option AOTCache cannot be
     * used at the same time with -Xshare:…"). Lambda's {@code java25} runtime ships an AOT cache of
     * its own, so it presumably passes no {@code -Xshare} beside it (its command line is not published).
     */
    static List<String> withoutXshareForAotCache(List<String> options, String javaToolOptions) {
        if (javaToolOptions == null || !javaToolOptions.matches("(?s).*-XX:AOT(Cache|CacheOutput|Configuration)=.*")) {
            return options;
        }
        return options.stream().filter(option -> !option.startsWith("-Xshare:")).toList();
    }

    long pid() {
        return process.pid();
    }

    /** True while the environment can take another invocation. */
    boolean reusable() {
        return !killed && process.isAlive();
    }

    /**
     * Waits until the runtime has loaded the handler and asks for its first event. On failure or
     * after {@code limit}, the environment is killed.
     */
    Init awaitInit(Duration limit) {
        try {
            var state = server.init().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return switch (state) {
                case InitState.Ready ready when snapStart() && !ready.restored() -> {
                    // The runtime client skipped the SnapStart phase: its hooks never ran, so this is not what
                    // Lambda runs. The local runtime's own error (Lambda has none for it).
                    kill();
                    var error = ErrorDocument.of("LocalRuntime.SnapStartNotRun", "The runtime asked for an invocation without "
                            + "asking /runtime/restore/next first: it did not run the SnapStart (org.crac) hooks");
                    yield new Init.Failed(error, error.toJson());
                }
                case InitState.Ready ignored -> new Init.Ready(Duration.between(launchedAt, Instant.now()));
                case InitState.Failed failed -> {
                    kill();
                    var error = ErrorDocument.parse(failed.document(), failed.errorTypeHeader());
                    var hook = HOOK_ERRORS.get(failed.errorTypeHeader());
                    if (hook != null) {
                        var hookError = hookError(hook, withLoggedTrace(error));
                        yield new Init.Failed(hookError, hookError.toJson());
                    }
                    yield new Init.Failed(error.stackTrace().isEmpty() ? withLoggedTrace(error) : error, failed.document());
                }
                case InitState.Exited exited -> {
                    var error = exitError(exited.reason());
                    yield new Init.Failed(error, error.toJson());
                }
            };
        } catch (TimeoutException e) {
            kill();
            return new Init.TimedOut(limit);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Init state failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("Interrupted while " + function.logicalId() + " was initialising", e);
        }
    }

    /**
     * Runs one invocation: the runtime gets the event with a deadline {@code timeout} from the
     * moment it takes it; if no answer comes by then, the environment is killed.
     */
    Result invoke(String requestId, byte[] event, Duration timeout, String functionArn, String traceId) {
        var pending = server.submit(requestId, event, timeout, functionArn, traceId);
        Instant deadline;
        try {
            // A warm runtime is already waiting in /invocation/next; the bound only guards against a wedged one.
            deadline = pending.deadline.get(timeout.plus(EXIT_WAIT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NotDelivered notDelivered) {
                return new Result.NotDelivered(notDelivered.getMessage());
            }
            throw new IllegalStateException("Hand-off failed", e.getCause());
        } catch (TimeoutException e) {
            kill();
            return new Result.NotDelivered("the runtime did not ask for the event");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("Interrupted while invoking " + function.logicalId(), e);
        }
        var handedOver = deadline.minus(timeout);
        try {
            var wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            var answer = pending.answer.get(wait, TimeUnit.MILLISECONDS);
            if (answer instanceof Answer.Exited) {
                kill();
            }
            return new Result.Answered(answer, Duration.between(handedOver, Instant.now()));
        } catch (TimeoutException e) {
            // Lambda stops a timed-out environment: whatever the function was doing (and any process it
            // started) dies with it, and the next invocation starts a fresh one.
            kill();
            return new Result.TimedOut(Duration.between(handedOver, Instant.now()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Answer failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("Interrupted while invoking " + function.logicalId(), e);
        }
    }

    /** The error of an environment that exited on its own, with its last output lines. */
    ErrorDocument exitError(String reason) {
        var tail = drainedOutput();
        var message = tail.isEmpty() ? reason : reason + "; last output:\n" + String.join("\n", tail);
        return ErrorDocument.of("Runtime.ExitError", message);
    }

    /**
     * The RIC posts its init error without a stack trace but logs the whole fault (message, type,
     * trace with the root cause) just before: the caller gets those lines as the trace.
     */
    private ErrorDocument withLoggedTrace(ErrorDocument error) {
        var tail = drainedOutput();
        var start = 0;
        for (int i = tail.size() - 1; i >= 0; i--) {
            if (!error.errorMessage().isEmpty() && tail.get(i).startsWith(error.errorMessage())) {
                start = i;
                break;
            }
        }
        var trace = tail.subList(start, tail.size()).stream().filter(line -> !line.isBlank()).toList();
        return new ErrorDocument(error.errorType(), error.errorMessage(), trace);
    }

    /**
     * A SnapStart hook's failure. The runtime client posts only the wrapper
     * ({@code CheckpointException} or {@code RestoreException}, the hooks' exceptions suppressed in
     * it, unnamed) but logs the whole of it just before: the message names what the hooks threw.
     */
    private static ErrorDocument hookError(String hook, ErrorDocument logged) {
        var causes = logged.stackTrace().stream()
                .map(String::strip)
                .filter(line -> line.startsWith("Suppressed: "))
                .map(line -> line.substring("Suppressed: ".length()))
                .toList();
        var message = "SnapStart " + hook + " hook failed: "
                + (causes.isEmpty() ? logged.errorMessage() : String.join("; ", causes));
        return new ErrorDocument(logged.errorType(), message, logged.stackTrace());
    }

    /** The last output lines, once the pump has read what the process wrote (bounded wait). */
    private List<String> drainedOutput() {
        try {
            outputPump.join(OUTPUT_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return output.tail();
    }

    /** Kills the process and everything it started, at once (SIGKILL), as Lambda does. */
    void kill() {
        killed = true;
        // Descendants first: once the JVM is gone, they are re-parented and can no longer be found.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    @Override
    public void close() {
        kill();
        try {
            process.onExit().get(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Execution environment of {} (pid {}) did not stop within {}", function.logicalId(), process.pid(),
                    EXIT_WAIT);
        } finally {
            server.close();
            deleteTree(temporaryDirectory);
        }
    }

    /** This environment's /tmp. */
    Path temporaryDirectory() {
        return temporaryDirectory;
    }

    private static void deleteTree(Path directory) {
        try (var paths = Files.walk(directory)) {
            for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not remove {}: {}", directory, e.toString());
        }
    }

    private void reportExit() {
        try {
            var status = process.waitFor();
            try {
                outputPump.join(OUTPUT_DRAIN);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Lambda's wording; 137 is SIGKILL (128 + 9).
            var reason = "Runtime exited with error: " + (status > 128 ? "signal " + (status - 128) : "exit status " + status);
            if (!killed) {
                LOG.debug("Execution environment of {} (pid {}) exited: {}", function.logicalId(), process.pid(), reason);
            }
            server.environmentExited(reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
