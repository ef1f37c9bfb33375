package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.Classifier;

/**
 * How often a base classifier predicts each class on Gaussian draws around one point: {@code x + δ},
 * δ ~ N(0, σ²I) in the model's input space and not clipped into the input box (as in Cohen et al.), in
 * batches of at most {@code batch} draws, each batch made on the point's device by a {@link CounterGaussian}
 * stream and classified in one forward. The draws are a function of the stream's key and their index, so
 * counts depend on the seed and the point only, not on the batch size, the device or how many threads run.
 */
final class NoiseCounts {

    private NoiseCounts() {}

    /**
     * Class counts {@code (classes)} over the next {@code draws} noisy copies of {@code point} (shape {@code
     * sampleShape}, without a batch axis) from {@code noise}.
     */
    static long[] of(Classifier model, NDArray point, int draws, double sigma, int batch, CounterGaussian noise) {
        long[] counts = new long[model.numClasses()];
        int remaining = draws;
        while (remaining > 0) {
            int b = Math.min(batch, remaining);
            try (NDScope scope = new NDScope(); NDManager sub = point.getManager().newSubManager()) {
                NDArray noisy = noise.noisy(point, b, sigma);
                noisy.attach(sub);
                long[] predicted = model.predict(noisy).toType(DataType.INT64, false).toLongArray();
                for (long p : predicted) {
                    counts[(int) p]++;
                }
                scope.suppressNotUsedWarning();
            }
            remaining -= b;
        }
        return counts;
    }
}
