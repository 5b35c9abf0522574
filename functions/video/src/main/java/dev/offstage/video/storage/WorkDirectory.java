package dev.offstage.video.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * An invocation's scratch space under /tmp. Lambda keeps /tmp between invocations of an execution
 * environment — also after one was killed at its timeout — so it is emptied when an invocation
 * starts (an environment runs one invocation at a time) and again when it ends: a killed
 * transcode never fills the next one's disk.
 */
public final class WorkDirectory implements AutoCloseable {

    private final Path path;

    private WorkDirectory(Path path) {
        this.path = path;
    }

    /** Empties (or creates) {@code path} and returns it as this invocation's work directory. */
    public static WorkDirectory fresh(Path path) {
        delete(path);
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the work directory " + path, e);
        }
        return new WorkDirectory(path);
    }

    public Path path() {
        return path;
    }

    /** A new empty directory inside, e.g. for one rendition's segments. */
    public Path directory(String name) {
        var directory = path.resolve(name);
        delete(directory);
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + directory, e);
        }
    }

    @Override
    public void close() {
        delete(path);
    }

    /** Deletes a file or a directory tree, if it exists. */
    public static void delete(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            for (var file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot empty " + path, e);
        }
    }
}
