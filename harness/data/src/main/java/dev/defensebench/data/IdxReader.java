package dev.defensebench.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the MNIST IDX format: an images file (magic 2051, then big-endian count, rows, columns, then
 * unsigned bytes) and a labels file (magic 2049, then big-endian count, then one byte per label).
 * Gzipped files (recognised by their content) are decompressed on the fly.
 */
public final class IdxReader {

    /** Magic number of an IDX file of unsigned bytes with 3 dimensions. */
    public static final int IMAGES_MAGIC = 2051;
    /** Magic number of an IDX file of unsigned bytes with 1 dimension. */
    public static final int LABELS_MAGIC = 2049;

    private IdxReader() {
    }

    /** Reads an image/label pair whose labels must lie in 0..9. */
    public static ImageSplit read(Path images, Path labels) throws IOException {
        return read(images, labels, 10);
    }

    /**
     * Reads an image/label pair.
     *
     * @param numClasses labels must lie in {@code 0..numClasses-1}
     * @throws DatasetFormatException naming the file for a wrong magic number, a truncated or over-long
     *         file, a count mismatch between the two files, or a label out of range
     */
    public static ImageSplit read(Path images, Path labels, int numClasses) throws IOException {
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be positive, found " + numClasses);
        }
        int rows;
        int cols;
        byte[] pixels;
        try (DataInputStream in = open(images)) {
            int magic = header(in, images, 16);
            if (magic != IMAGES_MAGIC) {
                throw wrongMagic(images, IMAGES_MAGIC, magic);
            }
            int n = header(in, images, 16);
            rows = header(in, images, 16);
            cols = header(in, images, 16);
            if (n < 0 || rows <= 0 || cols <= 0) {
                throw new DatasetFormatException(images, "invalid dimensions in header: count=" + n
                        + " rows=" + rows + " columns=" + cols);
            }
            long size = (long) n * rows * cols;
            if (size > Integer.MAX_VALUE - 16) {
                throw new DatasetFormatException(images, "too large to hold in memory: " + n + " images of "
                        + rows + "x" + cols + " = " + size + " bytes");
            }
            pixels = new byte[(int) size];
            body(in, images, pixels, 16);
        }
        int[] labelValues;
        try (DataInputStream in = open(labels)) {
            int magic = header(in, labels, 8);
            if (magic != LABELS_MAGIC) {
                throw wrongMagic(labels, LABELS_MAGIC, magic);
            }
            int n = header(in, labels, 8);
            if (n < 0) {
                throw new DatasetFormatException(labels, "invalid label count in header: " + n);
            }
            long imageCount = pixels.length / ((long) rows * cols);
            if (n != imageCount) {
                throw new DatasetFormatException(labels, "holds " + n + " labels but the images file " + images
                        + " holds " + imageCount + " images");
            }
            byte[] raw = new byte[n];
            body(in, labels, raw, 8);
            labelValues = new int[n];
            for (int i = 0; i < n; i++) {
                int label = raw[i] & 0xFF;
                if (label >= numClasses) {
                    throw new DatasetFormatException(labels, "label " + i + " is " + label
                            + ", expected a value in 0.." + (numClasses - 1));
                }
                labelValues[i] = label;
            }
        }
        return new ImageSplit(pixels, labelValues, 1, rows, cols);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static int header(DataInputStream in, Path file, int headerBytes) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated: the header needs " + headerBytes
                    + " bytes, the file is shorter");
        }
    }

    private static void body(DataInputStream in, Path file, byte[] into, int headerBytes) throws IOException {
        int got = in.readNBytes(into, 0, into.length);
        long expected = (long) headerBytes + into.length;
        if (got < into.length) {
            throw new DatasetFormatException(file, "truncated: expected " + expected + " bytes (as its header says), found "
                    + (headerBytes + got));
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        for (int r; (r = in.read(skip)) > 0; ) {
            extra += r;
        }
        if (extra > 0) {
            throw new DatasetFormatException(file, "expected " + expected + " bytes (as its header says), found "
                    + (expected + extra) + ": trailing data");
        }
    }

    private static DatasetFormatException wrongMagic(Path file, int expected, int found) {
        return new DatasetFormatException(file, "not an IDX " + (expected == IMAGES_MAGIC ? "images" : "labels")
                + " file: magic number expected " + expected + ", found " + found);
    }
}
