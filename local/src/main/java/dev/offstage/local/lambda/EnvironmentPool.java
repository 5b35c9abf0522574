package dev.offstage.local.lambda;

import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.lambda.ExecutionEnvironment.Init;
import dev.offstage.local.lambda.ExecutionEnvironment.Result;
import dev.offstage.local.lambda.Invocation.Outcome;
import dev.offstage.local.lambda.RuntimeApiServer.Answer;
import dev.offstage.local.model.FunctionSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The execution environments of one function, and its concurrency: at most {@code limit}
 * invocations run at once, each in an environment of its own; an idle environment is reused
 * (most recently used first, so the others can be the ones that go cold), a new one is started
 * when none is idle, and a call beyond the limit is throttled as Lambda throttles a synchronous
 * invoke (429 {@code TooManyRequestsException}), not queued.
 *
 * <p>Logs one line per invocation (keys listed on {@link LambdaService}).
 */
final class EnvironmentPool implements AutoCloseable {

    private static final Logger INVOCATIONS = LoggerFactory.getLogger("dev.offstage.local.lambda.Invocations");
    private static final Logger LOG = LoggerFactory.getLogger(EnvironmentPool.class);
    /** Lambda gives a function's init 10 s, then retries it within the invocation's own timeout. */
    private static final Duration INIT_PHASE = Duration.ofSeconds(10);

    private final FunctionSpec function;
    private final int limit;
    private final String functionArn;
    private final Supplier<ExecutionEnvironment> launcher;
    private final Chaos chaos;
    private final Deque<ExecutionEnvironment> idle = new ArrayDeque<>();
    private final Set<ExecutionEnvironment> live = new HashSet<>();
    private int running;
    private boolean closed;

    EnvironmentPool(FunctionSpec function, int limit, String functionArn, Supplier<ExecutionEnvironment> launcher) {
        this(function, limit, functionArn, launcher, Chaos.NONE);
    }

    /** As the other constructor, with {@code chaos} killing environments and cutting deadlines of invocations. */
    EnvironmentPool(FunctionSpec function, int limit, String functionArn, Supplier<ExecutionEnvironment> launcher,
            Chaos chaos) {
        this.chaos = chaos;
        this.function = function;
        this.limit = limit;
        this.functionArn = functionArn;
        this.launcher = launcher;
    }

    int limit() {
        return limit;
    }

    /** Execution environments alive now, busy or idle. */
    synchronized int environments() {
        return live.size();
    }

    /**
     * Starts an environment and waits for its init, keeping it idle for the first invocation.
     *
     * @return why init failed, or empty when the environment is ready (or the function is
     *     throttled entirely and needs none)
     */
    Optional<String> warmUp() {
        synchronized (this) {
            if (closed || limit == 0 || !idle.isEmpty()) {
                return Optional.empty();
            }
        }
        var environment = launch();
        var init = environment.awaitInit(initLimit());
        if (!(init instanceof Init.Ready)) {
            discard(environment);
            return Optional.of(switch (init) {
                case Init.Failed failed -> describe(failed.error());
                case Init.TimedOut timedOut -> "init did not finish within " + timedOut.limit().toSeconds() + " s";
                case Init.Ready ready -> throw new AssertionError(ready);
            });
        }
        if (!offerIdle(environment)) {
            discard(environment);
        }
        return Optional.empty();
    }

