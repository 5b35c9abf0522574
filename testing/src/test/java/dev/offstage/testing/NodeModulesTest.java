package dev.offstage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeModulesTest {

    @TempDir
    Path home;

    private static Path install(Path dir, String packageName) throws IOException {
        var module = Files.createDirectories(dir.resolve("node_modules").resolve(packageName));
        Files.writeString(module.resolve("package.json"), "{\"name\":\"" + packageName + "\"}");
        return module;
    }

    private Path clone(String marker) throws IOException {
        var root = Files.createDirectories(home.resolve("offstage"));
        if (marker.equals(".git")) {
            Files.createDirectory(root.resolve(".git"));
        } else {
            Files.writeString(root.resolve(marker), "#!/bin/sh\n");
        }
        return root;
    }

    @Test
    void packageOfTheRepositoryRootIsFoundFromAModuleFolder() throws IOException {
        var root = clone("mvnw");
        var module = install(root, "dynalite");

        assertThat(NodeModules.find("dynalite", Files.createDirectories(root.resolve("local/target")))).isEqualTo(module);
        assertThat(NodeModules.find("dynalite", root)).isEqualTo(module);
    }

    @Test
    void worktreeWhoseDotGitIsAFileIsARepositoryRoot() throws IOException {
        var root = Files.createDirectories(home.resolve("worktree"));
        Files.writeString(root.resolve(".git"), "gitdir: /elsewhere/.git/worktrees/worktree\n");
        var module = install(root, "dynalite");

        assertThat(NodeModules.find("dynalite", root.resolve("testing"))).isEqualTo(module);
    }

    @Test
    void packageInstalledAboveTheCloneIsNeverUsed() throws IOException {
        install(home, "dynalite");
        var root = clone(".git");

        assertThatThrownBy(() -> NodeModules.find("dynalite", root.resolve("local")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not installed in the repository " + root)
                .hasMessageContaining("npm ci");
    }

    @Test
    void folderOutsideAnyRepositoryIsRefusedWithTheReason() throws IOException {
        var outside = Files.createDirectories(home.resolve("somewhere/else"));

        assertThatThrownBy(() -> NodeModules.find("dynalite", outside))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not inside the Offstage repository");
    }
}
