package dev.offstage.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offstage.local.lambda.FunctionSetupException;
import dev.offstage.local.template.TemplateException;
import dev.offstage.testing.ChildProcesses;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Each template mistake stops startup with an error that names the function and the problem,
 * and leaves nothing running: the emulators, started before the template is read, stop again.
 */
class LocalRuntimeTemplateMistakesTest {

    /** Read in place: the templates' CodeUri is relative to this folder. */
    private static final Path MISTAKES = Path.of("local/src/test/resources/templates/e2e-mistakes");

    private static <T extends RuntimeException> T startupError(String template, Class<T> type) {
        var before = ChildProcesses.now();

        var error = catchThrowableOfType(type,
                () -> LocalRuntime.start(LocalRuntimeOptions.of(MISTAKES.resolve(template)).withHttpPort(0)).close());

        assertThat(error).as("starting %s fails with a %s", template, type.getSimpleName()).isNotNull();
        assertThat(ChildProcesses.startedSince(before)).as("processes left running").isEmpty();
        return error;
    }

    @Test
    void unknownHandlerClassNamesTheFunctionAndTheClass() {
        var error = startupError("unknown-handler-class.yaml", FunctionSetupException.class);

        assertThat(error).hasMessage("Function GreeterFunction: handler class dev.offstage.local.fixtures.GreeterHandler "
                + "not found in the function's code");
    }

    @Test
    void handlerThatTakesAnotherEventThanItsTriggerSendsNamesBoth() {
        var error = startupError("handler-takes-another-event.yaml", FunctionSetupException.class);

        assertThat(error).hasMessage("Function EchoFunction: event Jobs (SQS) delivers SQSEvent, but handler "
                + "dev.offstage.local.fixtures.EchoHandler::handleRequest takes "
                + "com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent");
    }

    @Test
    void refToNothingNamesTheFunctionTheVariableAndTheMissingResource() {
        var error = startupError("ref-to-nothing.yaml", TemplateException.class);

        assertThat(error.getMessage()).startsWith(MISTAKES.resolve("ref-to-nothing.yaml").toAbsolutePath().toString());
        assertThat(error.problems()).containsExactly("BatchFunction (AWS::Serverless::Function), property "
                + "Environment.Variables.RESULTS_QUEUE_URL: !Ref ResultsQueue refers to nothing: no parameter, resource "
                + "or pseudo parameter is named 'ResultsQueue'");
    }

    @Test
    void missingCodeModuleNamesTheFunctionAndTheFolder() {
        var error = startupError("missing-code-module.yaml", TemplateException.class);

        assertThat(error.getMessage()).contains("ReportFunction", "property CodeUri",
                "'../../../../../functions/reports' does not exist");
    }
}
