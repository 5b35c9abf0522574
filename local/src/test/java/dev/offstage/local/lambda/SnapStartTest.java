package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.function;
import static dev.offstage.local.lambda.FixtureFunctions.withSnapStart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.local.lambda.Invocation.Outcome;
import dev.offstage.local.model.FunctionSpec.SnapStart;
import dev.offstage.shared.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SnapStart functions start as Lambda starts the init it snapshots: the runtime interface client
 * runs the {@code org.crac} hooks before the first invocation, and a hook that throws fails the
 * init. Functions without SnapStart register hooks that never run.
 */
class SnapStartTest {

    @TempDir
    static Path directory;

    private static LambdaService lambda;

    @BeforeAll
    static void startService() {
        var code = FixtureFunctions.codeModule(directory);
        var application = FixtureFunctions.application(
                withSnapStart(function(code, "Primed", "CracHooksHandler"), SnapStart.PUBLISHED_VERSIONS),
                withSnapStart(function(code, "OnDemand", "CracHooksHandler"), SnapStart.NONE),
                withSnapStart(function(code, "PrimingFails", "FailingCheckpointHandler"), SnapStart.PUBLISHED_VERSIONS),
                withSnapStart(function(code, "RestoreFails", "FailingRestoreHandler"), SnapStart.PUBLISHED_VERSIONS));
        lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(), LambdaSettings.defaults());
    }

    @AfterAll
    static void stopService() {
        if (lambda != null) {
            lambda.close();
        }
    }

    @Test
    void snapStartHooksRunBeforeTheFirstInvocationInLambdasOrder() {
        var invocation = lambda.invoke("Primed", json("{}"));

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.SUCCESS);
        var answer = Json.tree(invocation.payloadText());
        assertThat(Json.read(answer.path("hooks").toString(), String[].class))
                .containsExactly("beforeCheckpoint after 0 invocations", "afterRestore after 0 invocations");
        assertThat(answer.path("initializationType").asText()).isEqualTo("snap-start");
    }

    @Test
    void snapStartKeepsTheJvmsDefaultTieredCompilationAsLambdaDoesFromJava25() {
        var answer = Json.tree(lambda.invoke("Primed", json("{}")).payloadText());

        assertThat(answer.path("tieredStopAtLevel").asText()).isEqualTo("4");
    }

    @Test
    void withoutSnapStartTheHooksNeverRunAndCompilationStopsAtC1() {
        var answer = Json.tree(lambda.invoke("OnDemand", json("{}")).payloadText());

        assertThat(answer.path("hooks").isEmpty()).as(answer.toString()).isTrue();
        assertThat(answer.path("initializationType").asText()).isEqualTo("on-demand");
        assertThat(answer.path("tieredStopAtLevel").asText()).isEqualTo("1");
    }

    @Test
    void beforeCheckpointHookThatThrowsFailsTheInitWithItsMessage() {
        var invocation = lambda.invoke("PrimingFails", json("{}"));

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.INIT_ERROR);
        assertThat(invocation.errorMessage())
                .as(invocation.payloadText())
                .isEqualTo("SnapStart beforeCheckpoint hook failed: java.lang.IllegalStateException: Priming failed: the search index is not there");
        assertThat(invocation.stackTrace()).anyMatch(line -> line.contains("FailingCheckpointHandler$1.beforeCheckpoint"));
    }

    @Test
    void startupNamesTheFunctionWhoseHookFailsAsLambdaRefusesToPublishItsVersion() {
        var code = FixtureFunctions.codeModule(directory.resolve("startup"));
        var application = FixtureFunctions.application(
                withSnapStart(function(code, "PrimingFails", "FailingCheckpointHandler"), SnapStart.PUBLISHED_VERSIONS));

        try (var startup = LambdaService.create(application, FixtureFunctions.platformEnvironment(),
                LambdaSettings.defaults())) {
            assertThatThrownBy(startup::initializeAll)
                    .isInstanceOf(FunctionSetupException.class)
                    .hasMessageContaining("PrimingFails: init failed: com.amazonaws.services.lambda.crac.CheckpointException: "
                            + "SnapStart beforeCheckpoint hook failed: java.lang.IllegalStateException: Priming failed");
        }
    }

    @Test
    void afterRestoreHookThatThrowsFailsTheInitWithItsMessage() {
        var invocation = lambda.invoke("RestoreFails", json("{}"));

        assertThat(invocation.outcome()).as(invocation.toString()).isEqualTo(Outcome.INIT_ERROR);
        assertThat(invocation.errorMessage())
                .as(invocation.payloadText())
                .isEqualTo("SnapStart afterRestore hook failed: java.lang.IllegalStateException: Reconnect failed: connection refused");
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
