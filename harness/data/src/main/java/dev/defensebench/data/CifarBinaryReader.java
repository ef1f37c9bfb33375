package dev.defensebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the CIFAR binary formats: each record is its label byte(s) (CIFAR-10: the class; CIFAR-100: the
 * coarse then the fine class) followed by 3072 pixel bytes, the 32×32 red plane, then green, then blue —
 * already channel-major, so the bytes are copied as they are. The last label byte is the class.
 */
public final class CifarBinaryReader {

    /** Channels of a CIFAR image. */
    public static final int CHANNELS = 3;
    /** Image height in pixels. */
    public static final int HEIGHT = 32;
    /** Image width in pixels. */
    public static final int WIDTH = 32;
    /** Bytes per image. */
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;

    private CifarBinaryReader() {
    }

    /** Reads CIFAR-10 batch files (one label byte, classes 0..9). */
    public static ImageSplit read(List<Path> batchFiles) throws IOException {
        return read(batchFiles, CifarFormat.CIFAR10);
    }

    /**
     * Reads the given batch files of {@code format}, in order, into one split.
     *
     * @throws DatasetFormatException naming the file whose size is not a multiple of the record size or
     *         which holds a label outside the format's classes
     */
    public static ImageSplit read(List<Path> batchFiles, CifarFormat format) throws IOException {
        if (batchFiles.isEmpty()) {
            throw new IllegalArgumentException("no " + format.title() + " batch files given");
        }
        int recordBytes = format.recordBytes();
        long total = 0;
        for (Path file : batchFiles) {
            long size = Files.size(file);
            if (size % recordBytes != 0) {
                throw new DatasetFormatException(file, "size " + size + " bytes is not a multiple of " + recordBytes
                        + " (" + format.labelBytes() + " label byte(s) + " + IMAGE_BYTES + " pixel bytes per "
                        + format.title() + " record): " + size / recordBytes + " whole records and "
                        + size % recordBytes + " bytes left over");
            }
            total += size / recordBytes;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("too many " + format.title() + " images to hold in one array: " + total);
        }
        int n = (int) total;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        byte[] record = new byte[recordBytes];
        int index = 0;
        for (Path file : batchFiles) {
            long records = Files.size(file) / recordBytes;
            try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                for (long r = 0; r < records; r++) {
                    int got = in.readNBytes(record, 0, recordBytes);
                    if (got < recordBytes) {
                        throw new DatasetFormatException(file, "truncated while reading (the file changed?): record "
                                + r + " has " + got + " of " + recordBytes + " bytes");
                    }
                    int label = record[format.labelBytes() - 1] & 0xFF;
                    if (label >= format.numClasses()) {
                        throw new DatasetFormatException(file, "record " + r + " (byte offset " + r * recordBytes
                                + ") has label " + label + ", expected 0.." + (format.numClasses() - 1));
                    }
                    labels[index] = label;
                    System.arraycopy(record, format.labelBytes(), pixels, index * IMAGE_BYTES, IMAGE_BYTES);
                    index++;
                }
            }
        }
        return new ImageSplit(pixels, labels, CHANNELS, HEIGHT, WIDTH);
    }
}
