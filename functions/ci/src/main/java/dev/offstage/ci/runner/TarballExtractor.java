package dev.offstage.ci.runner;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Extracts a GitHub source tarball ({@code GET /repos/{owner}/{repo}/tarball/{ref}}: gzipped tar
 * with pax headers, a pax global header carrying the commit id, and every entry under one
 * top-level directory {@code owner-repo-shortsha/}) into a new directory, dropping that top-level
 * directory: the destination becomes the source root.
 *
 * <p>The tarball is hostile input. Extraction never follows a link while writing, and refuses
 * with an {@link UnsafeArchiveException} (naming the entry) any archive with:
 * <ul>
 *   <li>an absolute name, a {@code ..} component, or an entry outside the single top-level directory;</li>
 *   <li>a symbolic link whose target is absolute or leads outside the tree, or whose target has
 *       {@code ..} after a name ({@code a/../b}: the kernel would resolve {@code a} first, and it
 *       may itself be a link, so only leading {@code ..} components are accepted);</li>
 *   <li>a hard link to anything but a regular file extracted before it;</li>
 *   <li>an entry whose parent path goes through a symbolic link or a file extracted before it
 *       (the {@code link -> /etc}, {@code link/passwd} trick);</li>
 *   <li>a duplicate entry (tar would let it replace what came before, a symbolic link included);</li>
 *   <li>character or block devices, FIFOs, sparse files or other entry types;</li>
 *   <li>a header failing its checksum, or the tar stream ending inside an entry;</li>
 *   <li>more than {@link Limits#maxEntries()} entries, more than {@link Limits#maxTotalBytes()}
 *       bytes of file content (counted while writing, so a lying header or a gzip bomb stops at
 *       the limit), or a name longer than {@link Limits#maxPathLength()} characters.</li>
 * </ul>
 * Pax global headers (GitHub's {@code comment=<commit id>}) are skipped. Regular files keep the
 * owner's executable bit (as {@code rwxr-xr-x}, else {@code rw-r--r--}: no set-id, no
 * group/world write) and their modification time; directory modes are ignored so that the tree
 * stays writable and deletable.
 *
 * <p>Assumes the destination is private to this extraction while it runs (a fresh directory in
 * {@code /tmp}): what it has created is tracked in memory and is what decides whether a path is
 * safe to write through. Thread-safe: instances hold only their limits.
 */
public final class TarballExtractor {

    /** Linux's NAME_MAX: a longer component fails at the file system, so it is refused up front. */
    private static final int MAX_NAME_COMPONENT_BYTES = 255;
    /**
     * Tar stream bytes allowed per entry beyond file content: its 512-byte header, up to 511 bytes
     * of padding, a pax header block and records. Bounds the decompressed stream as a whole, so a
     * gzip bomb hidden in headers (which commons-compress reads into memory) stops too.
     */
    private static final int HEADER_ALLOWANCE_PER_ENTRY = 2048;
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Limits limits;

    /**
     * What one extraction may take.
     *
     * @param maxTotalBytes the most bytes of file content, all files together
     * @param maxEntries the most tar entries, headers and directories included
     * @param maxPathLength the longest entry or link name, in characters
     */
    public record Limits(long maxTotalBytes, int maxEntries, int maxPathLength) {

        /** @throws IllegalArgumentException when a limit is not positive */
        public Limits {
            if (maxTotalBytes < 1) {
                throw new IllegalArgumentException("maxTotalBytes must be positive, was " + maxTotalBytes);
            }
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be positive, was " + maxEntries);
            }
            if (maxPathLength < 1) {
                throw new IllegalArgumentException("maxPathLength must be positive, was " + maxPathLength);
            }
        }

        /**
         * 1 GiB of content, 100 000 entries, 4096-character names (Linux's PATH_MAX): room for a
         * large repository, with space left in Lambda's {@code /tmp} (up to 10 GiB) for the build.
         */
        public static Limits defaults() {
            return new Limits(1L << 30, 100_000, 4096);
        }
    }

    public TarballExtractor(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Extracts {@code tarball} into {@code destination} and returns the source root, which is
     * {@code destination} as an absolute path: the tarball's top-level directory is dropped.
     * Reads the stream to the end of the archive and closes it.
     *
     * @param destination a directory that does not exist yet (its parent must) or is empty
     * @throws UnsafeArchiveException when the archive is not a gzip stream, is a whole gzip stream
     *     holding no valid tar (a corrupt header, an entry cut short), has no entries, or breaks a
     *     rule above: permanent, the same commit gives the same bytes. The destination may then
     *     hold part of it and must be deleted
     * @throws IOException when the gzip stream is cut short or damaged (a truncated download) or
     *     writing the tree fails; possibly transient
     * @throws IllegalArgumentException when {@code destination} exists and is not an empty directory
     */
    public Path extract(InputStream tarball, Path destination) throws IOException, UnsafeArchiveException {
        Objects.requireNonNull(tarball, "tarball");
        Path root = prepare(destination);
        GZIPInputStream gzip;
        try {
            gzip = new GZIPInputStream(tarball, BUFFER_SIZE);
        } catch (ZipException e) {
            tarball.close();
            throw new UnsafeArchiveException("The tarball is not a gzip stream: " + e.getMessage(), e);
        } catch (EOFException e) {
            tarball.close();
            throw new IOException("The tarball is empty or cut short before its gzip header", e);
        }
        long streamLimit = limits.maxTotalBytes()
                + (long) limits.maxEntries() * (HEADER_ALLOWANCE_PER_ENTRY + 2L * limits.maxPathLength());
        var extraction = new Extraction(root);
        try (var tar = new TarArchiveInputStream(new LimitedStream(new GzipLayer(gzip), streamLimit), UTF_8.name())) {
            var content = new TarLayer(tar);
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar)) != null) {
                extraction.add(entry, content);
            }
        } catch (IOException e) {
            if (causedBy(e, StreamTooLong.class) != null) {
                throw new UnsafeArchiveException("The tarball decompresses to more than " + streamLimit
                        + " bytes of tar stream (limit " + limits.maxTotalBytes() + " bytes of content)", e);
            }
            var gzipFailure = causedBy(e, GzipFailure.class);
            if (gzipFailure != null) {
                // A download cut short or damaged on its way: fetching it again may well work.
                throw new IOException("The tarball is cut short or corrupt (gzip: " + gzipFailure.getMessage()
                        + ")", gzipFailure.getCause());
            }
            if (e instanceof TarFailure) {
                // The gzip stream was whole, so these are the bytes GitHub serves for this commit: permanent.
                throw new UnsafeArchiveException("The tarball is not a valid tar archive: " + e.getMessage(), e);
            }
            throw e; // writing the tree failed: the file system's trouble, not the archive's
        }
        if (extraction.topLevel == null) {
            throw new UnsafeArchiveException("The tarball has no entries");
        }
        return root;
    }

    /** The first {@code type} in the cause chain, or null: commons-compress may wrap what the layers below threw. */
    private static <T extends Throwable> T causedBy(Throwable e, Class<T> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar) throws IOException, UnsafeArchiveException {
        try {
            TarArchiveEntry entry = tar.getNextEntry();
            // commons-compress notes a wrong checksum and reads on; tar itself refuses the header.
            if (entry != null && !entry.isCheckSumOK()) {
                throw new UnsafeArchiveException("The tarball is not a valid tar archive: the header of '"
                        + entry.getName() + "' fails its checksum");
            }
            return entry;
        } catch (TarFailure | GzipFailure | StreamTooLong e) {
            throw e;
        } catch (IOException e) {
            throw new TarFailure(e);
        } catch (IllegalArgumentException e) {
            // commons-compress reports some malformed header fields this way; no retry fixes them.
            throw new UnsafeArchiveException("The tarball has a malformed header: " + e.getMessage(), e);
        }
    }

    private static Path prepare(Path destination) throws IOException {
        Path root = destination.toAbsolutePath().normalize();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return Files.createDirectory(root);
        }
        var attributes = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IllegalArgumentException("The destination " + root + " exists and is not a directory");
        }
        try (var children = Files.list(root)) {
            if (children.findAny().isPresent()) {
                throw new IllegalArgumentException("The destination " + root + " is not empty");
            }
        }
        return root;
    }

    private enum Kind {
        DIRECTORY("directory"), FILE("file"), SYMLINK("symbolic link");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    /** The state of one extraction: what has been written where, and how much. */
    private final class Extraction {
        private final Path root;
        /** Every path created so far, relative to the root with '/' separators. */
        private final Map<String, Kind> created = new HashMap<>();
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private final boolean posix;
        private String topLevel;
        private int entries;
        private long bytes;

        Extraction(Path root) {
            this.root = root;
            this.posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
        }

        void add(TarArchiveEntry entry, InputStream content) throws IOException, UnsafeArchiveException {
            if (++entries > limits.maxEntries()) {
                throw new UnsafeArchiveException("The tarball has more than " + limits.maxEntries() + " entries");
            }
            if (entry.isGlobalPaxHeader()) {
                return; // GitHub's comment=<commit id>: nothing to write
            }
            String name = entry.getName();
            List<String> path = withinTopLevel(name, parts(name, "entry"));
            if (path.isEmpty()) {
                if (!isDirectory(entry)) {
                    throw new UnsafeArchiveException("The top-level entry '" + name + "' is not a directory");
                }
                return; // the top-level directory itself is the root
            }
            String relative = String.join("/", path);
            Kind existing = created.get(relative);
            if (existing != null) {
                if (existing == Kind.DIRECTORY && isDirectory(entry)) {
                    return; // repeated or implied before: nothing to replace
                }
                throw new UnsafeArchiveException("Entry '" + name + "' is a duplicate: it would replace the "
                        + existing.description + " extracted before it");
            }
            createParents(name, path);
            Path target = root.resolve(relative);
            try {
                write(entry, name, path, relative, target, content);
            } catch (FileAlreadyExistsException e) {
                // Everything created is tracked, so only the file system folding two names into one
                // (case-insensitive, or Unicode-normalising) gets here.
                throw new UnsafeArchiveException("Entry '" + name + "' collides with another entry on this file system"
                        + " (names differing only in case or Unicode normalisation)", e);
            }
        }

        private void write(TarArchiveEntry entry, String name, List<String> path, String relative, Path target,
                InputStream content) throws IOException, UnsafeArchiveException {
            if (entry.isSparse()) {
                throw new UnsafeArchiveException("Entry '" + name + "' is a sparse file, which is not supported");
            }
            if (isDirectory(entry)) {
                Files.createDirectory(target);
                created.put(relative, Kind.DIRECTORY);
                return;
            }
            switch (entry.getLinkFlag()) {
                case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG -> {
                    writeFile(entry, name, target, content);
                    created.put(relative, Kind.FILE);
                }
                case TarConstants.LF_SYMLINK -> {
                    Files.createSymbolicLink(target, Path.of(symlinkTarget(entry, name, path)));
                    created.put(relative, Kind.SYMLINK);
                }
                case TarConstants.LF_LINK -> {
                    Files.createLink(target, root.resolve(hardLinkTarget(entry, name)));
                    created.put(relative, Kind.FILE);
                }
                case TarConstants.LF_CHR -> throw new UnsafeArchiveException("Entry '" + name + "' is a character device");
                case TarConstants.LF_BLK -> throw new UnsafeArchiveException("Entry '" + name + "' is a block device");
                case TarConstants.LF_FIFO -> throw new UnsafeArchiveException("Entry '" + name + "' is a FIFO");
                default -> throw new UnsafeArchiveException("Entry '" + name + "' has the unsupported type '"
                        + printable(entry.getLinkFlag()) + "'");
            }
        }

        private void writeFile(TarArchiveEntry entry, String name, Path target, InputStream content)
                throws IOException, UnsafeArchiveException {
            long room = limits.maxTotalBytes() - bytes;
            if (entry.getSize() > room) {
                throw tooLarge(name);
            }
            // CREATE_NEW and NOFOLLOW_LINKS: never open through a link, never truncate what exists.
            try (OutputStream out = Files.newOutputStream(target,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                int read;
                while ((read = content.read(buffer)) != -1) {
                    bytes += read;
                    if (bytes > limits.maxTotalBytes()) {
                        throw tooLarge(name);
                    }
                    out.write(buffer, 0, read);
                }
            }
            if (posix) {
                boolean executable = (entry.getMode() & 0100) != 0;
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
            FileTime modified = entry.getLastModifiedTime();
            if (modified != null) {
                Files.setLastModifiedTime(target, modified);
            }
        }

        private UnsafeArchiveException tooLarge(String name) {
            return new UnsafeArchiveException("The tarball holds more than " + limits.maxTotalBytes()
                    + " bytes of content (reached at entry '" + name + "')");
        }

        /** Creates the missing parent directories of {@code path}, refusing to go through a link or file. */
        private void createParents(String name, List<String> path) throws IOException, UnsafeArchiveException {
            var prefix = new StringBuilder();
            for (int i = 0; i < path.size() - 1; i++) {
                if (i > 0) {
                    prefix.append('/');
                }
                prefix.append(path.get(i));
                String parent = prefix.toString();
                Kind kind = created.get(parent);
                if (kind == null) {
                    try {
                        Files.createDirectory(root.resolve(parent));
                    } catch (FileAlreadyExistsException e) {
                        throw new UnsafeArchiveException("Entry '" + name + "' collides with another entry on this"
                                + " file system (names differing only in case or Unicode normalisation)", e);
                    }
                    created.put(parent, Kind.DIRECTORY);
                } else if (kind != Kind.DIRECTORY) {
                    throw new UnsafeArchiveException("Entry '" + name + "' goes through the " + kind.description
                            + " '" + parent + "'");
                }
            }
        }

        /**
         * The link target as written, once checked: relative, with any {@code ..} leading (each
         * then steps out of a real directory this extraction created), and not above the root.
         */
        private String symlinkTarget(TarArchiveEntry entry, String name, List<String> path) throws UnsafeArchiveException {
            String target = entry.getLinkName();
            String link = "Symbolic link '" + name + "' -> '" + target + "'";
            if (target == null || target.isEmpty()) {
                throw new UnsafeArchiveException("Symbolic link '" + name + "' has no target");
            }
            if (target.indexOf('\0') >= 0) {
                throw new UnsafeArchiveException("Symbolic link '" + name + "' has a target with a NUL character");
            }
            if (target.length() > limits.maxPathLength()) {
                throw new UnsafeArchiveException("Symbolic link '" + name + "' has a target longer than "
                        + limits.maxPathLength() + " characters");
            }
            if (target.startsWith("/")) {
                throw new UnsafeArchiveException(link + " has an absolute target");
            }
            int up = 0;
            boolean named = false;
            for (String part : target.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    if (named) {
                        throw new UnsafeArchiveException(link + " has '..' after a name, which could step out"
                                + " through another link; write the target without it");
                    }
                    up++;
                } else {
                    named = true;
                }
            }
            int depth = path.size() - 1; // directories between the root and the link
            if (up > depth) {
                throw new UnsafeArchiveException(link + " points outside the tree");
            }
            return target;
        }

        /** The root-relative path of a hard link's target, which must be a file extracted before. */
        private String hardLinkTarget(TarArchiveEntry entry, String name) throws UnsafeArchiveException {
            String target = entry.getLinkName();
            if (target == null || target.isEmpty()) {
                throw new UnsafeArchiveException("Hard link '" + name + "' has no target");
            }
            List<String> path = withinTopLevel(target, parts(target, "hard link target"));
            String relative = String.join("/", path);
            if (created.get(relative) != Kind.FILE) {
                throw new UnsafeArchiveException("Hard link '" + name + "' -> '" + target
                        + "' does not point to a regular file extracted before it");
            }
            return relative;
        }

        /** The components of an archive name, refusing absolute names, '..' and oversize names. */
        private List<String> parts(String name, String what) throws UnsafeArchiveException {
            if (name.isEmpty()) {
                throw new UnsafeArchiveException("The tarball has an empty " + what + " name");
            }
            if (name.length() > limits.maxPathLength()) {
                throw new UnsafeArchiveException("The " + what + " '" + name.substring(0, Math.min(80, name.length())) + "…' is longer than "
                        + limits.maxPathLength() + " characters");
            }
            if (name.indexOf('\0') >= 0) {
                throw new UnsafeArchiveException("The " + what + " '" + name.replace('\0', '?') + "' has a NUL character");
            }
            if (name.startsWith("/")) {
                throw new UnsafeArchiveException("The " + what + " '" + name + "' is an absolute path");
            }
            var parts = new ArrayList<String>();
            for (String part : name.split("/")) {
                if (part.isEmpty() || part.equals(".")) {
                    continue;
                }
                if (part.equals("..")) {
                    throw new UnsafeArchiveException("The " + what + " '" + name + "' has a '..' component");
                }
                if (part.getBytes(UTF_8).length > MAX_NAME_COMPONENT_BYTES) {
                    throw new UnsafeArchiveException("The " + what + " '" + name + "' has a component longer than "
                            + MAX_NAME_COMPONENT_BYTES + " bytes");
                }
                parts.add(part);
            }
            if (parts.isEmpty()) {
                throw new UnsafeArchiveException("The " + what + " '" + name + "' names no file");
            }
            return parts;
        }

        /** The components below the single top-level directory, which the first entry decides. */
        private List<String> withinTopLevel(String name, List<String> parts) throws UnsafeArchiveException {
            if (topLevel == null) {
                topLevel = parts.getFirst();
            } else if (!topLevel.equals(parts.getFirst())) {
                throw new UnsafeArchiveException("'" + name + "' is outside the top-level directory '" + topLevel
                        + "/': a GitHub tarball has exactly one");
            }
            return parts.subList(1, parts.size());
        }
    }

    private static boolean isDirectory(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        // Old (pre-POSIX) archives mark a directory as a regular entry whose name ends in '/'.
        return flag == TarConstants.LF_DIR
                || ((flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM) && entry.getName().endsWith("/"));
    }

    private static String printable(byte flag) {
        return flag >= 0x20 && flag < 0x7f ? String.valueOf((char) flag) : String.format("\\x%02x", flag & 0xff);
    }

    /** Caps the bytes read from the decompressed stream. */
    private static final class LimitedStream extends FilterInputStream {
        private final long limit;
        private long read;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b != -1) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                count(skipped);
            }
            return skipped;
        }

        private void count(long n) throws StreamTooLong {
            read += n;
            if (read > limit) {
                throw new StreamTooLong();
            }
        }
    }

    /** Thrown inside the stream stack (which only passes IOExceptions), turned into an UnsafeArchiveException. */
    private static final class StreamTooLong extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Marks what the gzip layer throws (truncated or damaged compressed data) on its way through tar. */
    private static final class GzipLayer extends FilterInputStream {
        GzipLayer(InputStream gzip) {
            super(gzip);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new GzipFailure(e);
            }
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                return super.read(bytes, offset, length);
            } catch (IOException e) {
                throw new GzipFailure(e);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                return super.skip(n);
            } catch (IOException e) {
                throw new GzipFailure(e);
            }
        }
    }

    private static final class GzipFailure extends IOException {
        private static final long serialVersionUID = 1L;

        GzipFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * An entry's content as the extraction reads it: what reading it throws is the archive's
     * failure (a tar stream ending inside an entry), told apart from writing the file.
     */
    private static final class TarLayer extends FilterInputStream {
        TarLayer(InputStream tar) {
            super(tar);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (TarFailure | GzipFailure | StreamTooLong e) {
                throw e;
            } catch (IOException e) {
                throw new TarFailure(e);
            }
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            try {
                return super.read(bytes, offset, length);
            } catch (TarFailure | GzipFailure | StreamTooLong e) {
                throw e;
            } catch (IOException e) {
                throw new TarFailure(e);
            }
        }

        @Override
        public void close() {
            // The extraction reads entries, it does not own the archive's stream.
        }
    }

    private static final class TarFailure extends IOException {
        private static final long serialVersionUID = 1L;

        TarFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
