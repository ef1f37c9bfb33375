package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.LinearClassifier;
import java.util.Random;

/**
 * Binary linear problems with closed-form distances: class 1 scores {@code w·x + b}, class 0 scores 0,
 * inputs in [0, 1]; the distance of x to the boundary is {@code |w·x + b| / ‖w‖_dual} (‖w‖₂ for L2,
 * ‖w‖₁ for Linf).
 */
record LinearProblems(LinearClassifier model, double[] w, double b, double[][] points) {

    /** {@code count} points in [0.3, 0.7]^D whose L2 or Linf distances lie in [minDistance, maxDistance]. */
    static LinearProblems create(NDManager m, Shape sample, int count, boolean linf, double minDistance,
            double maxDistance, long seed) {
        Random random = new Random(seed);
        int d = (int) sample.size();
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            w[i] = random.nextGaussian();
        }
        double b = -0.5 * sum(w);
        double[][] points = new double[count][];
        int found = 0;
        while (found < count) {
            double[] p = new double[d];
            for (int i = 0; i < d; i++) {
                p[i] = 0.3 + 0.4 * random.nextDouble();
            }
            double dist = distance(w, b, p, linf);
            if (dist >= minDistance && dist <= maxDistance) {
                points[found++] = p;
            }
        }
        double[][] weights = {new double[d], w};
        LinearClassifier model = new LinearClassifier(m.create(weights), m.create(new double[] {0, b}),
                InputBox.uniform(0, 1, sample));
        return new LinearProblems(model, w, b, points);
    }

    NDArray inputs(NDManager m, Shape sample) {
        return m.create(points).reshape(new Shape(points.length).addAll(sample));
    }

    double distance(int point, boolean linf) {
        return distance(w, b, points[point], linf);
    }

    static double distance(double[] w, double b, double[] p, boolean linf) {
        double f = b;
        double dual = 0;
        for (int i = 0; i < w.length; i++) {
            f += w[i] * p[i];
            dual += linf ? Math.abs(w[i]) : w[i] * w[i];
        }
        return Math.abs(f) / (linf ? dual : Math.sqrt(dual));
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
