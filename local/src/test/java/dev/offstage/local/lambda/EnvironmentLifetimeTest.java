package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.function;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No execution environment outlives the runtime that started it. */
class EnvironmentLifetimeTest {

    private static final Duration EXIT_LIMIT = Duration.ofSeconds(15);

    @TempDir
    Path directory;

    @Test
    void closeKillsEveryEnvironment() throws InterruptedException {
        var code = FixtureFunctions.codeModule(directory);
        var lambda = LambdaService.create(FixtureFunctions.application(function(code, "Pid", "FailingHandler")),
                FixtureFunctions.platformEnvironment(), LambdaSettings.defaults());
        long pid;
        try (lambda) {
            pid = Long.parseLong(lambda.invoke("Pid", "{}".getBytes(StandardCharsets.UTF_8)).payloadText().replace("\"", ""));
            assertThat(ProcessHandle.of(pid)).isPresent();
        }

        awaitGone(pid);
    }

    @Test
    void environmentsHaltWhenTheRuntimeIsKilledWithSigkill() throws Exception {
        var runtime = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A killed runtime cannot delete its runtime directory: keep it in the test's.
                "-Djava.io.tmpdir=" + directory, "-cp", System.getProperty("java.class.path"),
                RuntimeThatDies.class.getName(), directory.toString())
                .redirectErrorStream(true)
                .start();
        long pid;
        var output = new ArrayList<String>();
        try {
            pid = environmentPid(runtime, output);
        } finally {
            // destroyForcibly is SIGKILL: no shutdown hook runs in the runtime.
            runtime.destroyForcibly();
        }
        assertThat(runtime.waitFor()).isNotZero();

        awaitGone(pid);
    }

    private static long environmentPid(Process runtime, List<String> output) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            output.add(line);
            if (line.startsWith(RuntimeThatDies.PID_LINE)) {
                return Long.parseLong(line.substring(RuntimeThatDies.PID_LINE.length()).strip());
            }
        }
        throw new AssertionError("The runtime ended without starting an environment: " + output);
    }

    private static void awaitGone(long pid) throws InterruptedException {
        var deadline = Instant.now().plus(EXIT_LIMIT);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(Instant.now()).as("environment %d gone within %s", pid, EXIT_LIMIT).isBefore(deadline);
            Thread.sleep(50);
        }
    }
}
