package dev.offstage.ci.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BuildConfigTest {

    @TempDir
    Path root;

    private BuildConfig configFrom(String yaml) throws Exception {
        Files.writeString(root.resolve(BuildConfig.FILE_NAME), yaml);
        return BuildConfig.read(root);
    }

    private void assertInvalid(String yaml, String... messageParts) throws IOException {
        Files.writeString(root.resolve(BuildConfig.FILE_NAME), yaml);
        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void fullConfigIsRead() throws Exception {
        var config = configFrom("""
                # the build
                commands:
                  - ./mvnw -B verify
                  - |
                    echo multi
                    echo line
                artifacts:
                  - target/*.jar
                  - "**/reports/*.xml"
                timeout: 5m
                env:
                  MAVEN_OPTS: -Xmx1g
                  _DEBUG: "1"
                """);

        assertThat(config.commands()).containsExactly("./mvnw -B verify", "echo multi\necho line\n");
        assertThat(config.artifacts()).containsExactly("target/*.jar", "**/reports/*.xml");
        assertThat(config.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.env()).containsExactly(Map.entry("MAVEN_OPTS", "-Xmx1g"), Map.entry("_DEBUG", "1"));
        assertThat(config.source()).isEqualTo(".offstage-ci.yml");
    }

    @Test
    void onlyCommandsAreRequired() throws Exception {
        var config = configFrom("commands: [make]\n");

        assertThat(config.commands()).containsExactly("make");
        assertThat(config.artifacts()).isEmpty();
        assertThat(config.timeout()).isEqualTo(BuildConfig.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.env()).isEmpty();
    }

    @Test
    void emptyOptionalKeysMeanTheirDefaults() throws Exception {
        var config = configFrom("commands: [make]\nartifacts:\nenv:\ntimeout:\n");

        assertThat(config.artifacts()).isEmpty();
        assertThat(config.env()).isEmpty();
        assertThat(config.timeout()).isEqualTo(BuildConfig.DEFAULT_TIMEOUT);
    }

    @Test
    void plainScalarsStayTheStringsTheyReadAs() throws Exception {
        // YAML 1.1 would make these true, 8 and 1.1.
        var config = configFrom("""
                commands:
                  - true
                  - 010
                env:
                  ENABLED: yes
                  MODE: 010
                  VERSION: 1.10
                """);

        assertThat(config.commands()).containsExactly("true", "010");
        assertThat(config.env()).containsEntry("ENABLED", "yes").containsEntry("MODE", "010").containsEntry("VERSION", "1.10");
    }

    @ParameterizedTest
    @CsvSource({"600, PT10M", "90s, PT1M30S", "10m, PT10M", "1m30s, PT1M30S", "15m, PT15M", "1, PT1S"})
    void timeoutIsReadAsSecondsOrWithUnits(String yaml, Duration expected) throws Exception {
        assertThat(configFrom("commands: [make]\ntimeout: " + yaml + "\n").timeout()).isEqualTo(expected);
    }

    @Test
    void timeoutOverLambdasLimitIsRejected() throws IOException {
        assertInvalid("commands: [make]\n\ntimeout: 20m\n", ".offstage-ci.yml line 3", "timeout", "'20m'", "15m");
        assertInvalid("commands: [make]\ntimeout: 901\n", "timeout", "longer than the 15m");
        assertInvalid("commands: [make]\ntimeout: 1h\n", "timeout", "longer than the 15m");
    }

    @Test
    void timeoutThatIsNotADurationIsRejected() throws IOException {
        assertInvalid("commands: [make]\ntimeout: soon\n", "line 2", "timeout: 'soon' is not a duration");
        assertInvalid("commands: [make]\ntimeout: -5\n", "timeout: '-5' is not a duration");
        assertInvalid("commands: [make]\ntimeout: 99999999999999999999\n", "is not a duration");
        assertInvalid("commands: [make]\ntimeout: 0\n", "timeout: must be longer than 0");
        assertInvalid("commands: [make]\ntimeout: [1]\n", "timeout must be a string");
    }

    @Test
    void missingCommandsAreRejected() throws IOException {
        assertInvalid("timeout: 5m\n", "'commands' is missing", "- make test");
        assertInvalid("commands: []\n", "commands: must be a non-empty list");
        assertInvalid("commands:\n", "commands: must be a non-empty list");
        assertInvalid("commands: make\n", "commands: must be a non-empty list");
    }

    @Test
    void blankOrNonStringCommandIsRejected() throws IOException {
        assertInvalid("commands:\n  - make\n  - '  '\n", "line 3", "commands: a command is blank");
        assertInvalid("commands:\n  - make\n  - {run: make}\n", "line 3", "each command must be a string");
        assertInvalid("commands:\n  - make\n  -\n", "each command must be a string, not empty");
    }

    @Test
    void unknownKeyIsRejectedWithTheKnownKeys() throws IOException {
        assertInvalid("commands: [make]\nscript: [make]\n", "line 2", "unknown key 'script'",
                "artifacts, commands, env, timeout");
    }

    @Test
    void duplicateKeyIsRejected() throws IOException {
        assertInvalid("commands: [make]\ncommands: [ls]\n", "line 2", "'commands' appears twice");
        assertInvalid("commands: [make]\nenv:\n  A: 1\n  A: 2\n", "line 4", "env: 'A' appears twice");
    }

    @Test
    void invalidEnvironmentNameIsRejected() throws IOException {
        assertInvalid("commands: [make]\nenv:\n  1ABC: x\n", "line 3", "env: '1ABC' is not a valid variable name");
        assertInvalid("commands: [make]\nenv:\n  A-B: x\n", "'A-B' is not a valid variable name");
        assertInvalid("commands: [make]\nenv:\n  \"\": x\n", "'' is not a valid variable name");
    }

    @Test
    void environmentValueMustBeAString() throws IOException {
        assertInvalid("commands: [make]\nenv:\n  A: [1, 2]\n", "line 3", "env: A must be a string");
        assertInvalid("commands: [make]\nenv:\n  A:\n", "env: A must be a string, not empty");
        assertInvalid("commands: [make]\nenv: [A]\n", "env: must be a mapping");
    }

    @Test
    void invalidArtifactGlobIsRejected() throws IOException {
        assertInvalid("commands: [make]\nartifacts:\n  - /etc/passwd\n", "line 3", "artifacts:", "must be relative");
        assertInvalid("commands: [make]\nartifacts:\n  - ../outside/*\n", "artifacts:", "must not contain '..'");
        assertInvalid("commands: [make]\nartifacts:\n  - 'target/[a-'\n", "artifacts:", "is not valid");
        assertInvalid("commands: [make]\nartifacts: target/*.jar\n", "artifacts: must be a list");
    }

    @Test
    void malformedYamlIsRejectedWithItsLine() throws IOException {
        assertInvalid("commands:\n  - make\n  bad: [\n", ".offstage-ci.yml line", "not valid YAML");
        assertInvalid("commands: [make\n", "not valid YAML");
    }

    @Test
    void fileThatIsNotAMappingIsRejected() throws IOException {
        assertInvalid("- make\n", "line 1", "must be a mapping of keys");
        assertInvalid("", "is empty");
        assertInvalid("# only a comment\n", "is empty");
    }

    @Test
    void secondDocumentIsRejected() throws IOException {
        assertInvalid("commands: [make]\n---\ncommands: [ls]\n", "not valid YAML");
    }

    @Test
    void explicitTagsAreRejected() throws IOException {
        // SnakeYAML's own tag inspector refuses global tags before we see them.
        assertInvalid("commands:\n  - !!python/object:os.system [ls]\n", "line 2", "tag is not allowed");
        assertInvalid("commands:\n  - !custom make\n", "line 2", "YAML tag '!custom' is not supported");
        assertInvalid("commands: !!set {make: null}\n", "YAML tag", "not supported");
        assertInvalid("commands: [make]\ntimeout: !!int 60\n", "YAML tag", "not supported");
    }

    @Test
    void mergeKeysAreRejected() throws IOException {
        assertInvalid("""
                base: &base
                  A: 1
                commands: [make]
                env:
                  <<: *base
                """, "unknown key 'base'");
        assertInvalid("""
                commands: [make]
                env:
                  <<: {A: 1}
                """, "'<<' is not a valid variable name");
    }

    @Test
    void aliasBombIsRejected() throws IOException {
        var bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'k'; c++) {
            char previous = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*" + previous))).append("]\n");
        }
        bomb.append("commands: [make]\n");

        assertInvalid(bomb.toString(), "not valid YAML");
    }

    @Test
    void fileOverTheSizeCapIsRejected() throws IOException {
        assertInvalid("commands: [make]\n# " + "x".repeat(BuildConfig.MAX_FILE_BYTES) + "\n", "larger than 64 KiB");
    }

    @Test
    void fileThatIsNotUtf8IsRejected() throws IOException {
        Files.write(root.resolve(BuildConfig.FILE_NAME), new byte[] {'c', 'o', (byte) 0xff, ':', ' ', '1'});

        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void byteOrderMarkIsAllowed() throws Exception {
        assertThat(configFrom("\uFEFFcommands: [make]\n").commands()).containsExactly("make");
    }

    @Test
    void configThatIsADirectoryIsRejected() throws IOException {
        Files.createDirectory(root.resolve(BuildConfig.FILE_NAME));

        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContaining("is not a regular file");
    }

    @Test
    void yamlExtensionIsPointedOut() throws IOException {
        Files.writeString(root.resolve(".offstage-ci.yaml"), "commands: [make]\n");
        Files.writeString(root.resolve("Makefile"), "all:\n");

        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContaining("must be named .offstage-ci.yml");
    }

    @Test
    void mavenWrapperIsTheFirstDefault() throws Exception {
        Files.writeString(root.resolve("mvnw"), "#!/bin/sh\n");
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.writeString(root.resolve("Makefile"), "all:\n");

        var config = BuildConfig.read(root);

        assertThat(config.commands()).containsExactly("./mvnw -B verify");
        assertThat(config.source()).isEqualTo("default for a repository with mvnw (no .offstage-ci.yml)");
        assertThat(config.timeout()).isEqualTo(BuildConfig.DEFAULT_TIMEOUT);
        assertThat(config.artifacts()).isEmpty();
        assertThat(config.env()).isEmpty();
    }

    @Test
    void pomWithoutWrapperBuildsWithMaven() throws Exception {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.writeString(root.resolve("gradlew"), "#!/bin/sh\n");

        assertThat(BuildConfig.read(root).commands()).containsExactly("mvn -B verify");
    }

    @Test
    void gradleWrapperBuildsWithGradle() throws Exception {
        Files.writeString(root.resolve("gradlew"), "#!/bin/sh\n");
        Files.writeString(root.resolve("package.json"), "{}");

        assertThat(BuildConfig.read(root).commands()).containsExactly("./gradlew build");
    }

    @Test
    void packageJsonWithALockFileInstallsCleanly() throws Exception {
        Files.writeString(root.resolve("package.json"), "{}");
        Files.writeString(root.resolve("package-lock.json"), "{}");
        Files.writeString(root.resolve("Makefile"), "all:\n");

        var config = BuildConfig.read(root);

        assertThat(config.commands()).containsExactly("npm ci", "npm test");
        assertThat(config.source()).contains("package.json");
    }

    @Test
    void packageJsonWithoutALockFileInstalls() throws Exception {
        Files.writeString(root.resolve("package.json"), "{}");

        assertThat(BuildConfig.read(root).commands()).containsExactly("npm install", "npm test");
    }

    @Test
    void makefileBuildsWithMake() throws Exception {
        Files.writeString(root.resolve("Makefile"), "all:\n");

        var config = BuildConfig.read(root);

        assertThat(config.commands()).containsExactly("make");
        assertThat(config.source()).contains("Makefile");
    }

    @Test
    void directoryNamedLikeABuildFileIsNotOne() throws IOException {
        Files.createDirectory(root.resolve("pom.xml"));

        assertThatThrownBy(() -> BuildConfig.read(root)).isInstanceOf(InvalidBuildConfigException.class);
    }

    @Test
    void repositoryWithNothingToBuildIsRejectedNamingTheFileToAdd() {
        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContainingAll("No .offstage-ci.yml", "nothing to build", "mvnw", "Makefile", "commands:");
    }

    @Test
    void configFileWinsOverTheDefaults() throws Exception {
        Files.writeString(root.resolve("mvnw"), "#!/bin/sh\n");

        assertThat(configFrom("commands: [make docs]\n").commands()).containsExactly("make docs");
    }

    @Test
    void recordRefusesWhatTheFileWould() {
        assertThatThrownBy(() -> new BuildConfig(List.of(), List.of(), Duration.ofMinutes(1), Map.of(), "test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BuildConfig(List.of("make"), List.of(), Duration.ofMinutes(16), Map.of(), "test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BuildConfig(List.of("make"), List.of("/abs"), Duration.ofMinutes(1), Map.of(), "test"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BuildConfig(List.of("make"), List.of(), Duration.ofMinutes(1), Map.of("A=B", "x"), "test"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
