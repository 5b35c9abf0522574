package dev.offstage.ci;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds gzipped tarballs in memory, the way GitHub's tarball API shapes them, or any other way. */
public final class TarballBuilder {

    public static final String COMMIT = "3f786850e387550fdab836ed7e6dc881de23001b";
    public static final String TOP = "octo-hello-3f78685/";

    private final ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(tarBytes, UTF_8.name());
    private boolean finished;

    private TarballBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** A tarball starting as GitHub's do: a pax global header with the commit id, then the top-level directory. */
    public static TarballBuilder github() {
        return empty().globalHeader("comment", COMMIT).dir(TOP);
    }

    /** GitHub's tarball shape for {@code repository} ({@code owner/name}) at {@code sha}: {@code owner-name-sha7/} at the top. */
    public static TarballBuilder github(String repository, String sha) {
        return empty().globalHeader("comment", sha).dir(repository.replace('/', '-') + "-" + sha.substring(0, 7) + "/");
    }

    /** A tarball with no entries yet. */
    public static TarballBuilder empty() {
        return new TarballBuilder();
    }

    public TarballBuilder globalHeader(String key, String value) {
        var entry = new TarArchiveEntry("pax_global_header", TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER, true);
        entry.addPaxHeader(key, value);
        try {
            tar.putArchiveEntry(entry); // writes the header's records and closes the entry itself
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public TarballBuilder dir(String name) {
        var entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        entry.setMode(040775);
        return entry(entry, new byte[0]);
    }

    public TarballBuilder file(String name, String content) {
        return file(name, content.getBytes(UTF_8), 0100664);
    }

    public TarballBuilder file(String name, byte[] content, int mode) {
        var entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setMode(mode);
        entry.setSize(content.length);
        return entry(entry, content);
    }

    public TarballBuilder symlink(String name, String target) {
        var entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        entry.setLinkName(target);
        entry.setMode(0120777);
        return entry(entry, new byte[0]);
    }

    public TarballBuilder hardLink(String name, String target) {
        var entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        entry.setLinkName(target);
        return entry(entry, new byte[0]);
    }

    public TarballBuilder special(String name, byte type) {
        return entry(new TarArchiveEntry(name, type, true), new byte[0]);
    }

    /** A file with extra pax header records, e.g. a large one. */
    public TarballBuilder fileWithPaxHeaders(String name, String content, Map<String, String> headers) {
        var entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        headers.forEach(entry::addPaxHeader);
        byte[] bytes = content.getBytes(UTF_8);
        entry.setSize(bytes.length);
        return entry(entry, bytes);
    }

    /** Names are kept as given (commons-compress would strip a leading '/'): hostile names are the point. */
    public TarballBuilder entry(TarArchiveEntry entry, byte[] content) {
        try {
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Long names as GNU tar writes them ({@code ././@LongLink} entries) instead of pax headers. */
    public TarballBuilder gnuLongNames() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        return this;
    }

    /** The finished tar, not compressed: to cut, patch or pad before {@link #gzip}. */
    public byte[] tar() {
        try {
            if (!finished) {
                tar.finish();
                finished = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tarBytes.toByteArray();
    }

    /** The finished tar, gzipped. */
    public byte[] gzipped() {
        return gzip(tar());
    }

    /** {@code bytes} as one whole gzip member. */
    public static byte[] gzip(byte[] bytes) {
        try {
            var gzipped = new ByteArrayOutputStream();
            try (var gzip = new GZIPOutputStream(gzipped)) {
                gzip.write(bytes);
            }
            return gzipped.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InputStream stream() {
        return new ByteArrayInputStream(gzipped());
    }
}
