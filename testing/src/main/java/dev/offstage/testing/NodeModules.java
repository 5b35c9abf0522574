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
     * and its parents (tests run in module folders or the repository root).
     *
     * @throws IllegalStateException telling how to install it when it is missing
     */
    static Path find(String packageName) {
        var start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (var dir = start; dir != null; dir = dir.getParent()) {
            var candidate = dir.resolve("node_modules").resolve(packageName);
            if (Files.isRegularFile(candidate.resolve("package.json"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("npm package '" + packageName + "' not found in node_modules above " + start
                + ": run `npm ci` in the repository root");
    }
}