    Invocation invoke(byte[] event, String trigger, String requestId) {
        ExecutionEnvironment environment;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The Lambda service is closed");
            }
            if (running >= limit) {
                return log(throttled(requestId), trigger, false, Optional.empty());
            }
            running++;
            environment = idle.pollLast();
        }
        var initDuration = Optional.<Duration>empty();
        var cold = false;
        try {
            for (var attempt = 1; ; attempt++) {
                if (environment == null) {
                    cold = true;
                    environment = launch();
                    var init = environment.awaitInit(initLimit());
                    switch (init) {
                        case Init.Ready ready -> initDuration = Optional.of(ready.duration());
                        case Init.Failed failed -> {
                            return log(initError(requestId, failed.error(), failed.document()), trigger, cold, initDuration);
                        }
                        case Init.TimedOut timedOut -> {
                            return log(timeout(requestId, function.timeout(), Duration.ZERO, " while initialising"), trigger,
                                    cold, initDuration);
                        }
                    }
                }
                var disruption = chaos.disruption(function.logicalId());
                var limit = disruption.kind() == ChaosKind.OVERRUN && disruption.after().compareTo(function.timeout()) < 0
                        ? disruption.after() : function.timeout();
                var killer = disruption.kind() == ChaosKind.KILL ? ChaosKiller.start(environment, disruption.after()) : null;
                var result = environment.invoke(requestId, event, limit, functionArn, traceId());
                if (killer != null && killer.stop()) {
                    chaos.record(ChaosKind.KILL, function.logicalId(), "killed " + function.logicalId() + " request "
                            + requestId + " " + disruption.after().toMillis() + " ms into its invocation");
                }
                if (disruption.kind() == ChaosKind.OVERRUN && result instanceof Result.TimedOut) {
                    chaos.record(ChaosKind.OVERRUN, function.logicalId(), function.logicalId() + " request " + requestId
                            + " ran past a deadline cut to " + limit.toMillis() + " ms");
                }
                if (result instanceof Result.NotDelivered notDelivered) {
                    if (attempt == 1 && !cold) {
                        // An idle environment died unnoticed (e.g. after a fatal error): Lambda would
                        // simply use a fresh one, and the event never reached the function.
                        discard(environment);
                        environment = null;
                        continue;
                    }
                    return log(initError(requestId, ErrorDocument.of("Runtime.ExitError", notDelivered.reason()), null),
                            trigger, cold, initDuration);
                }
                var invocation = toInvocation(requestId, result, environment, limit);
                if (invocation.succeeded()) {
                    chaos.observed(function.logicalId(), invocation.duration());
                }
                return log(invocation, trigger, cold, initDuration);
            }
        } finally {
            release(environment);
        }
    }

    private Invocation toInvocation(String requestId, Result result, ExecutionEnvironment environment, Duration limit) {
        return switch (result) {
            case Result.TimedOut timedOut -> timeout(requestId, limit, timedOut.duration(), "");
            case Result.NotDelivered notDelivered -> throw new AssertionError(notDelivered);
            case Result.Answered answered -> switch (answered.answer()) {
                case Answer.Response response -> new Invocation(function.logicalId(), requestId, Outcome.SUCCESS,
                        response.payload(), "", "", List.of(), answered.duration());
                case Answer.Failed failed -> {
                    var error = ErrorDocument.parse(failed.document(), failed.errorTypeHeader());
                    if (isHandlerLoadingFault(error)) {
                        // The RIC reports an unloadable handler class on every invoke rather than at init;
                        // the environment can never run the function, so it is an init error here.
                        environment.kill();
                        yield initError(requestId, error, failed.document());
                    }
                    yield new Invocation(function.logicalId(), requestId, Outcome.FUNCTION_ERROR, failed.document(),
                            error.errorType(), error.errorMessage(), error.stackTrace(), answered.duration());
                }
                case Answer.Exited exited -> {
                    var error = environment.exitError("RequestId: " + requestId + " Error: " + exited.reason());
                    yield new Invocation(function.logicalId(), requestId, Outcome.FUNCTION_ERROR, error.toJson(),
                            error.errorType(), error.errorMessage(), List.of(), answered.duration());
                }
            };
        };
    }

    /** The RIC's messages for a handler it cannot load (UserFault.makeClassNotFoundUserFault and "Invalid handler"). */
    private boolean isHandlerLoadingFault(ErrorDocument error) {
        var handlerClass = function.handler().contains("::")
                ? function.handler().substring(0, function.handler().indexOf("::"))
                : function.handler();
        return error.errorMessage().equals("Class not found: " + handlerClass)
                || error.errorMessage().startsWith("Invalid handler: `");
    }

    private Invocation initError(String requestId, ErrorDocument error, byte[] document) {
        return new Invocation(function.logicalId(), requestId, Outcome.INIT_ERROR,
                document == null ? error.toJson() : document, error.errorType(), error.errorMessage(),
                error.stackTrace(), Duration.ZERO);
    }

    private Invocation timeout(String requestId, Duration limit, Duration duration, String phase) {
        var seconds = String.format(Locale.ROOT, "%.2f", limit.toMillis() / 1000.0);
        var error = ErrorDocument.of("Sandbox.Timedout",
                "RequestId: " + requestId + " Error: Task timed out after " + seconds + " seconds" + phase);
        return new Invocation(function.logicalId(), requestId, Outcome.TIMEOUT, error.toJson(), error.errorType(),
                error.errorMessage(), List.of(), duration);
    }

    private Invocation throttled(String requestId) {
        var error = ErrorDocument.of("TooManyRequestsException", "Rate Exceeded.");
        return new Invocation(function.logicalId(), requestId, Outcome.THROTTLED, error.toJson(), error.errorType(),
                error.errorMessage(), List.of(), Duration.ZERO);
    }

    private Duration initLimit() {
        return INIT_PHASE.plus(function.timeout());
    }

    private void release(ExecutionEnvironment environment) {
        boolean keep;
        synchronized (this) {
            running--;
            keep = environment != null && environment.reusable() && !closed;
            if (keep) {
                idle.addLast(environment);
            }
        }
        if (!keep && environment != null) {
            discard(environment);
        }
    }

    private ExecutionEnvironment launch() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("The Lambda service is closed");
            }
        }
        var environment = launcher.get();
        boolean accepted;
        synchronized (this) {
            accepted = !closed && live.add(environment);
        }
        if (!accepted) {
            environment.close();
            throw new IllegalStateException("The Lambda service is closed");
        }
        return environment;
    }

    private void discard(ExecutionEnvironment environment) {
        synchronized (this) {
            live.remove(environment);
        }
        environment.close();
    }

    private synchronized boolean offerIdle(ExecutionEnvironment environment) {
        if (closed || !environment.reusable()) {
            return false;
        }
        idle.addLast(environment);
        return true;
    }

    private Invocation log(Invocation invocation, String trigger, boolean cold, Optional<Duration> initDuration) {
        var previous = MDC.getCopyOfContextMap();
        try {
            MDC.put("function", invocation.functionLogicalId());
            MDC.put("request_id", invocation.requestId());
            if (trigger != null && !trigger.isBlank()) {
                MDC.put("trigger", trigger);
            }
            MDC.put("outcome", invocation.outcome().name());
            MDC.put("duration_ms", Long.toString(invocation.duration().toMillis()));
            if (!invocation.succeeded()) {
                MDC.put("error_type", invocation.errorType());
            }
            MDC.put("cold_start", Boolean.toString(cold));
            initDuration.ifPresent(duration -> MDC.put("init_duration_ms", Long.toString(duration.toMillis())));
            var message = invocation.functionLogicalId() + " " + invocation.outcome() + " in "
                    + invocation.duration().toMillis() + " ms"
                    + (cold ? initDuration.map(duration -> " (cold start, init " + duration.toMillis() + " ms)")
                            .orElse(" (cold start)") : "")
                    + (invocation.succeeded() ? "" : ": " + invocation.errorType() + ": " + firstLine(invocation.errorMessage()));
            if (invocation.succeeded()) {
                INVOCATIONS.info(message);
            } else {
                INVOCATIONS.warn(message);
            }
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
        return invocation;
    }

    private static String firstLine(String text) {
        var newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String describe(ErrorDocument error) {
        var lines = new ArrayList<String>();
        lines.add(error.errorType().isEmpty() ? error.errorMessage() : error.errorType() + ": " + error.errorMessage());
        // The root cause of an ExceptionInInitializerError is only in the trace ("Caused by: …").
        error.stackTrace().stream().filter(line -> line.startsWith("Caused by: ")).reduce((first, last) -> last)
                .ifPresent(lines::add);
        return String.join("; ", lines);
    }

    /** An X-Ray trace header as Lambda passes it: a root id made of the time and 96 random bits. */
    private static String traceId() {
        var random = ThreadLocalRandom.current();
        var bytes = new byte[12];
        random.nextBytes(bytes);
        var parent = new byte[8];
        random.nextBytes(parent);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(bytes)
                + ";Parent=" + HexFormat.of().formatHex(parent) + ";Sampled=0";
    }

    /** Kills an environment after a while, unless {@link #stop()} comes first (chaos: a crash mid-invocation). */
    private static final class ChaosKiller {
        private final ExecutionEnvironment environment;
        private boolean stopped; // guarded by this
        private boolean killed; // guarded by this

        private ChaosKiller(ExecutionEnvironment environment) {
            this.environment = environment;
        }

        static ChaosKiller start(ExecutionEnvironment environment, Duration after) {
            var killer = new ChaosKiller(environment);
            Thread.ofVirtual().name("chaos-kill-" + environment.pid()).start(() -> {
                try {
                    Thread.sleep(after);
                } catch (InterruptedException e) {
                    return;
                }
                killer.kill();
            });
            return killer;
        }

        private synchronized void kill() {
            if (!stopped) {
                killed = true;
                environment.kill();
            }
        }

        /** Ends the killer's watch; true if it killed the environment first. */
        synchronized boolean stop() {
            stopped = true;
            return killed;
        }
    }

    @Override
    public void close() {
        List<ExecutionEnvironment> environments;
        synchronized (this) {
            closed = true;
            // Running ones too: their invocations end as if the environment had crashed.
            environments = new ArrayList<>(live);
            live.clear();
            idle.clear();
        }
        environments.forEach(ExecutionEnvironment::close);
        LOG.debug("Stopped {} environment(s) of {}", environments.size(), function.logicalId());
    }
}
