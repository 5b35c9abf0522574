package dev.offstage.ci.runner;

import static dev.offstage.ci.TarballBuilder.TOP;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.TarballBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TarballExtractorTest {

    @TempDir
    Path temp;

    private final TarballExtractor extractor = new TarballExtractor(TarballExtractor.Limits.defaults());
    private int extractions;

    /** The directory of the latest extraction (each extraction gets a fresh one). */
    private Path destination() {
        return temp.resolve("source" + extractions);
    }

    private Path extract(TarballBuilder tarball) throws Exception {
        return extractor.extract(tarball.stream(), destination());
    }

    private void assertRejected(TarballBuilder tarball, String... messageParts) {
        extractions++;
        assertThatThrownBy(() -> extract(tarball))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void githubTarballExtractsToTheSourceRootWithoutItsTopLevelDirectory() throws Exception {
        String longDirectory = "a-directory-with-a-name-well-beyond-the-hundred-characters-ustar-keeps-in-its-name-field-"
                + "x".repeat(40);
        var tarball = TarballBuilder.github()
                .file(TOP + "README.md", "# hello\n")
                .dir(TOP + "src/main/java/dev")
                .file(TOP + "src/main/java/dev/Hello.java", "class Hello {}\n")
                .file(TOP + "build.sh", "#!/bin/sh\necho built\n".getBytes(UTF_8), 0100775)
                .symlink(TOP + "docs-link", "src/main")
                .symlink(TOP + "src/main/java/readme", "../../../README.md")
                .dir(TOP + "données/日本語")
                .file(TOP + "données/日本語/größe.txt", "ünïcödé")
                .dir(TOP + longDirectory)
                .file(TOP + longDirectory + "/" + "f".repeat(150) + ".txt", "long");

        Path root = extract(tarball);

        assertThat(root).isEqualTo(destination().toAbsolutePath());
        try (Stream<Path> top = Files.list(root)) {
            assertThat(top.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("README.md", "src", "build.sh", "docs-link", "données", longDirectory);
        }
        assertThat(root.resolve("src/main/java/dev/Hello.java")).hasContent("class Hello {}");
        assertThat(root.resolve("données/日本語/größe.txt")).hasContent("ünïcödé");
        assertThat(root.resolve(longDirectory + "/" + "f".repeat(150) + ".txt")).hasContent("long");
        assertThat(Files.getPosixFilePermissions(root.resolve("build.sh")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(Files.getPosixFilePermissions(root.resolve("README.md")))
                .isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Files.readSymbolicLink(root.resolve("docs-link"))).isEqualTo(Path.of("src/main"));
        assertThat(root.resolve("src/main/java/readme")).hasContent("# hello");
        assertThat(root.resolve("pax_global_header")).doesNotExist();
    }

    @Test
    void fileKeepsItsModificationTime() throws Exception {
        var entry = new TarArchiveEntry(TOP + "old.txt", TarConstants.LF_NORMAL, true);
        entry.setModTime(new Date(1_700_000_000_000L));
        entry.setSize(1);
        Path root = extract(TarballBuilder.github().entry(entry, new byte[] {'x'}));

        assertThat(Files.getLastModifiedTime(root.resolve("old.txt"))).isEqualTo(FileTime.fromMillis(1_700_000_000_000L));
    }

    @Test
    void setIdAndGroupWritableBitsAreDropped() throws Exception {
        Path root = extract(TarballBuilder.github().file(TOP + "tool", "x".getBytes(UTF_8), 0106777));

        assertThat(Files.getPosixFilePermissions(root.resolve("tool")))
                .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void directoriesImpliedByTheirFilesAreCreated() throws Exception {
        Path root = extract(TarballBuilder.empty().file(TOP + "a/b/c.txt", "c").dir(TOP + "a"));

        assertThat(root.resolve("a/b/c.txt")).hasContent("c");
    }

    @Test
    void oldStyleDirectoryEntryIsADirectory() throws Exception {
        Path root = extract(TarballBuilder.github().file(TOP + "old/", new byte[0], 040755).file(TOP + "old/f", "f"));

        assertThat(root.resolve("old")).isDirectory();
    }

    @Test
    void symlinkClimbingWithinTheTreeIsKept() throws Exception {
        Path root = extract(TarballBuilder.github()
                .file(TOP + "top.txt", "top")
                .symlink(TOP + "a/b/link", "../../top.txt"));

        assertThat(root.resolve("a/b/link")).hasContent("top");
    }

    @Test
    void hardLinkToAFileExtractedBeforeIsKept() throws Exception {
        Path root = extract(TarballBuilder.github()
                .file(TOP + "original.txt", "same")
                .hardLink(TOP + "copy.txt", TOP + "original.txt"));

        assertThat(root.resolve("copy.txt")).hasContent("same");
        assertThat(Files.isSameFile(root.resolve("copy.txt"), root.resolve("original.txt"))).isTrue();
    }

    @Test
    void repeatedDirectoryEntryIsAccepted() throws Exception {
        Path root = extract(TarballBuilder.github().dir(TOP + "src").file(TOP + "src/a", "a").dir(TOP + "src"));

        assertThat(root.resolve("src/a")).hasContent("a");
    }

    @Test
    void entryEscapingTheTreeIsRejected() {
        assertRejected(TarballBuilder.github().file(TOP + "a/../../../etc/cron.d/evil", "x"), "'..'", "etc/cron.d/evil");
        assertThat(temp.resolve("etc")).doesNotExist();
    }

    @Test
    void entryWithDotDotInsideTheTreeIsRejectedToo() {
        // Harmless here, but GitHub never writes one: refusing all '..' keeps the rule simple.
        assertRejected(TarballBuilder.github().file(TOP + "a/../b", "x"), "'..'");
    }

    @Test
    void absoluteEntryIsRejected() {
        assertRejected(TarballBuilder.empty().file("/tmp/evil", "x"), "absolute", "/tmp/evil");
    }

    @Test
    void symlinkToAnAbsolutePathIsRejected() {
        assertRejected(TarballBuilder.github().symlink(TOP + "etc", "/etc"), "'" + TOP + "etc' -> '/etc'", "absolute");
    }

    @Test
    void symlinkResolvingOutsideTheTreeIsRejected() {
        assertRejected(TarballBuilder.github().symlink(TOP + "a/out", "../../x"), "points outside the tree");
        assertThat(destination().resolve("a/out")).doesNotExist();
    }

    @Test
    void symlinkToTheParentOfTheRootIsRejected() {
        assertRejected(TarballBuilder.github().symlink(TOP + "up", ".."), "points outside the tree");
    }

    @Test
    void symlinkSteppingUpThroughAnotherSymlinkIsRejected() {
        // sub/up -> .. is the root; "sub/up/.." lexically is "sub" but really the root's parent.
        assertRejected(TarballBuilder.github()
                        .symlink(TOP + "sub/up", "..")
                        .symlink(TOP + "escape", "sub/up/.."),
                "'..' after a name");
    }

    @Test
    void entryThroughAnExtractedSymlinkIsRejected() throws IOException {
        assertRejected(TarballBuilder.github()
                        .dir(TOP + "real")
                        .symlink(TOP + "link", "real")
                        .file(TOP + "link/passwd", "owned"),
                "'" + TOP + "link/passwd' goes through the symbolic link 'link'");
        try (Stream<Path> real = Files.list(destination().resolve("real"))) {
            assertThat(real).isEmpty();
        }
    }

    @Test
    void entryThroughAnExtractedFileIsRejected() {
        assertRejected(TarballBuilder.github().file(TOP + "plain", "x").file(TOP + "plain/inner", "y"),
                "goes through the file 'plain'");
    }

    @Test
    void duplicateEntryOverwritingASymlinkIsRejected() throws IOException {
        assertRejected(TarballBuilder.github()
                        .file(TOP + "target.txt", "original")
                        .symlink(TOP + "link", "target.txt")
                        .file(TOP + "link", "overwritten"),
                "duplicate", "symbolic link");
        assertThat(destination().resolve("target.txt")).hasContent("original");
    }

    @Test
    void duplicateFileIsRejected() {
        assertRejected(TarballBuilder.github().file(TOP + "a", "1").file(TOP + "a", "2"), "duplicate", "file");
    }

    @Test
    void directoryReplacingAFileIsRejected() {
        assertRejected(TarballBuilder.github().file(TOP + "a", "1").dir(TOP + "a"), "duplicate");
    }

    @Test
    void hardLinkOutsideTheTreeIsRejected() {
        assertRejected(TarballBuilder.github().hardLink(TOP + "passwd", "/etc/passwd"), "absolute");
        assertRejected(TarballBuilder.github().hardLink(TOP + "passwd", "other-top/passwd"), "outside the top-level");
    }

    @Test
    void hardLinkToAnEntryNotYetExtractedIsRejected() {
        assertRejected(TarballBuilder.github()
                        .hardLink(TOP + "early", TOP + "later.txt")
                        .file(TOP + "later.txt", "later"),
                "does not point to a regular file extracted before it");
    }

    @Test
    void hardLinkToADirectoryOrSymlinkIsRejected() {
        assertRejected(TarballBuilder.github().dir(TOP + "d").hardLink(TOP + "h", TOP + "d"), "regular file");
        assertRejected(TarballBuilder.github().file(TOP + "f", "f").symlink(TOP + "s", "f").hardLink(TOP + "h", TOP + "s"),
                "regular file");
    }

    @ParameterizedTest
    @ValueSource(bytes = {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO})
    void devicesAndFifosAreRejected(byte type) {
        String kind = switch (type) {
            case TarConstants.LF_CHR -> "character device";
            case TarConstants.LF_BLK -> "block device";
            default -> "FIFO";
        };
        assertRejected(TarballBuilder.github().special(TOP + "dev", type), "'" + TOP + "dev' is a " + kind);
        assertThat(destination().resolve("dev")).doesNotExist();
    }

    @Test
    void unknownEntryTypeIsRejected() {
        assertRejected(TarballBuilder.github().special(TOP + "vol", (byte) 'V'), "unsupported type 'V'");
    }

    @Test
    void secondTopLevelDirectoryIsRejected() {
        assertRejected(TarballBuilder.github().file("other-top/file", "x"), "outside the top-level directory '"
                + TOP + "'");
    }

    @Test
    void fileAtTheTopLevelIsRejected() {
        assertRejected(TarballBuilder.empty().file("README", "x"), "top-level entry 'README' is not a directory");
    }

    @Test
    void tooManyEntriesAreRejected() {
        var small = new TarballExtractor(new TarballExtractor.Limits(1 << 20, 5, 4096));
        var tarball = TarballBuilder.github();
        for (int i = 0; i < 10; i++) {
            tarball.file(TOP + "f" + i, "x");
        }

        assertThatThrownBy(() -> small.extract(tarball.stream(), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("more than 5 entries");
    }

    @Test
    void contentOverTheTotalLimitIsRejected() {
        var small = new TarballExtractor(new TarballExtractor.Limits(1000, 100, 4096));
        var tarball = TarballBuilder.github()
                .file(TOP + "a", "x".repeat(400))
                .file(TOP + "b", "x".repeat(400))
                .file(TOP + "c", "x".repeat(400));

        assertThatThrownBy(() -> small.extract(tarball.stream(), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("more than 1000 bytes")
                .hasMessageContaining(TOP + "c");
        assertThat(destination().resolve("c")).doesNotExist();
    }

    @Test
    void gzipBombStopsAtTheLimitWithoutFillingTheDisk() throws IOException {
        var small = new TarballExtractor(new TarballExtractor.Limits(1 << 20, 100, 4096));
        byte[] zeros = new byte[64 << 20]; // compresses to about 64 KiB
        byte[] bomb = TarballBuilder.github().file(TOP + "zeros", zeros, 0100644).gzipped();
        assertThat(bomb.length).isLessThan(1 << 20);

        assertThatThrownBy(() -> small.extract(new ByteArrayInputStream(bomb), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("more than 1048576 bytes");
        assertThat(diskUse(destination())).isLessThanOrEqualTo(1 << 20);
    }

    @Test
    void oversizedHeaderStopsAtTheStreamLimit() {
        var small = new TarballExtractor(new TarballExtractor.Limits(1024, 10, 100));
        var tarball = TarballBuilder.github()
                .fileWithPaxHeaders(TOP + "f", "x", Map.of("offstage.padding", "p".repeat(1 << 20)));

        assertThatThrownBy(() -> small.extract(tarball.stream(), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("decompresses to more than");
    }

    @Test
    void nameLongerThanTheLimitIsRejected() {
        var small = new TarballExtractor(new TarballExtractor.Limits(1 << 20, 100, 200));

        assertThatThrownBy(() -> small.extract(TarballBuilder.github().file(TOP + "n".repeat(250), "x").stream(),
                        destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("longer than 200 characters");
    }

    @Test
    void nameComponentLongerThanTheFileSystemAllowsIsRejected() {
        assertRejected(TarballBuilder.github().file(TOP + "é".repeat(128), "x"), "component longer than 255 bytes");
    }

    @Test
    void streamThatIsNotGzipIsRejected() {
        assertThatThrownBy(() -> extractor.extract(
                        new ByteArrayInputStream("<html>rate limited</html>".getBytes(UTF_8)), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("not a gzip stream");
    }

    @Test
    void tarballWithNoEntriesIsRejected() {
        assertRejected(TarballBuilder.empty(), "no entries");
    }

    @Test
    void truncatedDownloadIsAnIoFailureToRetry() {
        byte[] whole = TarballBuilder.github().file(TOP + "big", new byte[100_000], 0100644).gzipped();
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(truncated), destination()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void destinationThatIsNotEmptyIsRefused() throws IOException {
        Files.createDirectories(destination());
        Files.writeString(destination().resolve("left-over"), "x");

        assertThatThrownBy(() -> extract(TarballBuilder.github()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void destinationThatIsASymlinkIsRefused() throws IOException {
        Files.createDirectories(temp.resolve("elsewhere"));
        Files.createSymbolicLink(destination(), temp.resolve("elsewhere"));

        assertThatThrownBy(() -> extract(TarballBuilder.github()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new TarballExtractor.Limits(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TarballExtractor.Limits(1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TarballExtractor.Limits(1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static long diskUse(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
