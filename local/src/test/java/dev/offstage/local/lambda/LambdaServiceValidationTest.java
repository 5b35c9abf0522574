package dev.offstage.local.lambda;

import dev.offstage.testing.LogCapture;
import static dev.offstage.local.lambda.FixtureFunctions.FIXTURES;
import static dev.offstage.local.lambda.FixtureFunctions.function;
import static dev.offstage.local.lambda.FixtureFunctions.withEnvironment;
import static dev.offstage.local.lambda.FixtureFunctions.withEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.offstage.local.lambda.FunctionSetupException.Problem;
import dev.offstage.local.lambda.Invocation.Outcome;
import dev.offstage.local.model.EventSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Template mistakes stop startup with every problem, each naming its function. */
class LambdaServiceValidationTest {

    private static final EventSource SQS = new EventSource.Sqs("Posts", "PostsQueue", 10, Duration.ZERO, true,
            OptionalInt.empty(), true);

    @TempDir
    Path directory;

    @Test
    void validationListsEveryTemplateMistakeByFunction() {
        var code = FixtureFunctions.codeModule(directory);
        var application = FixtureFunctions.application(
                function(code, "Fine", "EchoHandler"),
                function(code, "UnknownClass", "NoSuchHandler"),
                withEvents(function(code, "WrongEvent", "HttpApiHandler"), SQS),
                function(directory.resolve("no-such-module"), "NoCode", "EchoHandler"),
                withEnvironment(function(code, "Reserved", "EchoHandler"), Map.of("AWS_REGION", "eu-west-1")));

        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(),
                LambdaSettings.defaults())) {
            assertThatThrownBy(lambda::validate)
                    .asInstanceOf(type(FunctionSetupException.class))
                    .extracting(FunctionSetupException::problems)
                    .satisfies(problems -> assertThat(problems).extracting(Problem::functionLogicalId)
                            .containsExactly("NoCode", "Reserved", "UnknownClass", "WrongEvent"))
                    .satisfies(problems -> assertThat(problems).extracting(Problem::message).satisfiesExactly(
                            message -> assertThat(message).contains("is not a directory"),
                            message -> assertThat(message).contains("AWS_REGION is reserved by Lambda"),
                            message -> assertThat(message).contains("handler class " + FIXTURES + "NoSuchHandler not found"),
                            message -> assertThat(message).contains("Posts (SQS) delivers SQSEvent")));
        }
    }

    @Test
    void initializeAllReportsAFailingStaticInitializerWithItsCause() {
        var code = FixtureFunctions.codeModule(directory);
        var application = FixtureFunctions.application(function(code, "BrokenInit", "BrokenInitHandler"));

        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(),
                LambdaSettings.defaults())) {
            assertThatThrownBy(lambda::initializeAll)
                    .isInstanceOf(FunctionSetupException.class)
                    .hasMessageContaining("BrokenInit: init failed: java.lang.ExceptionInInitializerError")
                    .hasMessageContaining("Missing required environment variable TABLE_NAME");
        }
    }

    @Test
    void initializedFunctionServesItsFirstInvocationWarm() {
        var code = FixtureFunctions.codeModule(directory);
        var application = FixtureFunctions.application(function(code, "Echo", "EchoHandler"));

        try (var lambda = LambdaService.create(application, FixtureFunctions.platformEnvironment(),
                LambdaSettings.defaults())) {
            lambda.initializeAll();
            LogCapture.start();

            var invocation = lambda.invoke("Echo", "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(invocation.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(LogCapture.lines())
                    .filteredOn(line -> line.logger().equals("dev.offstage.local.lambda.Invocations"))
                    .singleElement()
                    .satisfies(line -> assertThat(line.fields()).containsEntry("cold_start", "false"));
        }
    }
}
