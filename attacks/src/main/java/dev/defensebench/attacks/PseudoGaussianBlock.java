package dev.defensebench.attacks;

import java.util.Random;

/**
 * The ℓ2 Square Attack's s×s pseudo-Gaussian block (Andriushchenko et al. 2020; {@code eta} in Croce and
 * Hein's {@code square.py}): nested rectangles with weights 1/(k+1)², the top half positive and the bottom
 * half negative, unit ℓ2 norm, transposed with probability 1/2.
 */
final class PseudoGaussianBlock {

    private PseudoGaussianBlock() {}

    /** One block of side {@code s}, row-major; {@code random} decides the transposition. */
    static float[] of(int s, Random random) {
        double[] out = new double[s * s];
        double[] top = rectangles(s / 2, s);
        double[] bottom = rectangles(s - s / 2, s);
        System.arraycopy(top, 0, out, 0, top.length);
        for (int k = 0; k < bottom.length; k++) {
            out[top.length + k] = -bottom[k];
        }
        normalise(out);
        boolean transpose = random.nextDouble() > 0.5;
        float[] block = new float[s * s];
        for (int r = 0; r < s; r++) {
            for (int q = 0; q < s; q++) {
                block[transpose ? q * s + r : r * s + q] = (float) out[r * s + q];
            }
        }
        return block;
    }

    private static double[] rectangles(int rows, int cols) {
        double[] out = new double[rows * cols];
        if (rows == 0) {
            return out;
        }
        int xc = rows / 2 + 1;
        int yc = cols / 2 + 1;
        int r0 = xc - 1;
        int c0 = yc - 1;
        for (int k = 0; k < Math.max(xc, yc); k++) {
            for (int r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, rows); r++) {
                for (int q = Math.max(c0, 0); q < Math.min(c0 + 2 * k + 1, cols); q++) {
                    out[r * cols + q] += 1.0 / ((k + 1) * (k + 1));
                }
            }
            r0--;
            c0--;
        }
        normalise(out);
        return out;
    }

    private static void normalise(double[] v) {
        double sq = 0;
        for (double d : v) {
            sq += d * d;
        }
        double norm = Math.sqrt(sq);
        if (norm > 0) {
            for (int k = 0; k < v.length; k++) {
                v[k] /= norm;
            }
        }
    }
}
