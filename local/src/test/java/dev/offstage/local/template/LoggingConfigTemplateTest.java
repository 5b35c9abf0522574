package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.LoggingSettings;
import dev.offstage.local.model.LoggingSettings.Format;
import dev.offstage.local.model.LoggingSettings.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A function's {@code LoggingConfig}, from the function and {@code Globals.Function}, checked as the Lambda API checks it. */
class LoggingConfigTemplateTest {

    @TempDir
    Path folder;

    @BeforeEach
    void codeModule() throws IOException {
        Files.createDirectories(folder.resolve("hello"));
        Files.writeString(folder.resolve("hello/pom.xml"), "<project/>");
    }

    /** Two functions, Quiet (nothing of its own) and Chatty (the given LoggingConfig), under the given Globals LoggingConfig. */
    private static String template(String globalLogging, String chattyLogging) {
        return """
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: java25
                    CodeUri: hello
                    Handler: dev.offstage.fixture.Hello
                %s
                Resources:
                  FunctionLogs:
                    Type: AWS::Logs::LogGroup
                    Properties:
                      LogGroupName: /offstage/chatty
                  QuietFunction:
                    Type: AWS::Serverless::Function
                  ChattyFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                %s
                """.formatted(globalLogging.indent(4).stripTrailing(), chattyLogging.indent(6).stripTrailing());
    }

    private Application load(String template) throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template);
        return Templates.load(file, Map.of(), TestTemplates.NAMING);
    }

    private TemplateException problem(String template) throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template);
        var error = catchThrowableOfType(TemplateException.class, () -> Templates.load(file, Map.of(), TestTemplates.NAMING));
        assertThat(error).as("the template is refused").isNotNull();
        return error;
    }

    @Test
    void functionWithoutLoggingConfigGetsLambdasDefaultTextFormat() throws IOException {
        var app = load(template("", "MemorySize: 256"));

        assertThat(app.functions().get("QuietFunction").logging()).isEqualTo(LoggingSettings.LAMBDA_DEFAULTS);
        assertThat(LoggingSettings.LAMBDA_DEFAULTS.format()).isEqualTo(Format.TEXT);
    }

    @Test
    void globalsLoggingConfigAppliesAndTheFunctionWinsPerKey() throws IOException {
        var app = load(template("""
                LoggingConfig:
                  LogFormat: JSON
                  ApplicationLogLevel: INFO
                  SystemLogLevel: WARN""", """
                LoggingConfig:
                  ApplicationLogLevel: DEBUG
                  LogGroup: !Ref FunctionLogs"""));

        assertThat(app.functions().get("QuietFunction").logging()).isEqualTo(new LoggingSettings(Format.JSON,
                Optional.of(Level.INFO), Optional.of(Level.WARN), Optional.empty()));
        assertThat(app.functions().get("ChattyFunction").logging()).isEqualTo(new LoggingSettings(Format.JSON,
                Optional.of(Level.DEBUG), Optional.of(Level.WARN), Optional.of("/offstage/chatty")));
    }

    @Test
    void textFormatWithALogGroupIsAccepted() throws IOException {
        var app = load(template("", "LoggingConfig:\n  LogFormat: Text\n  LogGroup: /offstage/plain"));

        assertThat(app.functions().get("ChattyFunction").logging())
                .isEqualTo(new LoggingSettings(Format.TEXT, Optional.empty(), Optional.empty(), Optional.of("/offstage/plain")));
    }

    @Test
    void logLevelWithoutJsonFormatIsRefusedNamingTheFunction() throws IOException {
        var error = problem(template("", "LoggingConfig:\n  ApplicationLogLevel: DEBUG"));

        assertThat(error.problems()).containsExactly("ChattyFunction (AWS::Serverless::Function), property LoggingConfig: "
                + "ApplicationLogLevel needs LogFormat: JSON; Lambda filters log levels only in JSON logs and rejects a "
                + "level with the default format, Text");
    }

    @Test
    void functionThatSwitchesToTextUnderGlobalLevelsIsRefused() throws IOException {
        var error = problem(template("""
                LoggingConfig:
                  LogFormat: JSON
                  ApplicationLogLevel: INFO
                  SystemLogLevel: WARN""", "LoggingConfig:\n  LogFormat: Text"));

        assertThat(error.problems()).containsExactly("ChattyFunction (AWS::Serverless::Function), property LoggingConfig: "
                + "ApplicationLogLevel and SystemLogLevel need LogFormat: JSON; Lambda filters log levels only in JSON "
                + "logs and rejects a level with LogFormat: Text");
    }

    @Test
    void logFormatOtherThanJsonOrTextIsRefused() throws IOException {
        var error = problem(template("", "LoggingConfig:\n  LogFormat: json"));

        assertThat(error.getMessage()).contains("ChattyFunction", "property LoggingConfig.LogFormat",
                "'json' is not a log format: write JSON or Text");
    }

    @Test
    void unknownLevelsAreRefusedWithTheOnesLambdaTakes() throws IOException {
        var application = problem(template("", "LoggingConfig:\n  LogFormat: JSON\n  ApplicationLogLevel: VERBOSE"));
        // System (platform) lines have only three levels.
        var system = problem(template("", "LoggingConfig:\n  LogFormat: JSON\n  SystemLogLevel: ERROR"));

        assertThat(application.getMessage()).contains("ChattyFunction", "property LoggingConfig.ApplicationLogLevel",
                "'VERBOSE' is not a log level Lambda takes here (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)");
        assertThat(system.getMessage()).contains("ChattyFunction", "property LoggingConfig.SystemLogLevel",
                "'ERROR' is not a log level Lambda takes here (DEBUG, INFO, WARN)");
    }

    @Test
    void misspelledPropertyAndInvalidLogGroupAreRefused() throws IOException {
        var misspelled = problem(template("", "LoggingConfig:\n  LogFormat: JSON\n  LogLevel: DEBUG"));
        var badGroup = problem(template("", "LoggingConfig:\n  LogGroup: my logs"));

        assertThat(misspelled.getMessage()).contains("ChattyFunction", "property LoggingConfig.LogLevel",
                "is not a LoggingConfig property (LogFormat, ApplicationLogLevel, SystemLogLevel, LogGroup)");
        assertThat(badGroup.getMessage()).contains("ChattyFunction", "property LoggingConfig.LogGroup",
                "'my logs' is not a valid log group name");
    }
}
