package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.testing.TinyNets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The batched unroll (active samples only, candidate classes gathered, one forward reused per step)
 * against a straightforward reference: one sample at a time, the full Jacobian, the step computed on
 * the host in double precision, exactly as the algorithm reads. Seeded float64 tiny networks.
 */
class DeepFoolReferenceTest {

    private static final int BATCH = 8;

    @Test
    void l2AttackOnAnMlpMatchesTheReference() {
        compare(TinyNets.mlp(6), new Shape(10), 6, settings(Norm.L2, false, DeepFool.Route.CHOSEN_DIFFERENCE, 10, true), false);
    }

    @Test
    void topCandidatesMatchTheReference() {
        compare(TinyNets.mlp(6), new Shape(10), 6, settings(Norm.L2, false, DeepFool.Route.CHOSEN_DIFFERENCE, 3, true), false);
    }

    @Test
    void linfAttackMatchesTheReference() {
        compare(TinyNets.mlp(6), new Shape(10), 6, settings(Norm.LINF, false, DeepFool.Route.CHOSEN_DIFFERENCE, 10, false), false);
    }

    @Test
    void l2AttackOnAConvNetMatchesTheReference() {
        compare(TinyNets.conv(4), new Shape(1, 8, 8), 4, settings(Norm.L2, false, DeepFool.Route.CHOSEN_DIFFERENCE, 10, true), false);
    }

    @Test
    void deepDefenseUnrollsWithLabelsMatchTheReferenceOnEveryRoute() {
        compare(TinyNets.mlp(5), new Shape(10), 5, settings(Norm.L2, false, DeepFool.Route.CHOSEN_DIFFERENCE, 10, false), true);
        for (DeepFool.Route route : DeepFool.Route.values()) {
            compare(TinyNets.mlp(5), new Shape(10), 5, settings(Norm.L2, true, route, 10, false), true);
        }
    }

    private static DeepFool.Settings settings(Norm norm, boolean graph, DeepFool.Route route, int candidates, boolean box) {
        return new DeepFool.Settings(graph ? 5 : 20, 0.02, graph, route,
                box ? InputBox.uniform(-1.5f, 1.5f, new Shape(1)) : null, norm, candidates);
    }

