package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.function;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offstage.faults.FaultPlan;
import dev.offstage.local.chaos.Chaos;
import dev.offstage.local.chaos.ChaosKind;
import dev.offstage.local.chaos.ChaosPlan;
import dev.offstage.local.lambda.Invocation.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda service's chaos on real execution environments: environments killed mid-invocation,
 * deadlines cut short, and SDK fault injection handed to the functions the plan covers.
 */
class ChaosInvocationsTest {

    @TempDir
    static Path directory;

    private static byte[] sleep(long millis) {
        return Long.toString(millis).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void killedEnvironmentFailsItsInvocationAsACrashAndTheNextInvocationGetsAFreshOne() {
        var code = FixtureFunctions.codeModule(directory.resolve("kill"));
        var application = FixtureFunctions.application(function(code, "Doomed", "SleepyStreamHandler"),
                function(code, "Spared", "SleepyStreamHandler"));
        var chaos = Chaos.of(ChaosPlan.parse("seed=11;kill=1;functions=Doomed"));
        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(), LambdaSettings.defaults(),
                OutputListener.NONE, chaos, Optional.empty())) {
            // Nothing measured yet: the kill comes within the first guess of a second, long before 5 s.
            var killed = lambda.invoke("Doomed", sleep(5_000));
            var spared = lambda.invoke("Spared", sleep(1_500));

            assertThat(killed.outcome()).as(killed.toString()).isEqualTo(Outcome.FUNCTION_ERROR);
            assertThat(killed.errorType()).isEqualTo("Runtime.ExitError");
            assertThat(killed.errorMessage()).contains("signal 9");
            assertThat(spared.outcome()).as(spared.toString()).isEqualTo(Outcome.SUCCESS);
            assertThat(chaos.counts().get(ChaosKind.KILL)).isEqualTo(1);
            assertThat(lambda.environments("Doomed")).isZero();
        }
    }

    @Test
    void cutDeadlineStopsTheInvocationAsATimeoutAtTheCutNotTheFunctionsTimeout() {
        var code = FixtureFunctions.codeModule(directory.resolve("overrun"));
        var application = FixtureFunctions.application(function(code, "Late", "SleepyStreamHandler"));
        var chaos = Chaos.of(ChaosPlan.parse("seed=12;overrun=1"));
        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(), LambdaSettings.defaults(),
                OutputListener.NONE, chaos, Optional.empty())) {
            var late = lambda.invoke("Late", sleep(20_000));

            assertThat(late.outcome()).as(late.toString()).isEqualTo(Outcome.TIMEOUT);
            assertThat(late.errorType()).isEqualTo("Sandbox.Timedout");
            // The function's timeout is 30 s; the cut falls within the first guess of its duration (1 s).
            assertThat(late.errorMessage()).matches("RequestId: .* Error: Task timed out after 0\\.\\d\\d seconds");
            assertThat(chaos.counts().get(ChaosKind.OVERRUN)).isEqualTo(1);
        }
    }

    @Test
    void faultsReachTheFunctionsThePlanCoversWithTheInjectorOnTheirClassPath() {
        var code = FixtureFunctions.codeModule(directory.resolve("faults"));
        var application = FixtureFunctions.application(function(code, "Faulty", "FaultsProbeHandler"),
                function(code, "Healthy", "FaultsProbeHandler"));
        var faults = FaultPlan.parse("seed=3;throttle=0.5;services=dynamodb");
        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(), LambdaSettings.defaults(),
                OutputListener.NONE, Chaos.of(ChaosPlan.parse("seed=4;functions=Faulty")), Optional.of(faults))) {
            var faulty = lambda.invoke("Faulty", new byte[0]);
            var healthy = lambda.invoke("Healthy", new byte[0]);

            assertThat(faulty.payloadText()).isEqualTo(faults + "\ntrue");
            assertThat(healthy.payloadText()).isEqualTo("unset\nfalse");
        }
    }
}
