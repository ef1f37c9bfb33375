package dev.defensebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR-10 binary format: each record is one label byte (0..9) followed by 3072 pixel bytes,
 * the 32×32 red plane, then green, then blue — already channel-major, so the bytes are copied as they are.
 */
public final class Cifar10BinaryReader {

    /** Channels, height and width of a CIFAR-10 image. */
    public static final int CHANNELS = 3;
    /** Image height in pixels. */
    public static final int HEIGHT = 32;
    /** Image width in pixels. */
    public static final int WIDTH = 32;
    /** Bytes per image. */
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;
    /** Bytes per record: one label byte and the image. */
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    /** Number of classes; labels lie in 0..9. */
    public static final int NUM_CLASSES = 10;

    private Cifar10BinaryReader() {
    }

    /**
     * Reads the given batch files, in order, into one split.
     *
     * @throws DatasetFormatException naming the file whose size is not a multiple of {@value #RECORD_BYTES}
     *         or which holds a label outside 0..9
     */
    public static ImageSplit read(List<Path> batchFiles) throws IOException {
        if (batchFiles.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 batch files given");
        }
        long total = 0;
        for (Path file : batchFiles) {
            long size = Files.size(file);
            if (size % RECORD_BYTES != 0) {
                throw new DatasetFormatException(file, "size " + size + " bytes is not a multiple of " + RECORD_BYTES
                        + " (1 label byte + " + IMAGE_BYTES + " pixel bytes per record): " + size / RECORD_BYTES
                        + " whole records and " + size % RECORD_BYTES + " bytes left over");
            }
            total += size / RECORD_BYTES;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too many CIFAR-10 images to hold in one array: " + total);
        }
        int n = (int) total;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        byte[] record = new byte[RECORD_BYTES];
        int index = 0;
        for (Path file : batchFiles) {
            long records = Files.size(file) / RECORD_BYTES;
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                for (long r = 0; r < records; r++) {
                    int got = in.readNBytes(record, 0, RECORD_BYTES);
                    if (got < RECORD_BYTES) {
                        throw new DatasetFormatException(file, "truncated while reading (the file changed?): record "
                                + r + " has " + got + " of " + RECORD_BYTES + " bytes");
                    }
                    int label = record[0] & 0xFF;
                    if (label >= NUM_CLASSES) {
                        throw new DatasetFormatException(file, "record " + r + " (byte offset " + r * RECORD_BYTES
                                + ") has label " + label + ", expected 0.." + (NUM_CLASSES - 1));
                    }
                    labels[index] = label;
                    System.arraycopy(record, 1, pixels, index * IMAGE_BYTES, IMAGE_BYTES);
                    index++;
                }
            }
        }
        return new ImageSplit(pixels, labels, CHANNELS, HEIGHT, WIDTH);
    }
}