    private static void compare(Block block, Shape sample, int classes, DeepFool.Settings s, boolean withLabels) {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNets.initialise(block, m, DataType.FLOAT64, sample, 4);
            DeepFool.Settings settings = s.box() == null ? s : new DeepFool.Settings(s.maxIterations(), s.overshoot(),
                    s.keepGraph(), s.route(), InputBox.uniform(-1.5f, 1.5f, sample), s.norm(), s.candidates());
            BlockClassifier model = new BlockClassifier(block, classes, InputBox.uniform(-1.5f, 1.5f, sample));
            Random random = new Random(11);
            int per = (int) sample.size();
            double[] xs = new double[BATCH * per];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = random.nextGaussian() * 0.7;
            }
            long[] labels = new long[BATCH];
            for (int i = 0; i < BATCH; i++) {
                labels[i] = random.nextInt(classes);
            }
            NDArray x = m.create(xs, new Shape(BATCH).addAll(sample));
            DeepFool.Unroll unroll = DeepFool.unroll(model, x, withLabels ? m.create(labels) : null, settings);
            double[] found = unroll.perturbation().stopGradient().toDoubleArray();
            int wrong = 0;
            for (int i = 0; i < BATCH; i++) {
                double[] xi = Arrays.copyOfRange(xs, i * per, (i + 1) * per);
                Result expected = reference(model, sample, xi, withLabels ? labels[i] : -1, settings);
                double[] got = Arrays.copyOfRange(found, i * per, (i + 1) * per);
                assertThat(norm(subtract(got, expected.perturbation)))
                        .as("sample %d, %s", i, settings).isLessThanOrEqualTo(1e-7 * Math.max(norm(expected.perturbation), 1e-3));
                assertThat(unroll.fooled()[i]).as("fooled %d", i).isEqualTo(expected.fooled);
                assertThat(unroll.wasCorrect()[i]).isEqualTo(expected.correct);
                wrong += expected.correct ? 0 : 1;
            }
            if (withLabels) {
                assertThat(wrong).as("misclassified samples exercised").isPositive();
            }
        }
    }

    private record Result(double[] perturbation, boolean fooled, boolean correct) {}

    /** DeepFool on one sample, as the algorithm reads. */
    private static Result reference(BlockClassifier model, Shape sample, double[] x0, long truth, DeepFool.Settings s) {
        int d = x0.length;
        int k = model.numClasses();
        double[] total = new double[d];
        double[] z0 = logits(model, sample, clip(x0, s.box()));
        Integer[] order = IntStream.range(0, k).boxed().sorted(Comparator.comparingDouble(c -> -z0[c])).toArray(Integer[]::new);
        int l = order[0];
        boolean correct = truth < 0 || truth == l;
        boolean fooled = false;
        for (int it = 0; it < s.maxIterations() && !fooled; it++) {
            double[] xi = clip(add(x0, total, 1), s.box());
            double[] z = logits(model, sample, xi);
            double[][] jac = jacobian(model, sample, xi);
            int ref = correct ? l : argmax(z);
            int[] candidates = correct ? Arrays.stream(order, 1, Math.min(s.candidates(), k)).mapToInt(Integer::intValue).toArray()
                    : new int[] {(int) truth};
            double best = Double.POSITIVE_INFINITY;
            double[] bestW = null;
            double bestF = 0;
            for (int c : candidates) {
                double[] w = subtract(jac[c], jac[ref]);
                double f = z[c] - z[ref];
                double dual = s.norm() == Norm.LINF ? l1(w) + DeepFool.TINY : Math.sqrt(norm(w) * norm(w) + DeepFool.TINY);
                if (bestW == null || Math.abs(f) / dual < best) {
                    best = Math.abs(f) / dual;
                    bestW = w;
                    bestF = f;
                }
            }
            for (int j = 0; j < d; j++) {
                total[j] += s.norm() == Norm.LINF ? Math.abs(bestF) / (l1(bestW) + DeepFool.TINY) * Math.signum(bestW[j])
                        : Math.abs(bestF) / (norm(bestW) * norm(bestW) + DeepFool.TINY) * bestW[j];
            }
            int now = argmax(logits(model, sample, clip(add(x0, total, 1 + s.overshoot()), s.box())));
            fooled = correct ? now != l : now == truth;
        }
        return new Result(subtract(clip(add(x0, total, 1 + s.overshoot()), s.box()), x0), fooled, correct);
    }

    private static double[] logits(BlockClassifier model, Shape sample, double[] x) {
        NDManager m = NDManager.newBaseManager();
        try (m) {
            return Autograd.notRecording(() -> model.logits(m.create(x, new Shape(1).addAll(sample)))).toDoubleArray();
        }
    }

    private static double[][] jacobian(BlockClassifier model, Shape sample, double[] x) {
        int k = model.numClasses();
        double[][] rows = new double[k][];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray input = m.create(x, new Shape(1).addAll(sample));
            for (int c = 0; c < k; c++) {
                int cls = c;
                rows[c] = model.inputGradient(input, z -> z.get(":, " + cls).sum()).toDoubleArray();
            }
        }
        return rows;
    }

    private static double[] clip(double[] x, InputBox box) {
        if (box == null) {
            return x;
        }
        float[] lo = box.lower();
        float[] hi = box.upper();
        double[] out = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            out[j] = Math.min(Math.max(x[j], lo[j]), hi[j]);
        }
        return out;
    }

    private static double[] add(double[] a, double[] b, double scale) {
        double[] out = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = a[j] + scale * b[j];
        }
        return out;
    }

    private static double[] subtract(double[] a, double[] b) {
        return add(a, b, -1);
    }

    private static double norm(double[] v) {
        return Math.sqrt(Arrays.stream(v).map(a -> a * a).sum());
    }

    private static double l1(double[] v) {
        return Arrays.stream(v).map(Math::abs).sum();
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) {
            if (v[j] > v[best]) {
                best = j;
            }
        }
        return best;
    }
}
