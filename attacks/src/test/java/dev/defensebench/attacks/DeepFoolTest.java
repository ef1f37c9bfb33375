package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.LinearClassifier;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeepFoolTest {

    private static final Shape SAMPLE = new Shape(6);

    @Test
    void binaryLinearClassifierStepEqualsClosedFormDistance() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(7);
            double[] w = new double[6];
            for (int i = 0; i < 6; i++) {
                w[i] = random.nextGaussian();
            }
            double b = 0.3;
            // Class 1 scores w·x + b, class 0 scores 0: the boundary is the hyperplane w·x + b = 0.
            NDArray weights = m.create(new double[][] {new double[6], w});
            NDArray bias = m.create(new double[] {0, b});
            LinearClassifier model = new LinearClassifier(weights, bias, InputBox.uniform(-100, 100, SAMPLE));
            double[][] points = new double[8][6];
            for (double[] p : points) {
                for (int i = 0; i < 6; i++) {
                    p[i] = random.nextGaussian();
                }
            }
            NDArray x = m.create(points);
            DeepFool.Unroll unroll = DeepFool.unroll(model, x, null,
                    new DeepFool.Settings(1, 0.0, false, DeepFool.Route.CHOSEN_DIFFERENCE));
            double[] found = Norm.L2.perSample(unroll.perturbation()).toDoubleArray();
            double wNorm = Math.sqrt(dot(w, w));
            for (int s = 0; s < points.length; s++) {
                double expected = Math.abs(dot(w, points[s]) + b) / wNorm;
                assertThat(found[s]).isCloseTo(expected, within(1e-4 * Math.max(1, expected)));
            }
        }
    }

    @Test
    void attackFoolsEveryPointOfALinearModelAtOneOvershotDistance() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random random = new Random(3);
            double[][] w = new double[3][6];
            for (double[] row : w) {
                for (int i = 0; i < 6; i++) {
                    row[i] = random.nextGaussian();
                }
            }
            LinearClassifier model = new LinearClassifier(m.create(w), m.create(new double[] {0.1, -0.2, 0.05}),
                    InputBox.uniform(-100, 100, SAMPLE));
            double[][] points = new double[10][6];
            for (double[] p : points) {
                for (int i = 0; i < 6; i++) {
                    p[i] = random.nextGaussian();
                }
            }
            NDArray x = m.create(points);
            NDArray labels = model.predict(x);
            DeepFool attack = new DeepFool();
            Hyperparameters params = Hyperparameters.resolve("attack 'deepfool'", attack.parameters(), Map.of());
            AttackResult result = attack.run(model, x, labels, new ThreatModel(Norm.L2, List.of(0.0, 100.0)), params, 0);
            // For a multi-class linear model the nearest boundary is min over k of |f_k|/||w_k||.
            long[] predicted = labels.toLongArray();
            for (int s = 0; s < points.length; s++) {
                int l = (int) predicted[s];
                double best = Double.POSITIVE_INFINITY;
                for (int k = 0; k < 3; k++) {
                    if (k == l) {
                        continue;
                    }
                    double[] dw = new double[6];
                    for (int i = 0; i < 6; i++) {
                        dw[i] = w[k][i] - w[l][i];
                    }
                    double bk = new double[] {0.1, -0.2, 0.05}[k] - new double[] {0.1, -0.2, 0.05}[l];
                    best = Math.min(best, Math.abs(dot(dw, points[s]) + bk) / Math.sqrt(dot(dw, dw)));
                }
                assertThat((double) result.distances()[s]).isCloseTo(1.02 * best, within(1e-4 * Math.max(1, best)));
            }
            assertThat(result.outcomes().get(0).robustAccuracy()).isEqualTo(1.0);
            assertThat(result.outcomes().get(1).robustAccuracy()).isEqualTo(0.0);
        }
    }

    @Test
    void linfVariantFindsTheClosedFormLinfDistanceWithinOnePercent() {
        Shape sample = new Shape(1, 4, 4);
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, sample, 8, true, 0.005, 0.05, 13);
            NDArray x = p.inputs(m, sample);
            DeepFool attack = new DeepFool();
            Hyperparameters params = Hyperparameters.resolve("attack 'deepfool'", attack.parameters(),
                    Map.of("overshoot", 0.005));
            AttackResult result = attack.run(p.model(), x, p.model().predict(x), new ThreatModel(Norm.LINF, List.of(1.0)),
                    params, 0);
            for (int s = 0; s < p.points().length; s++) {
                double expected = p.distance(s, true);
                assertThat((double) result.distances()[s]).as("point " + s).isCloseTo(expected, within(0.01 * expected));
            }
            assertThat(result.outcomes().get(0).robustAccuracy()).isEqualTo(0.0);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
