package dev.offstage.local.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.offstage.local.model.Application;
import dev.offstage.local.model.FunctionSpec.SnapStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A function's {@code SnapStart.ApplyOn}, from the function and {@code Globals.Function}. */
class SnapStartTemplateTest {

    @TempDir
    Path folder;

    @BeforeEach
    void codeModule() throws IOException {
        Files.createDirectories(folder.resolve("hello"));
        Files.writeString(folder.resolve("hello/pom.xml"), "<project/>");
    }

    /** Three functions under the given Globals: Plain (nothing of its own), Large (ApplyOn: None), Other (the given SnapStart). */
    private static String template(String globals, String other) {
        return """
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: java25
                    CodeUri: hello
                    Handler: dev.offstage.fixture.Hello
                %s
                Resources:
                  PlainFunction:
                    Type: AWS::Serverless::Function
                  LargeFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      SnapStart:
                        ApplyOn: None
                  OtherFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                %s
                """.formatted(globals.indent(4).stripTrailing(), other.indent(6).stripTrailing());
    }

    private Application load(String template) throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template);
        return Templates.load(file, Map.of(), TestTemplates.NAMING);
    }

    @Test
    void globalsPublishedVersionsApplyUnlessTheFunctionSaysNone() throws IOException {
        var app = load(template("SnapStart:\n  ApplyOn: PublishedVersions", "MemorySize: 256"));

        assertThat(app.functions().get("PlainFunction").snapStart()).isEqualTo(SnapStart.PUBLISHED_VERSIONS);
        assertThat(app.functions().get("LargeFunction").snapStart()).isEqualTo(SnapStart.NONE);
        assertThat(app.functions().get("OtherFunction").snapStart()).isEqualTo(SnapStart.PUBLISHED_VERSIONS);
    }

    @Test
    void withoutSnapStartFunctionsInitialiseOnDemand() throws IOException {
        var app = load(template("MemorySize: 256", "SnapStart:\n  ApplyOn: PublishedVersions"));

        assertThat(app.functions().get("PlainFunction").snapStart()).isEqualTo(SnapStart.NONE);
        assertThat(app.functions().get("OtherFunction").snapStart()).isEqualTo(SnapStart.PUBLISHED_VERSIONS);
    }

    @Test
    void applyOnOtherThanLambdasValuesIsRefused() throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template("MemorySize: 256", "SnapStart:\n  ApplyOn: Always"));

        var error = catchThrowableOfType(TemplateException.class, () -> Templates.load(file, Map.of(), TestTemplates.NAMING));

        assertThat(error).as("the template is refused").isNotNull();
        assertThat(error.problems()).singleElement().asString()
                .contains("OtherFunction").contains("'Always' is not a SnapStart setting: write PublishedVersions or None");
    }

    @Test
    void snapStartWithMoreThan512MegabytesOfTmpIsRefusedAsLambdaDoes() throws IOException {
        var file = folder.resolve("template.yaml");
        Files.writeString(file, template("SnapStart:\n  ApplyOn: PublishedVersions", "EphemeralStorage:\n  Size: 2048"));

        var error = catchThrowableOfType(TemplateException.class, () -> Templates.load(file, Map.of(), TestTemplates.NAMING));

        assertThat(error).as("the template is refused").isNotNull();
        assertThat(error.problems()).singleElement().asString()
                .contains("OtherFunction").contains("is 2048 MB with SnapStart ApplyOn: PublishedVersions");
    }

    @Test
    void moreThan512MegabytesOfTmpIsFineWithoutSnapStart() throws IOException {
        var app = load(template("SnapStart:\n  ApplyOn: PublishedVersions",
                "SnapStart:\n  ApplyOn: None\nEphemeralStorage:\n  Size: 2048"));

        assertThat(app.functions().get("OtherFunction").snapStart()).isEqualTo(SnapStart.NONE);
    }
}
