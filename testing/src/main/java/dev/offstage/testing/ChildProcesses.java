package dev.offstage.testing;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The processes this test JVM started, directly or not — function environments, the DynamoDB
 * emulator, build commands — for tests that check nothing is left running.
 */
public final class ChildProcesses {

    /**
     * What marks an execution environment's JVM: the option that points the Lambda runtime client
     * at its native library. It comes before the long class path, so it survives the truncation of
     * long command lines (Linux reports the first 4 KB).
     */
    private static final String RUNTIME_CLIENT_OPTION = "NativeClient.JNI=";

    private ChildProcesses() {}

    /** The process ids of every live descendant now. */
    public static Set<Long> now() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Live descendants that are not in {@code before}, each as "pid command line", for a readable failure. */
    public static List<String> startedSince(Set<Long> before) {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(process -> !before.contains(process.pid()))
                .map(process -> process.pid() + " " + process.info().commandLine().orElse("(command line unknown)"))
                .toList();
    }

    /** The execution environments (JVMs running the Lambda runtime client) among {@link #startedSince}. */
    public static List<String> functionEnvironmentsStartedSince(Set<Long> before) {
        return startedSince(before).stream().filter(process -> process.contains(RUNTIME_CLIENT_OPTION)).toList();
    }
}
