package dev.offstage.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the npm packages installed from the repository's package-lock ({@code npm ci}). */
final class NodeModules {

    private NodeModules() {}

    /** The Node.js executable: {@code OFFSTAGE_NODE}, else {@code node} on the PATH. */
    static String node() {
        return System.getenv().getOrDefault("OFFSTAGE_NODE", "node");
    }

    /**
     * The folder of an installed package, looked up in {@code node_modules} of the working directory
     * and its parents up to the repository root (tests run in module folders or the root).
     *
     * @throws IllegalStateException telling how to install it when it is missing
     */
    static Path find(String packageName) {
        return find(packageName, Path.of(System.getProperty("user.dir")));
    }

    /**
     * The folder of an installed package, looked up in {@code node_modules} of {@code start} and its
     * parents up to the repository root: the first folder with {@code mvnw} or {@code .git}. A
     * package installed above the clone is never used, since its version is not the lockfile's.
     *
     * @throws IllegalStateException when {@code start} is not inside a repository, or the package is
     *     not installed in it
     */
    static Path find(String packageName, Path start) {
        var from = start.toAbsolutePath().normalize();
        for (var dir = from; dir != null; dir = dir.getParent()) {
            var candidate = dir.resolve("node_modules").resolve(packageName);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
            if (isRepositoryRoot(dir)) {
                throw new IllegalStateException("npm package '" + packageName + "' is not installed in the repository "
                        + dir + " (looked in node_modules from " + from + " up to it): run `npm ci` there");
            }
        }
        throw new IllegalStateException("npm package '" + packageName + "' not looked up: " + from
                + " is not inside the Offstage repository (no folder above it has mvnw or .git); run from the clone");
    }

    private static boolean isRepositoryRoot(Path dir) {
        // .git is a folder in a clone and a file in a worktree.
        return Files.isRegularFile(dir.resolve("mvnw")) || Files.exists(dir.resolve(".git"));
    }
}
