package dev.defensebench.certifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.util.Pair;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ResidualSum;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.LinearClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interval bounds against a float64 PyTorch reference ({@code make_ibp_fixtures.py}, which propagates
 * independently of this code) on an MLP and on a conv net with BatchNorm, max and average pooling and a
 * residual sum with a negative weight; and soundness: the logits and margins of 10,000 random points of
 * every ε-ball lie inside the bounds.
 */
class IntervalBoundPropagationTest {

    private static final Shape SAMPLE = new Shape(1, 6, 6);
    private static final double[] EPS = {0.0, 0.01, 0.05, 0.1};

    static Block mlp() {
        return new SequentialBlock().add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(8).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(4).build());
    }

    static Block conv() {
        Block branch = new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(3).build())
                .add(Activation.reluBlock());
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(3).build())
                .add(BatchNorm.builder().build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(new ResidualSum(branch, Blocks.identityBlock()))
                .add(Pool.avgPool2dBlock(new Shape(2, 2), new Shape(1, 1)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(4).build());
    }

    /** The network with the fixture's parameters p0, p1, ... in DJL's parameter order, float64. */
    static BlockClassifier load(NDManager m, Block block, IbpFixture f) {
        block.initialize(m, DataType.FLOAT64, new Shape(1).addAll(SAMPLE));
        int k = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            IbpFixture.Tensor t = f.get("p" + k++);
            NDArray a = p.getValue().getArray();
            assertThat(a.getShape()).as(p.getKey()).isEqualTo(new Shape(t.shape()));
            a.muli(0).addi(m.create(t.values(), a.getShape()));
        }
        assertThat(f.tensors()).doesNotContainKey("p" + k);
        return new BlockClassifier(block, 4, InputBox.uniform(0, 1, SAMPLE));
    }

    private static NDArray tensor(NDManager m, IbpFixture.Tensor t) {
        return m.create(t.values(), new Shape(t.shape()));
    }

    private static long[] labels(IbpFixture f) {
        double[] y = f.get("y").values();
        long[] out = new long[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (long) y[i];
        }
        return out;
    }

    private static Interval ball(BlockClassifier model, NDArray x, double eps) {
        var box = model.box().bounds(x);
        return new Interval(x.sub(eps).maximum(box.get(0)), x.add(eps).minimum(box.get(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "conv"})
    void boundsAndElidedMarginsEqualTheFloat64Reference(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load(net);
            BlockClassifier model = load(m, net.equals("mlp") ? mlp() : conv(), f);
            NDArray x = tensor(m, f.get("x"));
            long[] y = labels(f);
            for (double eps : EPS) {
                String key = "@" + (eps == 0 ? "0" : Double.toString(eps));
                Interval in = ball(model, x, eps);
                Interval out = new IntervalPropagation().through(model.block(), in);
                assertClose(out.lower(), f.get("lower" + key), net + " lower" + key);
                assertClose(out.upper(), f.get("upper" + key), net + " upper" + key);
                double[] margins = new IntervalPropagation().marginLowerBounds(model.block(), in, y).toDoubleArray();
                double[] expected = f.get("margin" + key).values();
                for (int i = 0; i < margins.length; i++) {
                    if (i % 4 == y[i / 4]) {
                        assertThat(margins[i]).isEqualTo(Double.POSITIVE_INFINITY);
                    } else {
                        assertThat(margins[i]).as("%s margin%s [%d]", net, key, i).isCloseTo(expected[i], within(1e-10));
                    }
                }
            }
        }
    }

    private static void assertClose(NDArray actual, IbpFixture.Tensor expected, String what) {
        assertThat(actual.getShape()).as(what).isEqualTo(new Shape(expected.shape()));
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s[%d]", what, i).isCloseTo(expected.values()[i], within(1e-10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "conv"})
    void logitsAndMarginsOfTenThousandRandomPointsOfEachBallLieInsideTheBounds(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load(net);
            BlockClassifier model = load(m, net.equals("mlp") ? mlp() : conv(), f);
            NDArray xs = tensor(m, f.get("x"));
            long[] ys = labels(f);
            Random random = new Random(17);
            for (int point = 0; point < 2; point++) {
                NDArray x = xs.get(point).expandDims(0);
                for (double eps : new double[] {0.01, 0.05, 0.1}) {
                    Interval in = ball(model, x, eps);
                    Interval out = new IntervalPropagation().through(model.block(), in);
                    double[] lower = out.lower().toDoubleArray();
                    double[] upper = out.upper().toDoubleArray();
                    double[] margin = new IntervalPropagation().marginLowerBounds(model.block(), in, new long[] {ys[point]})
                            .toDoubleArray();
                    double[] lo = in.lower().toDoubleArray();
                    double[] hi = in.upper().toDoubleArray();
                    double[] samples = new double[10_000 * lo.length];
                    for (int s = 0; s < 10_000; s++) {
                        boolean corner = s % 4 == 0; // a quarter at the corners, where the extremes lie
                        for (int j = 0; j < lo.length; j++) {
                            double u = corner ? (random.nextBoolean() ? 1 : 0) : random.nextDouble();
                            samples[s * lo.length + j] = lo[j] + u * (hi[j] - lo[j]);
                        }
                    }
                    double[] z = model.logits(m.create(samples, new Shape(10_000).addAll(SAMPLE))).toDoubleArray();
                    for (int s = 0; s < 10_000; s++) {
                        for (int k = 0; k < 4; k++) {
                            double v = z[s * 4 + k];
                            assertThat(v).as("%s point %d eps %s sample %d class %d", net, point, eps, s, k)
                                    .isBetween(lower[k] - 1e-9, upper[k] + 1e-9);
                            if (k != ys[point]) {
                                assertThat(z[s * 4 + (int) ys[point]] - v).isGreaterThanOrEqualTo(margin[k] - 1e-9);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void certifiesTheLargestEpsilonUpToWhichEveryEpsilonIsVerified() {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load("mlp");
            BlockClassifier model = load(m, mlp(), f);
            NDArray x = tensor(m, f.get("x"));
            long[] y = labels(f);
            IntervalBoundPropagation ibp = new IntervalBoundPropagation();
            Hyperparameters p = Hyperparameters.resolve("certifier 'ibp'", ibp.parameters(), Map.of("batch", 5));
            List<Double> grid = List.of(0.0, 0.01, 0.05, 0.1);
            Certification c = ibp.certify(model, x, m.create(y), grid, p, 0);
            long[] clean = model.predict(x).toLongArray();
            int[] predicted = c.predicted();
            double[] radius = c.radius();
            for (int i = 0; i < y.length; i++) {
                assertThat(predicted[i]).isEqualTo((int) clean[i]);
                double expected = 0;
                for (double eps : List.of(0.01, 0.05, 0.1)) {
                    if (!verifiedInFixture(f, i, y[i], eps)) {
                        break;
                    }
                    expected = eps;
                }
                assertThat(radius[i]).as("point %d", i).isEqualTo(expected);
            }
            for (double eps : grid) {
                int fixtureCount = 0;
                for (int i = 0; i < y.length; i++) {
                    fixtureCount += eps == 0 ? (clean[i] == y[i] ? 1 : 0) : (verifiedInFixture(f, i, y[i], eps) ? 1 : 0);
                }
                assertThat(c.countCertified(y, eps)).as("verified at %s", eps).isEqualTo(fixtureCount);
            }
            assertThat(c.countCertified(y, 0.01)).isPositive();
        }
    }

    private static boolean verifiedInFixture(IbpFixture f, int i, long y, double eps) {
        double[] margins = f.get("margin@" + eps).values();
        for (int k = 0; k < 4; k++) {
            if (k != y && !(margins[i * 4 + k] > 0)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void anUnknownOperatorIsNotCertifiableAndNamed() {
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(LambdaBlock.singleton(NDArray::neg, "negate")).add(Linear.builder().setUnits(4).build());
            net.initialize(m, DataType.FLOAT64, new Shape(1).addAll(SAMPLE));
            BlockClassifier model = new BlockClassifier(net, 4, InputBox.uniform(0, 1, SAMPLE));
            NDArray x = m.zeros(new Shape(1).addAll(SAMPLE), DataType.FLOAT64);
            assertThatThrownBy(() -> IntervalBoundPropagation.verified(model, x, new long[] {0}, 0.1))
                    .hasMessageContaining("not certifiable: operator negate");
            LinearClassifier linear = new LinearClassifier(m.zeros(new Shape(4, 36), DataType.FLOAT64),
                    m.zeros(new Shape(4), DataType.FLOAT64), InputBox.uniform(0, 1, SAMPLE));
            assertThatThrownBy(() -> IntervalBoundPropagation.verified(linear, x, new long[] {0}, 0.1))
                    .hasMessageContaining("not certifiable").hasMessageContaining("LinearClassifier");
        }
    }
}
