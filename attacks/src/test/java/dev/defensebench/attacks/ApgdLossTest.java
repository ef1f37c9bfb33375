package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ApgdLoss} against the original's losses ({@code autopgd_base.py}) computed here row by row in doubles: the
 * cross-entropy, DLR (both of its cases: the label the top class, or not) and targeted DLR; and its gradient with
 * respect to the logits against central finite differences of those closed forms, float64.
 */
class ApgdLossTest {

    private static final int ROWS = 8;
    private static final int CLASSES = 10;

    @Test
    void lossesAndTheirGradientsAreTheOriginals() {
        Random random = new Random(5);
        double[][] z = new double[ROWS][CLASSES];
        long[] y = new long[ROWS];
        long[] t = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int k = 0; k < CLASSES; k++) {
                z[i][k] = 3 * random.nextGaussian();
            }
            int top = argMax(z[i]);
            y[i] = i % 2 == 0 ? top : (top + 1 + i) % CLASSES; // even rows: the label is the top class
            t[i] = (y[i] + 3) % CLASSES;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(y);
            NDArray targets = m.create(t);
            for (Apgd.Loss loss : Apgd.Loss.values()) {
                NDArray logits = m.create(flat(z), new Shape(ROWS, CLASSES));
                double[][] analytic = new double[ROWS][];
                double[] values = Autograd.recording(() -> {
                    NDArray leaf = Autograd.leaf(logits);
                    NDArray perSample = ApgdLoss.of(loss, leaf, labels, targets);
                    double[] out = perSample.toDoubleArray();
                    double[] g = Autograd.gradient(perSample.sum(), leaf, false).toDoubleArray();
                    for (int i = 0; i < ROWS; i++) {
                        analytic[i] = Arrays.copyOfRange(g, i * CLASSES, (i + 1) * CLASSES);
                    }
                    return out;
                });
                for (int i = 0; i < ROWS; i++) {
                    assertThat(values[i]).as(loss + " row " + i).isCloseTo(original(loss, z[i], y[i], t[i]), within(1e-12));
                    for (int k = 0; k < CLASSES; k++) {
                        double h = 1e-6;
                        double[] up = z[i].clone();
                        double[] down = z[i].clone();
                        up[k] += h;
                        down[k] -= h;
                        double numeric = (original(loss, up, y[i], t[i]) - original(loss, down, y[i], t[i])) / (2 * h);
                        assertThat(analytic[i][k]).as(loss + " d/dz row " + i + " class " + k).isCloseTo(numeric, within(1e-6));
                    }
                }
            }
        }
    }

    /** The original's loss of one row of logits. */
    private static double original(Apgd.Loss loss, double[] z, long y, long t) {
        double[] sorted = z.clone();
        Arrays.sort(sorted);
        int k = z.length;
        return switch (loss) {
            case CE -> {
                double max = sorted[k - 1];
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                yield max + Math.log(sum) - z[(int) y];
            }
            case DLR -> {
                boolean top = argMax(z) == y;
                double other = top ? sorted[k - 2] : sorted[k - 1];
                yield -(z[(int) y] - other) / (sorted[k - 1] - sorted[k - 3] + 1e-12);
            }
            case DLR_TARGETED -> -(z[(int) y] - z[(int) t]) / (sorted[k - 1] - 0.5 * (sorted[k - 3] + sorted[k - 4]) + 1e-12);
        };
    }

    private static int argMax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[] flat(double[][] rows) {
        double[] out = new double[ROWS * CLASSES];
        for (int i = 0; i < ROWS; i++) {
            System.arraycopy(rows[i], 0, out, i * CLASSES, CLASSES);
        }
        return out;
    }
}
