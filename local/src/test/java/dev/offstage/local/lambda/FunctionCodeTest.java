package dev.offstage.local.lambda;

import static dev.offstage.local.lambda.FixtureFunctions.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionCodeTest {

    @TempDir
    Path codeUri;

    @Test
    void unbuiltModuleNamesTheMissingDirectoryAndTheBuildCommand() {
        assertThatThrownBy(() -> FunctionCode.of(function(codeUri, "Builds", "EchoHandler")))
                .isInstanceOf(FunctionSetupException.class)
                .hasMessageContaining("Function Builds: no build output: " + codeUri.resolve("target/classes"))
                .hasMessageContaining("run ./mvnw package");
    }

    @Test
    void missingClasspathFileIsNamed() throws IOException {
        Files.createDirectories(codeUri.resolve("target/classes"));

        assertThatThrownBy(() -> FunctionCode.of(function(codeUri, "Builds", "EchoHandler")))
                .hasMessageContaining(codeUri.resolve("target/lambda-classpath.txt") + " does not exist")
                .hasMessageContaining("run ./mvnw package");
    }

    @Test
    void listedJarThatDoesNotExistIsNamed() throws IOException {
        Files.createDirectories(codeUri.resolve("target/classes"));
        Files.writeString(codeUri.resolve("target/lambda-classpath.txt"), "/nowhere/gone-1.0.jar");

        assertThatThrownBy(() -> FunctionCode.of(function(codeUri, "Builds", "EchoHandler")))
                .hasMessageContaining("/nowhere/gone-1.0.jar, listed in " + codeUri.resolve("target/lambda-classpath.txt"));
    }

    @Test
    void classpathFileMayJoinJarsWithThePathSeparatorOrPutOnePerLine() throws IOException {
        Files.createDirectories(codeUri.resolve("target/classes"));
        var a = Files.createFile(codeUri.resolve("a.jar"));
        var b = Files.createFile(codeUri.resolve("b.jar"));
        var c = Files.createFile(codeUri.resolve("c.jar"));
        Files.writeString(codeUri.resolve("target/lambda-classpath.txt"), a + ":" + b + "\n" + c + "\n");

        var code = FunctionCode.of(function(codeUri, "Builds", "EchoHandler"));

        assertThat(code.classpath()).containsExactly(codeUri.resolve("target/classes"), a, b, c);
    }
}
