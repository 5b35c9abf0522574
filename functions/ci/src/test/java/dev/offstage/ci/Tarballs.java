package dev.offstage.ci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Tarballs shaped like GitHub's ({@code GET /repos/{owner}/{repo}/tarball/{sha}}): gzipped tar,
 * a pax global header carrying the commit id, everything under one {@code owner-repo-sha7/} directory.
 */
public final class Tarballs {

    /** The fixture repository the CI tests build. */
    public static final Path HELLO = Path.of("functions/ci/src/test/resources/repos/hello");

    private Tarballs() {}

    /** The repository's files (path → content), executable bits kept in {@link #githubTarball}. */
    public static Map<String, String> files(Path repository) {
        var files = new LinkedHashMap<String, String>();
        try (Stream<Path> paths = Files.walk(repository)) {
            for (var path : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.put(repository.relativize(path).toString().replace('\\', '/'), Files.readString(path));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** GitHub's tarball of {@code files} at {@code sha}; {@code .sh} files are executable. */
    public static byte[] githubTarball(String repository, String sha, Map<String, String> files) {
        var top = repository.replace('/', '-') + "-" + sha.substring(0, 7) + "/";
        var tarball = TarballBuilder.github(repository, sha);
        files.forEach((name, content) -> tarball.file(top + name, content.getBytes(StandardCharsets.UTF_8),
                name.endsWith(".sh") ? 0100755 : 0100644));
        return tarball.gzipped();
    }

    /** The fixture repository with some files replaced or added. */
    public static byte[] hello(String sha, Map<String, String> changes) {
        var files = files(HELLO);
        files.putAll(changes);
        return githubTarball("octo-org/hello-offstage", sha, files);
    }
}
