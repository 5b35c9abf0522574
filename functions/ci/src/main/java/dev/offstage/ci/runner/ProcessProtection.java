package dev.offstage.ci.runner;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Hides this JVM from the processes it starts: makes it non-dumpable with Linux's
 * {@code prctl(PR_SET_DUMPABLE, 0)}, called through the Foreign Function &amp; Memory API.
 *
 * <p><b>Why.</b> Builds run as child processes with our own uid, and a same-uid process may read
 * {@code /proc/<pid>/environ} (the function's AWS credentials) and {@code /proc/<pid>/mem} or
 * ptrace the JVM (every secret in its heap). A non-dumpable process's {@code /proc/<pid>/} files
 * are owned by root and the kernel refuses those reads and ptrace to anyone without
 * {@code CAP_SYS_PTRACE} (man 5 proc, "ptrace access mode checking"); it also writes no core dump.
 *
 * <p><b>What it does not prevent.</b> Root, or any process with {@code CAP_SYS_PTRACE}. A process
 * that opened one of those files or attached before the call keeps its handle. It is independent
 * of Yama's {@code kernel.yama.ptrace_scope}, which limits ptrace attach (and so {@code mem}) but
 * not {@code environ}; neither replaces the other. Anything the JVM hands its children, or leaves
 * in files they can read, is theirs: builds still get only the environment {@link BuildShell}
 * gives them. Children are unaffected: {@code exec} makes a process dumpable again, which is fine
 * as they hold none of our secrets. The JVM itself can no longer open its own owner-only
 * {@code /proc/self/} files ({@code environ}, {@code mem}) unless it runs as root.
 *
 * <p><b>Native access.</b> {@link Linker#downcallHandle} is a restricted method. In Java 25 (JEP
 * 472) the default, {@code --illegal-native-access=warn}, lets the call through and prints a
 * warning to standard error once per module, the first time; with {@code deny} it throws
 * {@link IllegalCallerException}, which {@link #protect} reports as {@link Outcome#FAILED}.
 * Run the JVM with {@code --enable-native-access=ALL-UNNAMED} (this class is on the class path);
 * in Lambda that is {@code JAVA_TOOL_OPTIONS=--enable-native-access=ALL-UNNAMED}.
 *
 * <p>Thread-safe; dumpability belongs to the whole process, so one call covers every thread.
 */
public final class ProcessProtection {

    private static final int PR_GET_DUMPABLE = 3;
    private static final int PR_SET_DUMPABLE = 4;
    /** glibc declares {@code int prctl(int option, ...)} and reads four unsigned longs after the option. */
    private static final FunctionDescriptor PRCTL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(PathElement.groupElement("errno"));

    private ProcessProtection() {}

    /** How {@link #protect} went. */
    public enum Outcome {
        /** The process is now non-dumpable. */
        PROTECTED,
        /** Not Linux, or no {@code prctl} to call: nothing was changed. */
        UNSUPPORTED,
        /** {@code prctl} was there but the process is still dumpable (or native access is denied). */
        FAILED
    }

    /**
     * @param outcome what happened
     * @param detail why, for the log; empty when {@link Outcome#PROTECTED}
     */
    public record Result(Outcome outcome, String detail) {
        public Result {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(detail, "detail");
        }

        public boolean isProtected() {
            return outcome == Outcome.PROTECTED;
        }

        @Override
        public String toString() {
            return detail.isEmpty() ? outcome.name() : outcome + " (" + detail + ")";
        }
    }

    /**
     * Makes this process non-dumpable and checks that it now is. Idempotent. Never throws: an
     * unsupported platform or a refused call comes back as a {@link Result} for the caller to log.
     */
    public static Result protect() {
        Optional<MethodHandle> prctl;
        try {
            prctl = prctl();
        } catch (IllegalCallerException e) {
            return new Result(Outcome.FAILED, "native access denied: " + e.getMessage());
        }
        if (prctl.isEmpty()) {
            return new Result(Outcome.UNSUPPORTED, "no prctl on " + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int set = call(prctl.get(), state, PR_SET_DUMPABLE, 0);
            if (set != 0) {
                return new Result(Outcome.FAILED, "prctl(PR_SET_DUMPABLE, 0) returned " + set + ", errno " + (int) ERRNO.get(state, 0L));
            }
            int dumpable = call(prctl.get(), state, PR_GET_DUMPABLE, 0);
            if (dumpable != 0) {
                return new Result(Outcome.FAILED, "prctl(PR_GET_DUMPABLE) says " + dumpable + " after setting 0");
            }
            return new Result(Outcome.PROTECTED, "");
        }
    }

    /**
     * Whether this process is dumpable, that is readable and traceable by its own uid.
     *
     * @throws UnsupportedOperationException where there is no {@code prctl}
     * @throws IllegalCallerException when native access is denied
     */
    public static boolean dumpable() {
        MethodHandle prctl = prctl().orElseThrow(() -> new UnsupportedOperationException("no prctl on " + System.getProperty("os.name")));
        try (var arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int dumpable = call(prctl, state, PR_GET_DUMPABLE, 0);
            if (dumpable < 0) {
                throw new IllegalStateException("prctl(PR_GET_DUMPABLE) failed, errno " + (int) ERRNO.get(state, 0L));
            }
            return dumpable != 0;
        }
    }

    /** Built on each use: the callers run once or twice per process, and a failure stays local to the call. */
    @SuppressWarnings("restricted") // deliberate, see the class comment on native access
    private static Optional<MethodHandle> prctl() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        Linker linker;
        try {
            linker = Linker.nativeLinker();
        } catch (UnsupportedOperationException e) {
            return Optional.empty(); // no FFM linker for this CPU
        }
        return linker.defaultLookup().find("prctl").map(address -> linker.downcallHandle(
                address, PRCTL, Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno")));
    }

    private static int call(MethodHandle prctl, MemorySegment state, int option, long argument) {
        try {
            return (int) prctl.invokeExact(state, option, argument, 0L, 0L, 0L);
        } catch (Throwable e) {
            // A downcall only throws for a wrong handle type, which would be a bug here.
            throw new IllegalStateException("prctl call failed", e);
        }
    }
}
