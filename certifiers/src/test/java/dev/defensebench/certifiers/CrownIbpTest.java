package dev.defensebench.certifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.NotCertifiableException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CROWN-IBP margin bounds against a float64 PyTorch reference ({@code make_crown_ibp_fixtures.py}: the same
 * algorithm on the dense Jacobian matrices of the layers, written independently) on an MLP and on a conv net with
 * BatchNorm and a strided convolution; soundness on 10,000 random points of every ε-ball; the certifier's
 * {@code bound: crown-ibp} verifies at least what IBP verifies; unsupported blocks are refused by name.
 */
class CrownIbpTest {

    private static final Shape SAMPLE = new Shape(1, 6, 6);

    static Block conv() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(3).build())
                .add(BatchNorm.builder().optEpsilon((float) Math.pow(2, -10)).build())
                .add(Activation.reluBlock())
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optStride(new Shape(2, 2))
                        .setFilters(4).build())
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(4).build());
    }

    private static BlockClassifier model(NDManager m, String net, IbpFixture f) {
        return IntervalBoundPropagationTest.load(m, net.equals("crown_mlp") ? IntervalBoundPropagationTest.mlp() : conv(), f);
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

    private static Interval ball(NDArray x, double eps) {
        return new Interval(x.sub(eps).maximum(0), x.add(eps).minimum(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"crown_mlp", "crown_conv"})
    void marginBoundsEqualTheFloat64Reference(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load(net);
            BlockClassifier model = model(m, net, f);
            NDArray x = tensor(m, f.get("x"));
            long[] y = labels(f);
            for (double eps : new double[] {0.0, 0.01, 0.05, 0.1}) {
                String key = "crown@" + (eps == 0 ? "0" : Double.toString(eps));
                double[] actual = new CrownIbp().marginLowerBounds(model.block(), ball(x, eps), y).toDoubleArray();
                double[] expected = f.get(key).values();
                for (int i = 0; i < actual.length; i++) {
                    if (i % 4 == y[i / 4]) {
                        assertThat(actual[i]).isEqualTo(Double.POSITIVE_INFINITY);
                    } else {
                        assertThat(actual[i]).as("%s %s [%d]", net, key, i).isCloseTo(expected[i], within(1e-10));
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"crown_mlp", "crown_conv"})
    void marginsOfTenThousandRandomPointsOfEachBallLieAboveTheBounds(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load(net);
            BlockClassifier model = model(m, net, f);
            NDArray xs = tensor(m, f.get("x"));
            long[] ys = labels(f);
            Random random = new Random(29);
            for (int point = 0; point < 2; point++) {
                NDArray x = xs.get(point).expandDims(0);
                int y = (int) ys[point];
                for (double eps : new double[] {0.01, 0.05, 0.1}) {
                    Interval in = ball(x, eps);
                    double[] bound = new CrownIbp().marginLowerBounds(model.block(), in, new long[] {y}).toDoubleArray();
                    double[] lo = in.lower().toDoubleArray();
                    double[] hi = in.upper().toDoubleArray();
                    double[] samples = new double[10_000 * lo.length];
                    for (int s = 0; s < 10_000; s++) {
                        boolean corner = s % 4 == 0;
                        for (int j = 0; j < lo.length; j++) {
                            double u = corner ? (random.nextBoolean() ? 1 : 0) : random.nextDouble();
                            samples[s * lo.length + j] = lo[j] + u * (hi[j] - lo[j]);
                        }
                    }
                    double[] z = model.logits(m.create(samples, new Shape(10_000).addAll(SAMPLE))).toDoubleArray();
                    for (int s = 0; s < 10_000; s++) {
                        for (int k = 0; k < 4; k++) {
                            if (k != y) {
                                assertThat(z[s * 4 + y] - z[s * 4 + k]).as("%s point %d eps %s sample %d class %d", net, point, eps, s, k)
                                        .isGreaterThanOrEqualTo(bound[k] - 1e-9);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void theCertifiersCrownIbpBoundVerifiesAtLeastWhatIbpVerifies() {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load("crown_conv");
            BlockClassifier model = model(m, "crown_conv", f);
            NDArray x = tensor(m, f.get("x"));
            long[] y = labels(f);
            IntervalBoundPropagation certifier = new IntervalBoundPropagation();
            List<Double> grid = List.of(0.01, 0.05, 0.1);
            Certification ibp = certifier.certify(model, x, m.create(y), grid,
                    Hyperparameters.resolve("c", certifier.parameters(), Map.of()), 0);
            Certification crown = certifier.certify(model, x, m.create(y), grid,
                    Hyperparameters.resolve("c", certifier.parameters(), Map.of("bound", "crown-ibp")), 0);
            for (double eps : grid) {
                int expected = 0;
                double[] ibpMargins = new IntervalPropagation().marginLowerBounds(model.block(), ball(x, eps), y).toDoubleArray();
                double[] reference = f.get("crown@" + eps).values();
                for (int i = 0; i < y.length; i++) {
                    boolean ok = true;
                    for (int k = 0; k < 4; k++) {
                        ok &= k == y[i] || Math.max(ibpMargins[i * 4 + k], reference[i * 4 + k]) > 0;
                    }
                    expected += ok ? 1 : 0;
                }
                assertThat(crown.countCertified(y, eps)).as("eps %s", eps).isEqualTo(expected)
                        .isGreaterThanOrEqualTo(ibp.countCertified(y, eps));
            }
            assertThatThrownBy(() -> certifier.validate(Hyperparameters.resolve("c", certifier.parameters(), Map.of("bound", "lp"))))
                    .hasMessage("certifier 'ibp': parameter 'bound' must be 'ibp' or 'crown-ibp', found 'lp'");
        }
    }

    @Test
    void poolingAndResidualNetworksAreRefusedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            IbpFixture f = IbpFixture.load("conv");
            BlockClassifier model = IntervalBoundPropagationTest.load(m, IntervalBoundPropagationTest.conv(), f);
            assertThat(CrownIbp.whyNot(model.block())).startsWith("not certifiable by CROWN-IBP: operator maxPool2d");
            IntervalBoundPropagation certifier = new IntervalBoundPropagation();
            NDArray x = tensor(m, f.get("x"));
            assertThatThrownBy(() -> certifier.certify(model, x, m.create(labels(f)), List.of(0.01),
                    Hyperparameters.resolve("c", certifier.parameters(), Map.of("bound", "crown-ibp")), 0))
                    .isInstanceOf(NotCertifiableException.class).hasMessageContaining("operator maxPool2d");
        }
    }
}
