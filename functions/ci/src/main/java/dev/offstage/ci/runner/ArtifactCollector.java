package dev.offstage.ci.runner;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Finds the build's artifacts: the regular files under the source root that match the build
 * config's globs.
 *
 * <p>Globs are {@link java.nio.file.FileSystem#getPathMatcher java.nio "glob:"} patterns matched
 * against the path relative to the root, with {@code /} separators: {@code *} stays within a
 * directory, {@code **} crosses directories, and {@code **}{@code /} also matches no directory at
 * all ({@code **}{@code /*.jar} matches {@code a.jar} as well as {@code target/a.jar}, as in
 * .gitignore). A glob must be relative and must not contain a {@code ..} component.
 *
 * <p>Symbolic links are never followed and never collected, wherever they point: the walk stays in
 * the tree, and a build that wants a linked file kept copies it. Files that vanish or cannot be
 * read during the walk are passed over.
 *
 * <p>Over the {@link Limits}, the build keeps its result: files are taken in path order while they
 * fit, and the rest are counted in {@link Artifacts#omittedFiles()} and explained by
 * {@link Artifacts#notes()} for the build log, rather than failing a build that passed. Thread-safe.
 */
public final class ArtifactCollector {

    /** More {@code **}{@code /} in one glob than anyone writes; each doubles the matchers tried. */
    private static final int MAX_ANY_DIRECTORIES = 6;
    private static final String ANY_DIRECTORIES = "**/";

    private final Limits limits;

    /**
     * How much one build may keep.
     *
     * @param maxFiles the most files
     * @param maxTotalBytes the most bytes, all files together
     */
    public record Limits(int maxFiles, long maxTotalBytes) {

        /** @throws IllegalArgumentException when a limit is negative */
        public Limits {
            if (maxFiles < 0 || maxTotalBytes < 0) {
                throw new IllegalArgumentException("limits must not be negative: " + maxFiles + " files, "
                        + maxTotalBytes + " bytes");
            }
        }

        /** 1000 files and 512 MiB: what an upload from a Lambda build can afford. */
        public static Limits defaults() {
            return new Limits(1000, 512L << 20);
        }
    }

    /**
     * One file to keep.
     *
     * @param path relative to the source root, with {@code /} separators
     * @param size in bytes
     */
    public record Artifact(String path, long size) {
        public Artifact {
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * What a build keeps.
     *
     * @param files the files kept, sorted by path
     * @param omittedFiles matching files left out by the limits
     * @param omittedBytes their size
     * @param unmatchedGlobs globs that matched no file at all, in the config's order
     */
    public record Artifacts(List<Artifact> files, int omittedFiles, long omittedBytes, List<String> unmatchedGlobs) {

        public Artifacts {
            files = List.copyOf(files);
            unmatchedGlobs = List.copyOf(unmatchedGlobs);
        }

        /** The bytes kept. */
        public long totalBytes() {
            return files.stream().mapToLong(Artifact::size).sum();
        }

        /** Lines for the build log about what was left out or matched nothing; empty when all went well. */
        public List<String> notes() {
            var notes = new ArrayList<String>();
            if (omittedFiles > 0) {
                notes.add("Artifacts: left out " + omittedFiles + " matching file(s) (" + omittedBytes
                        + " bytes) over the limits; kept " + files.size() + " file(s), " + totalBytes()
                        + " bytes. Narrow the artifact globs in " + BuildConfig.FILE_NAME + ".");
            }
            for (String glob : unmatchedGlobs) {
                notes.add("Artifacts: '" + glob + "' matched no file.");
            }
            return notes;
        }
    }

    public ArtifactCollector(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The files under {@code root} matching any of {@code globs}, within the limits.
     *
     * @param root the source root, a directory
     * @throws IllegalArgumentException when a glob is invalid ({@link BuildConfig} has checked them)
     *     or {@code root} is not a directory
     * @throws IOException when walking the tree fails for another reason than a vanished or
     *     unreadable file
     */
    public Artifacts collect(Path root, List<String> globs) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("The source root " + root + " is not a directory");
        }
        var matchers = new ArrayList<List<PathMatcher>>();
        globs.forEach(glob -> matchers.add(matchers(glob)));
        if (globs.isEmpty()) {
            return new Artifacts(List.of(), 0, 0, List.of());
        }
        var matched = new boolean[globs.size()];
        var found = new ArrayList<Artifact>();
        Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (!attributes.isRegularFile()) {
                    return FileVisitResult.CONTINUE; // symbolic links (not followed), devices, sockets
                }
                Path relative = root.relativize(file);
                boolean any = false;
                for (int i = 0; i < matchers.size(); i++) {
                    if (matchesAny(matchers.get(i), relative)) {
                        matched[i] = true;
                        any = true;
                    }
                }
                if (any) {
                    found.add(new Artifact(slashed(relative), attributes.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // The build may still be deleting files, or have left a directory unreadable.
                if (e instanceof NoSuchFileException || e instanceof AccessDeniedException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
        found.sort(Comparator.comparing(Artifact::path));
        var kept = new ArrayList<Artifact>();
        long keptBytes = 0;
        int omitted = 0;
        long omittedBytes = 0;
        for (Artifact artifact : found) {
            if (kept.size() < limits.maxFiles() && artifact.size() <= limits.maxTotalBytes() - keptBytes) {
                kept.add(artifact);
                keptBytes += artifact.size();
            } else {
                omitted++;
                omittedBytes += artifact.size();
            }
        }
        var unmatched = new ArrayList<String>();
        for (int i = 0; i < globs.size(); i++) {
            if (!matched[i]) {
                unmatched.add(globs.get(i));
            }
        }
        return new Artifacts(kept, omitted, omittedBytes, unmatched);
    }

    /**
     * Refuses a glob the collector would not accept, with the reason as message.
     *
     * @throws IllegalArgumentException when the glob is blank, absolute, has a {@code ..}
     *     component or is not a valid glob
     */
    static void checkGlob(String glob) {
        matchers(glob);
    }

    private static List<PathMatcher> matchers(String glob) {
        if (glob == null || glob.isBlank()) {
            throw new IllegalArgumentException("a glob is empty");
        }
        if (glob.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the glob '" + glob.replace('\0', '?') + "' holds a NUL character");
        }
        if (glob.startsWith("/")) {
            throw new IllegalArgumentException("the glob '" + glob + "' must be relative to the repository root");
        }
        for (String part : glob.split("/")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("the glob '" + glob + "' must not contain '..'");
            }
        }
        String[] pieces = glob.split("\\*\\*/", -1);
        int optional = pieces.length - 1;
        if (optional > MAX_ANY_DIRECTORIES) {
            throw new IllegalArgumentException("the glob '" + glob + "' has more than " + MAX_ANY_DIRECTORIES
                    + " '**/'");
        }
        // Java's "**/" needs at least one directory; each may also stand for none, so try both.
        Set<String> variants = new LinkedHashSet<>();
        for (int mask = 0; mask < 1 << optional; mask++) {
            var variant = new StringBuilder(pieces[0]);
            for (int i = 1; i < pieces.length; i++) {
                variant.append((mask & 1 << (i - 1)) == 0 ? ANY_DIRECTORIES : "").append(pieces[i]);
            }
            variants.add(variant.toString());
        }
        var matchers = new ArrayList<PathMatcher>();
        for (String variant : variants) {
            try {
                matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("the glob '" + glob + "' is not valid: " + e.getDescription());
            }
        }
        return matchers;
    }

    private static boolean matchesAny(List<PathMatcher> matchers, Path relative) {
        for (PathMatcher matcher : matchers) {
            if (matcher.matches(relative)) {
                return true;
            }
        }
        return false;
    }

    private static String slashed(Path relative) {
        var joined = new StringBuilder();
        for (Path name : relative) {
            if (!joined.isEmpty()) {
                joined.append('/');
            }
            joined.append(name);
        }
        return joined.toString();
    }
}
