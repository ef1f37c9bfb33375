package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.TinyNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The Deep Defense gradient, through the unrolled DeepFool (second order), against central finite
 * differences of the same loss in float64.
 */
class DeepDefenseGradientTest {

    private static final int CLASSES = 4;

    @Test
    void regularizerGradientMatchesFiniteDifferencesOnAnMlp() {
        check(TinyNets.mlp(CLASSES), new Shape(10), 3, new DeepDefense.Settings(1, 1, 1, settings(3)), false);
    }

    @Test
    void regularizerGradientMatchesFiniteDifferencesOnAConvNet() {
        check(TinyNets.conv(CLASSES), new Shape(1, 8, 8), 5, new DeepDefense.Settings(1, 1, 1, settings(2)), false);
    }

    @Test
    void fullLossWithThePapersDefaultsMatchesFiniteDifferences() {
        check(TinyNets.mlp(CLASSES), new Shape(10), 9, new DeepDefense.Settings(15, 25, 5, settings(3)), true);
    }

    @Test
    void secondOrderTermIsPresent() {
        try (NDManager m = NDManager.newBaseManager()) {
            Problem p = problem(m, TinyNets.mlp(CLASSES), new Shape(10), 3);
            DeepDefense.Settings s = new DeepDefense.Settings(1, 1, 1, settings(3));
            double[] exact = flat(gradient(p, q -> DeepDefense.regularizer(q.model, q.x, q.y, s).value()));
            // Same objective with Δx cut from the graph: only the ‖x‖ ratio's path is left, which is none.
            DeepDefense.Settings detached = new DeepDefense.Settings(1, 1, 1,
                    new DeepFool.Settings(3, 0.02, false, DeepFool.Route.CHOSEN_DIFFERENCE));
            double[] cut = flat(gradient(p, q -> DeepDefense.regularizer(q.model, q.x, q.y, detached).value()
                    .add(q.model.logits(q.x).sum().mul(0))));
            assertThat(norm(exact)).isGreaterThan(1e-6);
            assertThat(distance(exact, cut)).isGreaterThan(1e-3 * norm(exact));
        }
    }

    @Test
    void chosenDifferenceRouteGivesTheSameGradientAsTheFullJacobian() {
        try (NDManager m = NDManager.newBaseManager()) {
            Problem p = problem(m, TinyNets.conv(CLASSES), new Shape(1, 8, 8), 21);
            DeepDefense.Settings cheap = new DeepDefense.Settings(15, 25, 5, settings(3));
            DeepDefense.Settings full = new DeepDefense.Settings(15, 25, 5,
                    new DeepFool.Settings(3, 0.02, true, DeepFool.Route.FULL_JACOBIAN));
            double[] a = flat(gradient(p, q -> DeepDefense.loss(cheap).compute(q.model, q.x, q.y).total()));
            double[] b = flat(gradient(p, q -> DeepDefense.loss(full).compute(q.model, q.x, q.y).total()));
            assertThat(distance(a, b)).isLessThan(1e-10 * Math.max(1, norm(a)));
        }
    }

    private static DeepFool.Settings settings(int iterations) {
        return new DeepFool.Settings(iterations, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE);
    }

    private record Problem(BlockClassifier model, NDArray x, NDArray y, List<NDArray> weights) {}

    private static Problem problem(NDManager m, Block net, Shape sample, int seed) {
        TinyNets.initialise(net, m, DataType.FLOAT64, sample, seed);
        BlockClassifier model = new BlockClassifier(net, CLASSES, InputBox.uniform(-10, 10, sample));
        Random random = new Random(seed);
        int batch = 6;
        double[] xs = new double[(int) (batch * sample.size())];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = random.nextGaussian();
        }
        long[] ys = new long[batch];
        for (int i = 0; i < batch; i++) {
            ys[i] = random.nextInt(CLASSES);
        }
        NDArray x = m.create(xs, new Shape(batch).addAll(sample));
        List<NDArray> weights = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            weights.add(p.getValue().getArray());
        }
        return new Problem(model, x, m.create(ys), weights);
    }

    private static NDList gradient(Problem p, Function<Problem, NDArray> objective) {
        return Autograd.recording(() -> Autograd.gradients(objective.apply(p), p.weights, false));
    }

    private static double value(Problem p, Function<Problem, NDArray> objective) {
        return Autograd.recording(() -> objective.apply(p).getDouble());
    }

    private static void check(Block net, Shape sample, int seed, DeepDefense.Settings s, boolean fullLoss) {
        try (NDManager m = NDManager.newBaseManager()) {
            Problem p = problem(m, net, sample, seed);
            Function<Problem, NDArray> objective = fullLoss
                    ? q -> DeepDefense.loss(s).compute(q.model, q.x, q.y).total()
                    : q -> DeepDefense.regularizer(q.model, q.x, q.y, s).value();
            NDList analytic = gradient(p, objective);
            Random pick = new Random(seed);
            double h = 1e-6;
            List<Double> numeric = new ArrayList<>();
            List<Double> exact = new ArrayList<>();
            int tried = 0;
            for (int t = 0; t < p.weights.size(); t++) {
                NDArray w = p.weights.get(t);
                double[] grad = analytic.get(t).toDoubleArray();
                int coordinates = (int) w.size();
                for (int sample2 = 0; sample2 < 6; sample2++) {
                    int i = pick.nextInt(coordinates);
                    double original = w.toDoubleArray()[i];
                    double centre = value(p, objective);
                    set(w, i, original + h);
                    double plus = value(p, objective);
                    set(w, i, original - h);
                    double minus = value(p, objective);
                    set(w, i, original);
                    double right = (plus - centre) / h;
                    double left = (centre - minus) / h;
                    tried++;
                    if (Math.abs(right - left) > 1e-4 * (Math.abs(right) + Math.abs(left)) + 1e-6) {
                        continue; // one-sided slopes disagree: a ReLU or argmin kink sits at this point
                    }
                    numeric.add((plus - minus) / (2 * h));
                    exact.add(grad[i]);
                }
            }
            double[] a = exact.stream().mapToDouble(Double::doubleValue).toArray();
            double[] n = numeric.stream().mapToDouble(Double::doubleValue).toArray();
            assertThat(exact.size()).as("coordinates free of kinks").isGreaterThanOrEqualTo(tried * 3 / 4);
            assertThat(norm(a)).isGreaterThan(1e-8);
            assertThat(distance(a, n) / norm(a)).as("relative error of %s vs %s", a.length, n.length).isLessThan(1e-5);
        }
    }

    private static void set(NDArray w, int flatIndex, double value) {
        Autograd.notRecording(() -> {
            double[] values = w.toDoubleArray();
            values[flatIndex] = value;
            w.set(java.nio.DoubleBuffer.wrap(values));
            return null;
        });
    }

    private static double[] flat(NDList arrays) {
        List<Double> all = new ArrayList<>();
        for (NDArray a : arrays) {
            for (double v : a.toDoubleArray()) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
