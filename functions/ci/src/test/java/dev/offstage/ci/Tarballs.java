package dev.offstage.ci;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

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
    public static byte[] githubTarball(String repositoryName, String sha, Map<String, String> files) {
        var top = repositoryName.replace('/', '-') + "-" + sha.substring(0, 7) + "/";
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes), StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            // As git archive writes it: "52 comment=<sha>\n" (the length counts itself).
            var comment = ("52 comment=" + sha + "\n").getBytes(StandardCharsets.US_ASCII);
            var global = new TarArchiveEntry("pax_global_header", TarArchiveEntry.LF_PAX_GLOBAL_EXTENDED_HEADER);
            global.setSize(comment.length);
            tar.putArchiveEntry(global);
            tar.write(comment);
            tar.closeArchiveEntry();
            var directory = new TarArchiveEntry(top);
            tar.putArchiveEntry(directory);
            tar.closeArchiveEntry();
            for (var file : files.entrySet()) {
                var content = file.getValue().getBytes(StandardCharsets.UTF_8);
                var entry = new TarArchiveEntry(top + file.getKey());
                entry.setSize(content.length);
                entry.setMode(file.getKey().endsWith(".sh") ? 0100755 : 0100644);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The fixture repository with some files replaced or added. */
    public static byte[] hello(String sha, Map<String, String> changes) {
        var files = files(HELLO);
        files.putAll(changes);
        return githubTarball("octo-org/hello-offstage", sha, files);
    }
}
