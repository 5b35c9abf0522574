package dev.offstage.ci.runner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test protects a child JVM, never the test JVM itself. Tests run as root here, and root
 * reads any process's {@code /proc} files whatever its dumpability: what a build would see is
 * observed by running the child as an unprivileged user ({@code setpriv}), or as ourselves when
 * the tests do not run as root.
 */
class ProcessProtectionTest {

    private static final String JAVA = ProcessHandle.current().info().command().orElseThrow();
    private static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    private static final String UNPRIVILEGED = "65534"; // nobody

    @TempDir
    Path temp;

    /** Processes a test started, killed after it whatever happened. */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(Process::destroyForcibly);
    }

    /** The child JVM: reports its dumpability around {@link ProcessProtection#protect}. */
    public static final class ProtectedJvm {
        /**
         * {@code probe}: only prints whether this process is dumpable. Otherwise {@code go} or
         * {@code pause} (wait for a line on standard input before protecting and before exiting),
         * then optionally a shell command to run once protected.
         */
        public static void main(String[] args) throws Exception {
            if (args[0].equals("probe")) {
                System.out.println("probe dumpable: " + ProcessProtection.dumpable());
                return;
            }
            boolean pause = args[0].equals("pause");
            var stdin = new BufferedReader(new InputStreamReader(System.in, UTF_8));
            System.out.println("dumpable before: " + ProcessProtection.dumpable());
            if (pause) {
                stdin.readLine();
            }
            System.out.println("protect: " + ProcessProtection.protect());
            System.out.println("dumpable after: " + ProcessProtection.dumpable());
            if (args.length > 1) {
                var shell = new ProcessBuilder("/bin/sh", "-c", args[1]).redirectErrorStream(true).start();
                shell.getOutputStream().close();
                System.out.write(shell.getInputStream().readAllBytes());
                shell.waitFor();
            }
            System.out.flush();
            if (pause) {
                stdin.readLine();
            }
        }
    }

    @Test
    void protectedJvmIsNoLongerDumpable() throws Exception {
        Process jvm = start(javaCommand(System.getProperty("java.class.path"), NATIVE_ACCESS, "go"), Map.of());

        assertThat(outputUntilExit(jvm)).containsExactly("dumpable before: true", "protect: PROTECTED", "dumpable after: false");
    }

    @Test
    void protectsWithoutTheNativeAccessFlagButWarns() throws Exception {
        // Java 25's default --illegal-native-access=warn: the call goes through, with a warning naming the flag.
        Process jvm = start(javaCommand(System.getProperty("java.class.path"), "-Dunused=no-native-access-flag", "go"), Map.of());

        assertThat(outputUntilExit(jvm)).contains("protect: PROTECTED", "dumpable after: false");
        assertThat(Files.readString(stderr(jvm))).contains("restricted method", NATIVE_ACCESS);
    }

    @Test
    void shellStartedByProtectedJvmIsDumpableAgain() throws Exception {
        String classPath = System.getProperty("java.class.path");
        // The build's shell starts a program, which reports its own dumpability: exec reset it to 1.
        String shell = "\"$PROBE_JAVA\" " + NATIVE_ACCESS + " -cp \"$PROBE_CP\" \"$PROBE_MAIN\" probe";
        Process jvm = start(
                javaCommand(classPath, NATIVE_ACCESS, "go", shell),
                Map.of("PROBE_JAVA", JAVA, "PROBE_CP", classPath, "PROBE_MAIN", ProtectedJvm.class.getName()));

        assertThat(outputUntilExit(jvm)).containsExactly(
                "dumpable before: true", "protect: PROTECTED", "dumpable after: false", "probe dumpable: true");
    }

    @Test
    void sameUserCanNoLongerReadTheEnvironmentOnceProtected() throws Exception {
        List<String> asUser = unprivilegedPrefix();
        // The parent's environment is what a build would steal; its own is readable only if it is dumpable.
        String shell = "cat /proc/$PPID/environ >/dev/null 2>&1 && echo parent readable || echo parent hidden;"
                + " cat /proc/self/environ >/dev/null 2>&1 && echo shell readable || echo shell hidden";
        List<String> command = new ArrayList<>(asUser);
        command.addAll(javaCommand(readableClasses().toString(), NATIVE_ACCESS, "pause", shell));
        Process jvm = start(command, Map.of());
        var stdout = new BufferedReader(new InputStreamReader(jvm.getInputStream(), UTF_8));
        Path environ = Path.of("/proc", Long.toString(jvm.pid()), "environ");

        assertThat(stdout.readLine()).isEqualTo("dumpable before: true");
        String user = Files.getOwner(environ).getName();
        assertThat(user).isNotEqualTo("root");
        assertThat(readsAs(asUser, environ)).as("readable before protect").isTrue();

        try (Writer stdin = jvm.outputWriter(UTF_8)) {
            stdin.write("\n");
            stdin.flush();
            assertThat(List.of(stdout.readLine(), stdout.readLine(), stdout.readLine(), stdout.readLine()))
                    .containsExactly("protect: PROTECTED", "dumpable after: false", "parent hidden", "shell readable");
            assertThat(Files.getOwner(environ).getName()).isEqualTo("root");
            assertThat(readsAs(asUser, environ)).as("readable after protect").isFalse();
        }
        assertThat(jvm.waitFor(1, TimeUnit.MINUTES)).as("child exits by itself").isTrue();
        assertThat(jvm.exitValue()).as(Files.readString(stderr(jvm))).isZero();
    }

    /** How to run a command as a user without privileges: as ourselves, or through setpriv when we are root. */
    private static List<String> unprivilegedPrefix() throws Exception {
        if (!System.getProperty("user.name").equals("root")) {
            return List.of();
        }
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "running as root without setpriv: cannot observe what a same-uid process sees");
        return List.of(setpriv.toString(), "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups");
    }

    private boolean readsAs(List<String> asUser, Path file) throws Exception {
        List<String> command = new ArrayList<>(asUser);
        command.addAll(List.of("cat", file.toString()));
        Process cat = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(cat);
        assertThat(cat.waitFor(1, TimeUnit.MINUTES)).as("cat exits").isTrue();
        return cat.exitValue() == 0;
    }

    /**
     * The child's classes in a directory anyone can read: the build's class path sits under
     * root's home, which an unprivileged user cannot enter. The child needs nothing else.
     */
    private Path readableClasses() throws IOException, URISyntaxException {
        Path classes = temp.resolve("classes");
        String packagePath = ProcessProtection.class.getPackageName().replace('.', '/');
        Path target = Files.createDirectories(classes.resolve(packagePath));
        for (Class<?> type : List.of(ProcessProtection.class, ProtectedJvm.class)) {
            Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(packagePath);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("ProcessProtection")).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
        try (Stream<Path> all = Files.walk(temp)) {
            for (Path path : all.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return classes;
    }

    private static List<String> javaCommand(String classPath, String jvmOption, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA, jvmOption, "-XX:-UsePerfData", "-cp", classPath, ProtectedJvm.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private Process start(List<String> command, Map<String, String> environment) throws IOException {
        var builder = new ProcessBuilder(command).directory(temp.toFile()).redirectError(temp.resolve("stderr-" + started.size()).toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    private Path stderr(Process process) {
        return temp.resolve("stderr-" + started.indexOf(process));
    }

    /** The child's standard output, once it has exited 0 by itself. */
    private List<String> outputUntilExit(Process process) throws Exception {
        process.getOutputStream().close();
        List<String> lines = new String(process.getInputStream().readAllBytes(), UTF_8).lines().toList();
        assertThat(process.waitFor(1, TimeUnit.MINUTES)).as("child exits by itself").isTrue();
        assertThat(process.exitValue()).as(Files.readString(stderr(process))).isZero();
        return lines;
    }
}
