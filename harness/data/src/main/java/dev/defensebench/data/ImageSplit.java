package dev.defensebench.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One split of an image data set held in memory: unsigned pixel bytes in N×C×H×W order (channel-major
 * per image) and one class label per image.
 *
 * <p>Arrays are shared, not copied: treat them as read-only.
 */
public record ImageSplit(byte[] pixels, int[] labels, int channels, int height, int width) {

    /** Validates the shape: positive dimensions, non-negative labels, {@code pixels.length == N*C*H*W}. */
    public ImageSplit {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image dimensions must be positive, found channels=" + channels
                    + " height=" + height + " width=" + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixel array has " + pixels.length + " bytes, expected " + expected
                    + " (" + labels.length + " images × " + channels + "×" + height + "×" + width + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label of image " + i + " is negative: " + labels[i]);
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Bytes per image, {@code C*H*W}. */
    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** The first {@code n} images (copied); {@code n} must be between 0 and {@link #count()}. */
    public ImageSplit first(int n) {
        if (n < 0 || n > count()) {
            throw new IllegalArgumentException("cannot take the first " + n + " images of a split with "
                    + count() + " images");
        }
        int per = pixelsPerImage();
        return new ImageSplit(Arrays.copyOf(pixels, n * per), Arrays.copyOf(labels, n), channels, height, width);
    }

    /** The images at the given indices, in that order (duplicates allowed; copied). */
    public ImageSplit select(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        int per = pixelsPerImage();
        byte[] outPixels = new byte[Math.multiplyExact(indices.length, per)];
        int[] outLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i];
            if (src < 0 || src >= count()) {
                throw new IndexOutOfBoundsException("index " + src + " at position " + i
                        + " is outside the split's " + count() + " images");
            }
            System.arraycopy(pixels, src * per, outPixels, i * per, per);
            outLabels[i] = labels[src];
        }
        return new ImageSplit(outPixels, outLabels, channels, height, width);
    }

    /** The unsigned value (0..255) of one pixel byte. */
    public int pixel(int index) {
        return pixels[index] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageSplit s && channels == s.channels && height == s.height && width == s.width
                && Arrays.equals(labels, s.labels) && Arrays.equals(pixels, s.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(labels), Arrays.hashCode(pixels));
    }

    @Override
    public String toString() {
        return "ImageSplit[" + count() + " images of " + channels + "x" + height + "x" + width + "]";
    }
}
