package dev.defensebench.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes the small data files the tests use. */
final class TestFiles {

    private TestFiles() {
    }

    /** An IDX images file of n images of rows×cols; pixel i of image k is (k*31 + i) mod 256. */
    static byte[] idxImages(int n, int rows, int cols) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2051);
            out.writeInt(n);
            out.writeInt(rows);
            out.writeInt(cols);
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < rows * cols; i++) {
                    out.writeByte((k * 31 + i) & 0xFF);
                }
            }
        }
        return bytes.toByteArray();
    }

    /** An IDX labels file holding the given labels. */
    static byte[] idxLabels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2049);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
        }
        return bytes.toByteArray();
    }

    /** CIFAR-10 records with the given labels; pixel i of record k is (k + 7*i) mod 256. */
    static byte[] cifarRecords(int firstIndex, int... labels) {
        byte[] out = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            out[r * 3073] = (byte) labels[r];
            for (int i = 0; i < 3072; i++) {
                out[r * 3073 + 1 + i] = (byte) ((firstIndex + r + 7 * i) & 0xFF);
            }
        }
        return out;
    }

    /** CIFAR-100 records: coarse label {@code fine / 5}, then the fine label, then pixels as {@link #cifarRecords}. */
    static byte[] cifar100Records(int firstIndex, int... fineLabels) {
        byte[] out = new byte[fineLabels.length * 3074];
        for (int r = 0; r < fineLabels.length; r++) {
            out[r * 3074] = (byte) (fineLabels[r] / 5);
            out[r * 3074 + 1] = (byte) fineLabels[r];
            for (int i = 0; i < 3072; i++) {
                out[r * 3074 + 2 + i] = (byte) ((firstIndex + r + 7 * i) & 0xFF);
            }
        }
        return out;
    }

    static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, content);
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(content);
        }
        return bytes.toByteArray();
    }

    /** Builds a tar (optionally gzipped) archive entry by entry. */
    static final class Tar implements AutoCloseable {
        private final TarArchiveOutputStream out;

        Tar(Path file, boolean gzipped) throws IOException {
            OutputStream raw = Files.newOutputStream(file);
            out = new TarArchiveOutputStream(gzipped ? new GZIPOutputStream(raw) : raw);
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        Tar file(String name, byte[] content) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, true); // preserve absolute names as given
            e.setSize(content.length);
            out.putArchiveEntry(e);
            out.write(content);
            out.closeArchiveEntry();
            return this;
        }

        Tar dir(String name) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        Tar symlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        Tar hardlink(String name, String target) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
            e.setLinkName(target);
            out.putArchiveEntry(e);
            out.closeArchiveEntry();
            return this;
        }

        @Override
        public void close() throws IOException {
            out.finish();
            out.close();
        }
    }
}
