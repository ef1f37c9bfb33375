package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import java.util.SplittableRandom;

/**
 * How often a base classifier predicts each class on Gaussian draws around one point: {@code x + δ},
 * δ ~ N(0, σ²I) in the model's input space and not clipped into the input box (as in Cohen et al.), in
 * batches of at most {@code batch} draws, each batch one forward. The noise comes from a {@link
 * SplittableRandom} the caller seeds, so counts depend on the seed and the point only, not on the
 * device or on how many threads run.
 */
final class NoiseCounts {

    private NoiseCounts() {}

    /**
     * Class counts {@code (classes)} over {@code draws} noisy copies of {@code point} (shape {@code
     * sampleShape}, without a batch axis).
     */
    static long[] of(Classifier model, NDArray point, int draws, double sigma, int batch, SplittableRandom random) {
        long[] counts = new long[model.numClasses()];
        int per = (int) point.getShape().size();
        int remaining = draws;
        while (remaining > 0) {
            int b = Math.min(batch, remaining);
            try (NDScope scope = new NDScope(); NDManager sub = point.getManager().newSubManager()) {
                float[] noise = new float[b * per];
                for (int i = 0; i < noise.length; i++) {
                    noise[i] = (float) (sigma * random.nextGaussian());
                }
                Shape shape = new Shape(b).addAll(point.getShape());
                NDArray noisy = sub.create(noise, shape).toType(point.getDataType(), false)
                        .toDevice(point.getDevice(), false).addi(point.expandDims(0));
                long[] predicted = model.predict(noisy).toType(DataType.INT64, false).toLongArray();
                for (long p : predicted) {
                    counts[(int) p]++;
                }
            }
            remaining -= b;
        }
        return counts;
    }
}
