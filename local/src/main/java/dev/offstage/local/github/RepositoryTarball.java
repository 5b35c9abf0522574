package dev.offstage.local.github;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A folder packed the way GitHub's tarball API packs a commit ({@code GET
 * /repos/{owner}/{repo}/tarball/{sha}}): gzipped tar, a pax global header whose {@code comment}
 * is the commit id, and every file under one top-level directory {@code owner-repo-sha7/}.
 * Regular files only, in name order; executable files keep mode 755, the others get 644.
 */
final class RepositoryTarball {

    private RepositoryTarball() {}

    /** GitHub's top-level directory of {@code owner/name} at {@code sha}: {@code owner-name-sha7/}. */
    static String topDirectory(String owner, String name, String sha) {
        return owner + "-" + name + "-" + sha.substring(0, Math.min(7, sha.length())) + "/";
    }

    /**
     * The gzipped tarball of {@code folder}'s files as commit {@code sha} of {@code owner/name}.
     *
     * @throws UncheckedIOException when the folder cannot be read
     */
    static byte[] of(Path folder, String owner, String name, String sha) {
        Objects.requireNonNull(folder, "folder");
        var top = topDirectory(owner, name, sha);
        var bytes = new ByteArrayOutputStream();
        try (var tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes), UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            var header = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, true);
            header.addPaxHeader("comment", sha);
            tar.putArchiveEntry(header); // writes the header's records and closes the entry itself
            var directory = new TarArchiveEntry(top, TarConstants.LF_DIR, true);
            directory.setMode(040775);
            tar.putArchiveEntry(directory);
            tar.closeArchiveEntry();
            for (var file : files(folder)) {
                var content = Files.readAllBytes(file);
                var entry = new TarArchiveEntry(top + folder.relativize(file).toString().replace('\\', '/'),
                        TarConstants.LF_NORMAL, true);
                entry.setMode(Files.isExecutable(file) ? 0100755 : 0100644);
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot pack " + folder + " as a tarball", e);
        }
        return bytes.toByteArray();
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
