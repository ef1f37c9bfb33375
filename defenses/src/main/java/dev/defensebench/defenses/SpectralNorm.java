package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Random;

/**
 * The largest singular value of a weight matrix by power iteration (conv kernels reshaped to rows:
 * {@code (out, in·kh·kw)}, as Parseval networks treat them).
 */
public final class SpectralNorm {

    private SpectralNorm() {}

    /** σ_max of {@code weight} viewed as {@code (shape[0], rest)}, from {@code iterations} power steps on WᵀW. */
    public static double of(NDArray weight, int iterations, Random random) {
        NDArray w = weight.stopGradient().toType(DataType.FLOAT64, false).reshape(weight.getShape().get(0), -1);
        int cols = (int) w.getShape().get(1);
        double[] start = new double[cols];
        for (int i = 0; i < cols; i++) {
            start[i] = random.nextGaussian();
        }
        NDArray v = w.getManager().create(start).reshape(cols, 1).toDevice(w.getDevice(), false);
        v = v.div(v.norm());
        for (int i = 0; i < iterations; i++) {
            NDArray u = w.transpose().matMul(w.matMul(v));
            double length = u.norm().getDouble();
            if (length == 0) {
                return 0;
            }
            v = u.div(length);
        }
        return w.matMul(v).norm().getDouble();
    }
}
