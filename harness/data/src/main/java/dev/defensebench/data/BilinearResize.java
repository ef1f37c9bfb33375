package dev.defensebench.data;

/**
 * Resizes 8-bit image planes the way Pillow's {@code Image.resize(size, BILINEAR)} does (and so torchvision's
 * {@code Resize} on PIL images): a separable triangle filter whose support widens with the downscaling factor
 * (antialiasing), horizontal pass then vertical pass, each rounded to 8 bits, with Pillow's 22-bit fixed-point
 * weights, so that the bytes equal Pillow's.
 */
public final class BilinearResize {

    /** Pillow's fixed-point precision for 8-bit images: 32 − 8 − 2 bits. */
    private static final int PRECISION_BITS = 22;

    private BilinearResize() {}

    /**
     * Resizes {@code planes} (channel-major, each {@code inHeight}×{@code inWidth} unsigned bytes) to
     * {@code outHeight}×{@code outWidth}; a dimension that keeps its size is not filtered.
     */
    public static byte[] resize(byte[] planes, int channels, int inHeight, int inWidth, int outHeight, int outWidth) {
        if (channels <= 0 || inHeight <= 0 || inWidth <= 0 || outHeight <= 0 || outWidth <= 0
                || planes.length != channels * inHeight * inWidth) {
            throw new IllegalArgumentException("cannot resize " + planes.length + " bytes as " + channels + "x" + inHeight
                    + "x" + inWidth + " to " + outHeight + "x" + outWidth);
        }
        byte[] current = planes;
        int width = inWidth;
        if (outWidth != inWidth) {
            current = pass(current, channels * inHeight, inWidth, outWidth, 1, Coefficients.of(inWidth, outWidth));
            width = outWidth;
        }
        if (outHeight != inHeight) {
            byte[] out = new byte[channels * outHeight * width];
            Coefficients k = Coefficients.of(inHeight, outHeight);
            for (int c = 0; c < channels; c++) {
                byte[] plane = java.util.Arrays.copyOfRange(current, c * inHeight * width, (c + 1) * inHeight * width);
                byte[] resized = pass(plane, width, inHeight, outHeight, width, k);
                System.arraycopy(resized, 0, out, c * outHeight * width, resized.length);
            }
            current = out;
        }
        return current;
    }

    /**
     * Filters {@code lines} independent lines of {@code inSize} samples each to {@code outSize}; {@code stride} is
     * the distance between neighbouring samples of a line (1: rows of a row-major plane; the width: its columns).
     */
    private static byte[] pass(byte[] in, int lines, int inSize, int outSize, int stride, Coefficients k) {
        byte[] out = new byte[lines * outSize];
        for (int line = 0; line < lines; line++) {
            int inBase = stride == 1 ? line * inSize : line;
            int outBase = stride == 1 ? line * outSize : line;
            for (int o = 0; o < outSize; o++) {
                long sum = 1L << (PRECISION_BITS - 1);
                int first = k.first[o];
                for (int j = 0; j < k.count[o]; j++) {
                    sum += (long) (in[inBase + (first + j) * stride] & 0xFF) * k.weights[o][j];
                }
                long v = sum >> PRECISION_BITS;
                out[outBase + o * stride] = (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
        return out;
    }

    /** Pillow's {@code precompute_coeffs} for the bilinear filter, in fixed point. */
    private record Coefficients(int[] first, int[] count, int[][] weights) {

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the bilinear filter's support is 1
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int o = 0; o < outSize; o++) {
                double center = (o + 0.5) * scale;
                int min = Math.max(0, (int) (center - support + 0.5));
                int max = Math.min(inSize, (int) (center + support + 0.5)) - min;
                double[] w = new double[max];
                double total = 0;
                for (int x = 0; x < max; x++) {
                    w[x] = triangle((x + min - center + 0.5) / filterScale);
                    total += w[x];
                }
                int[] fixed = new int[max];
                for (int x = 0; x < max; x++) {
                    double v = total != 0 ? w[x] / total : w[x];
                    fixed[x] = (int) (v < 0 ? v * (1 << PRECISION_BITS) - 0.5 : v * (1 << PRECISION_BITS) + 0.5);
                }
                first[o] = min;
                count[o] = max;
                weights[o] = fixed;
            }
            return new Coefficients(first, count, weights);
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }
}
