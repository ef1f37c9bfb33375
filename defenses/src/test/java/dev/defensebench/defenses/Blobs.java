package dev.defensebench.defenses;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.testing.TinyNets;
import java.util.Map;
import java.util.Random;

/** A seeded synthetic data set for training tests: 4 Gaussian blobs in [0,1]^10, and requests on it. */
final class Blobs {

    static final int CLASSES = 4;
    static final Shape SAMPLE = new Shape(10);

    private Blobs() {}

    /** {@code n} points, class i around its own random centre, noise σ = 0.12, clipped into [0, 1]. */
    static Examples make(int n, long seed) {
        Random centres = new Random(99);
        double[][] c = new double[CLASSES][10];
        for (double[] row : c) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 0.2 + 0.6 * centres.nextDouble();
            }
        }
        Random r = new Random(seed);
        float[] x = new float[n * 10];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % CLASSES;
            for (int j = 0; j < 10; j++) {
                x[i * 10 + j] = (float) Math.min(1, Math.max(0, c[y[i]][j] + 0.12 * r.nextGaussian()));
            }
        }
        return new Examples(x, y, SAMPLE, CLASSES, InputBox.uniform(0, 1, SAMPLE));
    }

    /** A request to train {@code defense} on a tiny MLP with the given parameters. */
    static TrainingRequest request(Defense defense, Examples data, Map<String, ?> params, long seed) {
        Hyperparameters p = Hyperparameters.resolve("defense '" + defense.name() + "'", defense.parameters(), params);
        return new TrainingRequest(data, () -> TinyNets.mlp(CLASSES), p, seed, Device.cpu(), null, ProgressListener.SILENT);
    }
}
