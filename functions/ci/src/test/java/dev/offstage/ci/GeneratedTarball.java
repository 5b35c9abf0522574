package dev.offstage.ci;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A gzipped GitHub-shaped tarball of {@code count} generated files under {@link TarballBuilder#TOP},
 * made entry by entry only as far as it is read: archives of gigabytes or millions of entries
 * without holding them, and a count of how far the reader got ({@link #entriesMade()},
 * {@link #compressedBytesRead()}).
 */
public final class GeneratedTarball extends InputStream {

    private final long count;
    private final byte[] content;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private byte[] chunk = new byte[0];
    private int position;
    private long made;
    private long read;
    private boolean finished;

    /** {@code count} files {@code f0, f1, …} of {@code fileBytes} zero bytes each (zeros: the best gzip bomb). */
    public GeneratedTarball(long count, int fileBytes) {
        this.count = count;
        this.content = new byte[fileBytes];
        try {
            this.tar = new TarArchiveOutputStream(new GZIPOutputStream(pending, 8192), UTF_8.name());
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            var global = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, true);
            global.addPaxHeader("comment", TarballBuilder.COMMIT);
            tar.putArchiveEntry(global);
            var top = new TarArchiveEntry(TarballBuilder.TOP, TarConstants.LF_DIR, true);
            tar.putArchiveEntry(top);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many of the files have been made so far. */
    public long entriesMade() {
        return made;
    }

    /** How many compressed bytes the reader has taken. */
    public long compressedBytesRead() {
        return read;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position == chunk.length) {
            if (finished) {
                return -1;
            }
            makeMore();
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, bytes, offset, n);
        position += n;
        read += n;
        return n;
    }

    /** The next entry (or the archive's end), compressed into the next chunk. */
    private void makeMore() throws IOException {
        if (made < count) {
            var entry = new TarArchiveEntry(TarballBuilder.TOP + "f" + made, TarConstants.LF_NORMAL, true);
            entry.setSize(content.length);
            entry.setMode(0100644);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
            made++;
        } else {
            tar.close();
            finished = true;
        }
        chunk = pending.toByteArray();
        pending.reset();
        position = 0;
    }
}
