package dev.offstage.ci.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.runner.ArtifactCollector.Artifact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCollectorTest {

    @TempDir
    Path temp;

    private final ArtifactCollector collector = new ArtifactCollector(ArtifactCollector.Limits.defaults());

    private Path root() throws IOException {
        return Files.createDirectories(temp.resolve("root"));
    }

    private Path file(String relative, int size) throws IOException {
        Path file = root().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[size]);
        return file;
    }

    @Test
    void matchingFilesAreReturnedSortedWithTheirSizes() throws IOException {
        file("target/app.jar", 30);
        file("target/app-sources.jar", 20);
        file("target/classes/App.class", 10);
        file("README.md", 5);

        var artifacts = collector.collect(root(), List.of("target/*.jar", "README.md"));

        assertThat(artifacts.files()).containsExactly(
                new Artifact("README.md", 5),
                new Artifact("target/app-sources.jar", 20),
                new Artifact("target/app.jar", 30));
        assertThat(artifacts.totalBytes()).isEqualTo(55);
        assertThat(artifacts.notes()).isEmpty();
    }

    @Test
    void doubleStarCrossesDirectoriesAndAlsoMatchesNone() throws IOException {
        file("a.log", 1);
        file("x/b.log", 1);
        file("x/y/z/c.log", 1);
        file("x/y/z/c.txt", 1);

        var artifacts = collector.collect(root(), List.of("**/*.log"));

        assertThat(artifacts.files()).extracting(Artifact::path).containsExactly("a.log", "x/b.log", "x/y/z/c.log");
    }

    @Test
    void doubleStarInTheMiddleAlsoMatchesNoDirectory() throws IOException {
        file("reports/summary.xml", 1);
        file("reports/unit/TEST-a.xml", 1);

        var artifacts = collector.collect(root(), List.of("reports/**/*.xml"));

        assertThat(artifacts.files()).extracting(Artifact::path)
                .containsExactly("reports/summary.xml", "reports/unit/TEST-a.xml");
    }

    @Test
    void singleStarStaysWithinADirectory() throws IOException {
        file("target/app.jar", 1);
        file("target/lib/dep.jar", 1);

        assertThat(collector.collect(root(), List.of("target/*")).files()).extracting(Artifact::path)
                .containsExactly("target/app.jar");
    }

    @Test
    void fileMatchedByTwoGlobsIsListedOnce() throws IOException {
        file("dist/app.js", 1);

        assertThat(collector.collect(root(), List.of("dist/*", "**/*.js")).files()).hasSize(1);
    }

    @Test
    void symlinksAreNeitherFollowedNorCollected() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        file("dist/real.txt", 4);
        Files.createSymbolicLink(root().resolve("dist/secret.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root().resolve("dist/outside"), outside);
        Files.createSymbolicLink(root().resolve("dist/inside.txt"), Path.of("real.txt"));

        var artifacts = collector.collect(root(), List.of("**"));

        assertThat(artifacts.files()).extracting(Artifact::path).containsExactly("dist/real.txt");
    }

    @Test
    void directoriesAreNotArtifacts() throws IOException {
        Files.createDirectories(root().resolve("dist/empty"));

        var artifacts = collector.collect(root(), List.of("dist/*"));

        assertThat(artifacts.files()).isEmpty();
        assertThat(artifacts.unmatchedGlobs()).containsExactly("dist/*");
    }

    @Test
    void globMatchingNothingIsReported() throws IOException {
        file("target/app.jar", 1);

        var artifacts = collector.collect(root(), List.of("target/*.jar", "build/*.zip"));

        assertThat(artifacts.unmatchedGlobs()).containsExactly("build/*.zip");
        assertThat(artifacts.notes()).containsExactly("Artifacts: 'build/*.zip' matched no file.");
    }

    @Test
    void filesOverTheCountLimitAreLeftOutInPathOrder() throws IOException {
        for (int i = 0; i < 5; i++) {
            file("out/" + i + ".txt", 10);
        }
        var limited = new ArtifactCollector(new ArtifactCollector.Limits(3, 1 << 20));

        var artifacts = limited.collect(root(), List.of("out/*"));

        assertThat(artifacts.files()).extracting(Artifact::path).containsExactly("out/0.txt", "out/1.txt", "out/2.txt");
        assertThat(artifacts.omittedFiles()).isEqualTo(2);
        assertThat(artifacts.omittedBytes()).isEqualTo(20);
        assertThat(artifacts.notes()).singleElement().asString()
                .contains("left out 2 matching file(s) (20 bytes)", "kept 3 file(s), 30 bytes", "Narrow the artifact globs");
    }

    @Test
    void fileThatDoesNotFitTheByteLimitIsLeftOutAndSmallerOnesKept() throws IOException {
        file("out/a-small.txt", 10);
        file("out/b-huge.bin", 1000);
        file("out/c-small.txt", 10);
        var limited = new ArtifactCollector(new ArtifactCollector.Limits(100, 100));

        var artifacts = limited.collect(root(), List.of("out/*"));

        assertThat(artifacts.files()).extracting(Artifact::path).containsExactly("out/a-small.txt", "out/c-small.txt");
        assertThat(artifacts.omittedFiles()).isEqualTo(1);
        assertThat(artifacts.omittedBytes()).isEqualTo(1000);
    }

    @Test
    void unreadableDirectoryDoesNotFailTheCollection() throws IOException {
        file("out/ok.txt", 1);
        Path locked = file("out/locked/hidden.txt", 1).getParent();
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            var artifacts = collector.collect(root(), List.of("out/**"));

            assertThat(artifacts.files()).extracting(Artifact::path).contains("out/ok.txt");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void noGlobsCollectNothing() throws IOException {
        file("a", 1);

        var artifacts = collector.collect(root(), List.of());

        assertThat(artifacts.files()).isEmpty();
        assertThat(artifacts.notes()).isEmpty();
    }

    @Test
    void invalidGlobsAreRefused() throws IOException {
        Path root = root();
        assertThatThrownBy(() -> collector.collect(root, List.of("/etc/*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be relative");
        assertThatThrownBy(() -> collector.collect(root, List.of("out/../../*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> collector.collect(root, List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> collector.collect(root, List.of("a/{b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid");
        assertThatThrownBy(() -> collector.collect(root, List.of("**/".repeat(7) + "*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 6");
    }

    @Test
    void rootMustBeADirectory() throws IOException {
        Path file = file("plain", 1);

        assertThatThrownBy(() -> collector.collect(file, List.of("*")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a directory");
    }

    @Test
    void limitsMustNotBeNegative() {
        assertThatThrownBy(() -> new ArtifactCollector.Limits(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArtifactCollector.Limits(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
