package dev.offstage.ci.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.runner.BuildShell.Outcome;
import dev.offstage.ci.runner.BuildShell.Result;
import dev.offstage.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildShellTest {

    private static final String STAMP = "2026-11-27T07:20:01.123Z ";
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");
    private static final Pattern PID = Pattern.compile("(?:bg|fg)=(\\d+)");

    @TempDir
    Path temp;

    private final TestClock clock = new TestClock(Instant.parse("2026-11-27T07:20:01.123Z"));
    private final BuildShell shell = new BuildShell(clock);
    /** Processes a test started, killed after it whatever happened. */
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    private Path source() throws IOException {
        return Files.createDirectories(temp.resolve("source"));
    }

    private Path logFile() {
        return temp.resolve("build.log");
    }

    private Result run(List<String> commands, Map<String, String> env, Duration timeLeft) throws Exception {
        try (var log = new BuildLog(logFile(), clock)) {
            return shell.run(commands, source(), env, clock.instant().plus(timeLeft), log);
        }
    }

    private Result run(String... commands) throws Exception {
        return run(List.of(commands), ENV, Duration.ofMinutes(1));
    }

    /** The log without its timestamps, which every line must start with. */
    private List<String> logLines() throws IOException {
        var lines = Files.readAllLines(logFile());
        assertThat(lines).allMatch(line -> line.startsWith(STAMP), "starts with the clock's time");
        return lines.stream().map(line -> line.substring(STAMP.length())).toList();
    }

    private List<ProcessHandle> pidsInLog() throws IOException {
        var handles = new ArrayList<ProcessHandle>();
        for (String line : logLines()) {
            var matcher = PID.matcher(line);
            if (matcher.matches()) {
                ProcessHandle.of(Long.parseLong(matcher.group(1))).ifPresent(handles::add);
            }
        }
        started.addAll(handles);
        return handles;
    }

    /** Whether the process is gone, waiting a while for a kill to land (a bound, not a performance limit). */
    private static boolean ends(ProcessHandle handle) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            if (!handle.isAlive() || isZombie(handle)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Killed and re-parented, a process may wait as a zombie for an init that does not reap. */
    private static boolean isZombie(ProcessHandle handle) {
        try {
            String stat = Files.readString(Path.of("/proc/" + handle.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true; // gone
        }
    }

    @Test
    void commandsRunInOrderInTheSourceRootAndSucceed() throws Exception {
        var result = run("echo one", "echo two; pwd");

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(result.exitCode()).isZero();
        assertThat(result.failedCommand()).isEmpty();
        assertThat(result.duration()).isPositive();
        assertThat(logLines()).containsExactly("$ echo one", "one", "$ echo two; pwd", "two", source().toString());
    }

    @Test
    void failingCommandStopsTheLaterOnes() throws Exception {
        var result = run("echo before", "echo failing; exit 3", "echo never");

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.failedCommand()).contains("echo failing; exit 3");
        assertThat(logLines()).containsExactly(
                "$ echo before", "before", "$ echo failing; exit 3", "failing", "Failed: exit status 3");
    }

    @Test
    void environmentIsExactlyTheOneGiven() throws Exception {
        var result = run(List.of("env"), Map.of("PATH", "/usr/bin:/bin", "ONLY_THIS", "given"), Duration.ofMinutes(1));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        var names = logLines().stream().skip(1).map(line -> line.substring(0, line.indexOf('='))).toList();
        // The shell itself sets PWD; nothing comes from this JVM's environment.
        assertThat(names).containsAll(List.of("PATH", "ONLY_THIS")).isSubsetOf("PATH", "ONLY_THIS", "PWD");
        assertThat(names).doesNotContainAnyElementsOf(
                System.getenv().keySet().stream().filter(name -> !name.equals("PATH") && !name.equals("PWD")).toList());
        assertThat(logLines()).contains("ONLY_THIS=given");
    }

    @Test
    void emptyEnvironmentReachesTheBuildEmpty() throws Exception {
        var result = run(List.of("/usr/bin/env"), Map.of(), Duration.ofMinutes(1));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(logLines()).containsExactly("$ /usr/bin/env", "PWD=" + source()); // PWD is the shell's own
    }

    @Test
    void standardErrorIsMergedIntoTheLog() throws Exception {
        run("echo out; echo err >&2");

        assertThat(logLines()).contains("out", "err");
    }

    @Test
    void standardInputIsEmpty() throws Exception {
        var result = run("cat; echo done");

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(logLines()).containsExactly("$ cat; echo done", "done");
    }

    @Test
    void multiLineCommandIsEchoedIndentedAndRunAsAScript() throws Exception {
        run("echo first\necho second\n");

        assertThat(logLines()).containsExactly("$ echo first", "  echo second", "first", "second");
    }

    @Test
    void lastLineWithoutALineBreakAndCarriageReturnsAreKept() throws Exception {
        run("printf 'dos\\r\\nunfinished'");

        assertThat(logLines()).containsExactly("$ printf 'dos\\r\\nunfinished'", "dos", "unfinished");
    }

    @Test
    void deadlineKillsTheCommandAndTheProcessesItStarted() throws Exception {
        var result = run(List.of("echo start", "sleep 1000 & echo bg=$!; sh -c 'echo fg=$$; exec sleep 1000'", "echo never"),
                ENV, Duration.ofMillis(1500));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.failedCommand()).contains("sleep 1000 & echo bg=$!; sh -c 'echo fg=$$; exec sleep 1000'");
        // Gone by the time the shell reports: the kill waits for every process it killed.
        var pids = logLines().stream().map(PID::matcher).filter(java.util.regex.Matcher::matches)
                .map(matcher -> Long.parseLong(matcher.group(1))).toList();
        assertThat(pids).hasSize(2);
        for (var pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d alive", pid).isFalse();
        }
        assertThat(logLines()).anyMatch(line -> line.startsWith("Timed out: the deadline passed; killed the command"))
                .doesNotContain("never", "$ echo never");
    }

    @Test
    void deadlinePassedBeforeACommandStartsIt() throws Exception {
        var result = run(List.of("echo never"), ENV, Duration.ofSeconds(-1));

        assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(result.failedCommand()).contains("echo never");
        assertThat(logLines()).containsExactly("$ echo never", "Timed out: the deadline passed before this command could start");
    }

    @Test
    void backgroundProcessStillRunningAfterTheBuildIsStopped() throws Exception {
        var result = run("sleep 1000 & echo bg=$!; sleep 0.5", "echo next");

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        var background = pidsInLog();
        assertThat(background).hasSize(1);
        assertThat(ends(background.getFirst())).isTrue();
        assertThat(logLines()).contains("next", "Stopped 1 background process(es) still running after the build");
    }

    @Test
    void backgroundProcessHoldingTheOutputOpenDoesNotHangTheBuild() throws Exception {
        // The shell exits at once, the orphan keeps the pipe open: the run still returns.
        var result = run("sleep 1000 & echo bg=$!");

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(pidsInLog()).hasSize(1);
    }

    @Test
    void longLineWithoutBreaksIsCut() throws Exception {
        run("head -c 200000 /dev/zero | tr '\\0' x");

        var lines = logLines();
        assertThat(lines).hasSize(1 + 4);
        assertThat(lines.get(1)).hasSize(64 * 1024);
        assertThat(lines.stream().skip(1).mapToInt(String::length).sum()).isEqualTo(200_000);
    }

    @Test
    void logCapDropsOutputButTheBuildRunsOn() throws Exception {
        Result result;
        try (var log = new BuildLog(logFile(), clock, 4096)) {
            result = shell.run(List.of("seq 1 100000", "echo after"), source(), ENV, clock.instant().plusSeconds(60), log);
        }

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        assertThat(Files.size(logFile())).isLessThan(4096 + 1024);
        assertThat(logLines()).contains("$ echo after")
                .anyMatch(line -> line.contains("reached its limit of 4096 bytes"))
                .doesNotContain("100000", "after");
    }

    @Test
    void missingSourceRootIsAnIoFailure() throws IOException {
        try (var log = new BuildLog(logFile(), clock)) {
            assertThatThrownBy(() -> shell.run(List.of("true"), temp.resolve("missing"), ENV,
                    clock.instant().plusSeconds(60), log)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void invalidArgumentsAreRefused() throws IOException {
        try (var log = new BuildLog(logFile(), clock)) {
            Instant deadline = clock.instant().plusSeconds(60);
            assertThatThrownBy(() -> shell.run(List.of(), source(), ENV, deadline, log))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no commands");
            assertThatThrownBy(() -> shell.run(List.of("true"), source(), Map.of("A=B", "x"), deadline, log))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A=B");
            assertThatThrownBy(() -> shell.run(List.of("a\0b"), source(), ENV, deadline, log))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
        }
    }

    @Test
    void resultHasNoFailedCommandOnSuccess() {
        var result = new Result(Outcome.SUCCEEDED, 0, Optional.empty(), Duration.ZERO);

        assertThat(result.failedCommand()).isEmpty();
    }
}
