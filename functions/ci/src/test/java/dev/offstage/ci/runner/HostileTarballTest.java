package dev.offstage.ci.runner;

import static dev.offstage.ci.TarballBuilder.TOP;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offstage.ci.GeneratedTarball;
import dev.offstage.ci.TarballBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of tarballs made to hurt, each extracted with small limits into a fresh directory:
 * every one ends in an {@link UnsafeArchiveException} naming what is wrong (which the runner
 * turns into an ERROR build with that reason), writes nothing outside the destination and no
 * more than the content limit inside it, and reads no further into the stream than the limits
 * need. Bounded by bytes and entries, never by time.
 */
class HostileTarballTest {

    /** Small limits, so that each case shows where the bound is. */
    private static final TarballExtractor.Limits LIMITS = new TarballExtractor.Limits(1 << 20, 1000, 4096);
    private static final TarballExtractor EXTRACTOR = new TarballExtractor(LIMITS);

    @TempDir
    Path temp;

    private Path destination() {
        return temp.resolve("source");
    }

    /** A case: what it is, the tarball (given the test's temporary directory) and what the refusal must say. */
    private static Arguments hostile(String what, Function<Path, byte[]> tarball, String... reason) {
        return Arguments.of(what, tarball, reason);
    }

    /** Built when the case runs, so that its cost shows as its own. */
    private static Function<Path, byte[]> fixed(Supplier<TarballBuilder> tarball) {
        return temp -> tarball.get().gzipped();
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                hostile("'..' climbing out of the tree", fixed(() -> TarballBuilder.github().file(TOP + "../../../escaped", "x")),
                        "'..' component"),
                hostile("'./../' before the top-level directory", fixed(() -> TarballBuilder.github().file("./../escaped", "x")),
                        "'..' component"),
                hostile("'./../' inside the tree", fixed(() -> TarballBuilder.github().file(TOP + "./../escaped", "x")),
                        "'..' component"),
                hostile("an absolute name", temp -> TarballBuilder.empty()
                                .file(temp.resolve("absolute-escape").toString(), "x").gzipped(),
                        "is an absolute path"),
                hostile("a symbolic link out of the tree, then a file through it", fixed(() -> TarballBuilder.github()
                                .symlink(TOP + "out", "../../..").file(TOP + "out/escaped", "x")),
                        "-> '../../..'", "points outside the tree"),
                hostile("a symbolic link to an absolute path, then a file through it", temp -> TarballBuilder.github()
                                .symlink(TOP + "out", temp.toString()).file(TOP + "out/escaped", "x").gzipped(),
                        "has an absolute target"),
                hostile("a file through a symbolic link inside the tree", fixed(() -> TarballBuilder.github()
                                .dir(TOP + "real").symlink(TOP + "link", "real").file(TOP + "link/escaped", "x")),
                        "goes through the symbolic link 'link'"),
                hostile("a file through a symbolic link loop", fixed(() -> TarballBuilder.github()
                                .symlink(TOP + "a", "b").symlink(TOP + "b", "a").file(TOP + "a/escaped", "x")),
                        "goes through the symbolic link 'a'"),
                hostile("a hard link to an absolute path", fixed(() -> TarballBuilder.github().hardLink(TOP + "passwd", "/etc/passwd")),
                        "absolute path"),
                hostile("a hard link climbing out of the tree", fixed(() -> TarballBuilder.github()
                                .hardLink(TOP + "passwd", TOP + "../../../etc/passwd")),
                        "'..' component"),
                hostile("a character device", fixed(() -> TarballBuilder.github().special(TOP + "null", TarConstants.LF_CHR)),
                        "is a character device"),
                hostile("a block device", fixed(() -> TarballBuilder.github().special(TOP + "sda", TarConstants.LF_BLK)),
                        "is a block device"),
                hostile("a FIFO", fixed(() -> TarballBuilder.github().special(TOP + "pipe", TarConstants.LF_FIFO)),
                        "is a FIFO"),
                hostile("a header declaring 8 GiB with nothing behind it", temp -> declaringEightGibibytes(),
                        "more than 1048576 bytes of content", "huge"),
                hostile("an entry cut short in a whole gzip stream", temp -> cutShortInsideTheGzip(),
                        "not a valid tar archive"),
                hostile("a header with a broken checksum", temp -> brokenChecksum(),
                        "not a valid tar archive"),
                hostile("64 MiB of zeros in 64 KiB of gzip", fixed(() -> TarballBuilder.github()
                                .file(TOP + "zeros-1", new byte[32 << 20], 0100644).file(TOP + "zeros-2", new byte[32 << 20], 0100644)),
                        "more than 1048576 bytes"),
                hostile("a 16 MiB pax header", fixed(() -> TarballBuilder.github()
                                .fileWithPaxHeaders(TOP + "f", "x", Map.of("offstage.padding", "p".repeat(16 << 20)))),
                        "decompresses to more than"),
                hostile("a 10 000-character name in a pax header", fixed(() -> TarballBuilder.github()
                                .file(TOP + "n/".repeat(5_000) + "f", "x")),
                        "is longer than 4096 characters"),
                hostile("a 10 000-character name in a GNU long-name entry", fixed(() -> TarballBuilder.github().gnuLongNames()
                                .file(TOP + "n/".repeat(5_000) + "f", "x")),
                        "is longer than 4096 characters"),
                hostile("a duplicate file", fixed(() -> TarballBuilder.github().file(TOP + "a", "1").file(TOP + "a", "2")),
                        "is a duplicate"),
                hostile("a file replacing a symbolic link", fixed(() -> TarballBuilder.github()
                                .file(TOP + "target", "t").symlink(TOP + "a", "target").file(TOP + "a", "2")),
                        "is a duplicate", "symbolic link"),
                hostile("a body that is HTML, not gzip", temp -> "<html>rate limited</html>".getBytes(UTF_8),
                        "not a gzip stream"),
                hostile("a body that is a zip archive", temp -> new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0},
                        "not a gzip stream"),
                hostile("a gzipped text file", temp -> TarballBuilder.gzip("just some text\n".repeat(100).getBytes(UTF_8)),
                        "not a valid tar archive"),
                hostile("no top-level directory", fixed(() -> TarballBuilder.empty().file("README.md", "x")),
                        "top-level entry 'README.md' is not a directory"),
                hostile("'./' as the top-level directory", fixed(() -> TarballBuilder.empty().dir("./").file("./README.md", "x")),
                        "'./' names no file"),
                hostile("two top-level directories", fixed(() -> TarballBuilder.github().file("other-top/README.md", "x")),
                        "outside the top-level directory"),
                hostile("no entries at all", fixed(() -> TarballBuilder.empty()), "has no entries"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileTarballIsRefusedWithAReasonAndWritesNothingOutside(String what, Function<Path, byte[]> tarball,
            String[] reason) throws IOException {
        byte[] bytes = tarball.apply(temp);

        assertThatThrownBy(() -> EXTRACTOR.extract(new ByteArrayInputStream(bytes), destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContainingAll(reason);

        assertOnlyTheDestinationWasWritten();
        assertThat(temp.resolve("absolute-escape")).doesNotExist();
    }

    @Test
    void millionsOfEmptyFilesStopAtTheEntryLimit() throws IOException {
        var tarball = new GeneratedTarball(5_000_000, 0);

        assertThatThrownBy(() -> EXTRACTOR.extract(tarball, destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("more than 1000 entries");

        // Read as far as the limit and the buffers between: not the 5 million entries.
        assertThat(tarball.entriesMade()).isLessThan(100_000);
        try (Stream<Path> files = Files.walk(destination())) {
            assertThat(files.count()).isLessThanOrEqualTo(LIMITS.maxEntries());
        }
        assertOnlyTheDestinationWasWritten();
    }

    @Test
    void gigabytesOfZerosStopAtTheContentLimit() throws IOException {
        var tarball = new GeneratedTarball(32 * 1024, 256 * 1024); // 8 GiB of content, 8 MiB compressed

        assertThatThrownBy(() -> EXTRACTOR.extract(tarball, destination()))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("more than 1048576 bytes of content");

        assertThat(tarball.entriesMade()).isLessThan(256); // of 32 768
        assertThat(tarball.compressedBytesRead()).isLessThan(1 << 20);
        assertOnlyTheDestinationWasWritten();
    }

    @Test
    void manyFilesJustUnderTheLimitsAreExtracted() throws Exception {
        // The limits bound hostile archives without refusing one that is merely large.
        var tarball = new GeneratedTarball(900, 1024);

        Path root = EXTRACTOR.extract(tarball, destination());

        assertThat(Files.size(root.resolve("f899"))).isEqualTo(1024);
        assertThat(contentBytes(temp)).isEqualTo(900 * 1024);
    }

    @Test
    void windowsSeparatorsAreOnlyCharactersOfOneNameInsideTheTree() throws Exception {
        // On Linux '\' separates nothing: the entry is one file, named with backslashes, in the root.
        Path root = EXTRACTOR.extract(TarballBuilder.github()
                .file(TOP + "..\\..\\escaped.txt", "x")
                .file(TOP + "C:\\Windows\\evil.dll", "y").stream(), destination());

        try (Stream<Path> top = Files.list(root)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("..\\..\\escaped.txt",
                    "C:\\Windows\\evil.dll");
        }
        assertOnlyTheDestinationWasWritten();
    }

    @Test
    void trailingGarbageAfterTheGzipStreamIsIgnored() throws Exception {
        byte[] whole = TarballBuilder.github().file(TOP + "README.md", "# hello\n").gzipped();
        byte[] garbage = new byte[4096];
        new Random(9).nextBytes(garbage);
        byte[] bytes = Arrays.copyOf(whole, whole.length + garbage.length);
        System.arraycopy(garbage, 0, bytes, whole.length, garbage.length);

        Path root = EXTRACTOR.extract(new ByteArrayInputStream(bytes), destination());

        assertThat(root.resolve("README.md")).hasContent("# hello");
        try (Stream<Path> top = Files.list(root)) {
            assertThat(top).hasSize(1);
        }
    }

    @Test
    void setIdBitsAreDroppedNotRefused() throws Exception {
        Path root = EXTRACTOR.extract(TarballBuilder.github().file(TOP + "tool", "x".getBytes(UTF_8), 06755).stream(),
                destination());

        assertThat(Files.getPosixFilePermissions(root.resolve("tool")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void symlinkLoopIsExtractedButABuildConfigThroughItIsRefused() throws Exception {
        Path root = EXTRACTOR.extract(TarballBuilder.github()
                .symlink(TOP + ".offstage-ci.yml", "loop")
                .symlink(TOP + "loop", ".offstage-ci.yml").stream(), destination());

        assertThat(Files.isSymbolicLink(root.resolve("loop"))).isTrue();
        assertThatThrownBy(() -> BuildConfig.read(root))
                .isInstanceOf(InvalidBuildConfigException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void gzipCutShortIsAnIoFailureSayingSoAndRetryable() {
        byte[] whole = TarballBuilder.github().file(TOP + "big", randomBytes(200_000), 0100644).gzipped();

        assertThatThrownBy(() -> EXTRACTOR.extract(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)),
                        destination()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cut short or corrupt");
        assertThatThrownBy(() -> EXTRACTOR.extract(InputStream.nullInputStream(), temp.resolve("empty")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("empty or cut short");
    }

    /** A pax-less ustar header whose size field says 8 GiB - 1, and the archive ending there. */
    private static byte[] declaringEightGibibytes() {
        byte[] start = TarballBuilder.github().tar();
        int end = endOfEntries(start);
        var entry = new TarArchiveEntry(TOP + "huge", TarConstants.LF_NORMAL, true);
        entry.setSize((8L << 30) - 1);
        byte[] header = new byte[512];
        entry.writeEntryHeader(header);
        // Just the header: the stream ends where the content would begin.
        byte[] tar = Arrays.copyOf(start, end + 512);
        System.arraycopy(header, 0, tar, end, 512);
        return TarballBuilder.gzip(tar);
    }

    /** A file of 100 KiB whose tar is cut at 50 KiB, then gzipped whole: the bytes GitHub would serve, every time. */
    private static byte[] cutShortInsideTheGzip() {
        byte[] tar = TarballBuilder.github().file(TOP + "big", randomBytes(100_000), 0100644).tar();
        int content = endOfEntries(TarballBuilder.github().tar()) + 512;
        return TarballBuilder.gzip(Arrays.copyOf(tar, content + 50_000));
    }

    /** The second file's header with one byte of its name changed after the checksum was computed. */
    private static byte[] brokenChecksum() {
        byte[] tar = TarballBuilder.github().file(TOP + "a", "a").file(TOP + "b", "b").tar();
        int at = indexOf(tar, (TOP + "b").getBytes(UTF_8));
        tar[at + TOP.length()] = 'c';
        return TarballBuilder.gzip(tar);
    }

    /** Where the archive's end (its first all-zero block) begins. */
    private static int endOfEntries(byte[] tar) {
        for (int at = 0; at + 512 <= tar.length; at += 512) {
            if (Arrays.equals(tar, at, at + 512, new byte[512], 0, 512)) {
                return at;
            }
        }
        throw new IllegalStateException("no end block");
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new IllegalStateException("pattern not found");
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** Nothing but the destination in the temporary directory, holding at most the content limit. */
    private void assertOnlyTheDestinationWasWritten() throws IOException {
        try (Stream<Path> top = Files.list(temp)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsOnly("source");
        }
        assertThat(contentBytes(temp)).isLessThanOrEqualTo(LIMITS.maxTotalBytes());
    }

    /** Bytes in regular files under {@code directory}, links not followed. */
    private static long contentBytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
