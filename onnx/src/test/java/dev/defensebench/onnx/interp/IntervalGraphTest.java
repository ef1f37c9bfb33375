package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.defensebench.onnx.FixtureModels;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.spi.NotCertifiableException;
import dev.defensebench.testing.TensorFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Interval bound propagation through imported ONNX graphs ({@link IntervalGraph} via {@link OnnxGraphBlock}) against
 * a float64 PyTorch reference ({@code make_ibp_onnx_fixtures.py}, which propagates through the PyTorch modules, not
 * the graph) on two torch.onnx exports: an MLP with normalisation and {@code x.view(x.size(0), -1)} in its forward
 * (Sub, Div, Shape, Gather, Unsqueeze, Concat, Reshape, Gemm, Relu) and a conv net (Conv, Relu, MaxPool,
 * BatchNormalization, a residual Add, Mul, Sub, Pad, AveragePool, Flatten, Gemm); soundness on 10,000 random
 * points of every ε-ball; and operators without a rule refused by name and node.
 */
class IntervalGraphTest {

    private static final Shape SAMPLE = new Shape(1, 6, 6);
    private static final int CLASSES = 4;

    private static Model model(String name) {
        try (InputStream in = IntervalGraphTest.class.getResourceAsStream("/fixtures/ibp/" + name + ".onnx")) {
            return OnnxCodec.decode(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, NDArray> fixture(NDManager m, String name) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        TensorFile.read(IntervalGraphTest.class, "/fixtures/ibp/" + name + ".bin", 8).forEach((key, raw) -> {
            double[] values = new double[raw.values().remaining() / 8];
            raw.values().asDoubleBuffer().get(values);
            out.put(key, m.create(values, new Shape(raw.shape())));
        });
        return out;
    }

    private static long[] labels(NDArray y) {
        return y.toType(DataType.INT64, false).toLongArray();
    }

    /** Row j of sample n: e_y − e_j. */
    private static NDArray marginSpec(NDManager m, long[] y) {
        double[] spec = new double[y.length * CLASSES * CLASSES];
        for (int n = 0; n < y.length; n++) {
            for (int j = 0; j < CLASSES; j++) {
                spec[(n * CLASSES + j) * CLASSES + (int) y[n]] += 1;
                spec[(n * CLASSES + j) * CLASSES + j] -= 1;
            }
        }
        return m.create(spec, new Shape(y.length, CLASSES, CLASSES));
    }

    private static NDArray[] ball(NDArray x, double eps) {
        return new NDArray[] {x.sub(eps).maximum(0), x.add(eps).minimum(1)};
    }

    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertThat(actual.getShape()).as(what).isEqualTo(expected.getShape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s[%d]", what, i).isCloseTo(e[i], within(1e-10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_view", "conv_residual"})
    void boundsAndElidedMarginsEqualTheFloat64Reference(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model(net), m, DataType.FLOAT64);
            assertThat(block.whyNotBounded()).isNull();
            Map<String, NDArray> f = fixture(m, net);
            NDArray x = f.get("x");
            long[] y = labels(f.get("y"));
            for (double eps : new double[] {0.0, 0.01, 0.05, 0.1}) {
                String key = "@" + (eps == 0 ? "0" : Double.toString(eps));
                NDArray[] box = ball(x, eps);
                NDList out = block.outputBounds(box[0], box[1]);
                assertClose(out.get(0), f.get("lower" + key), net + " lower" + key);
                assertClose(out.get(1), f.get("upper" + key), net + " upper" + key);
                NDArray margins = block.specLowerBounds(box[0], box[1], marginSpec(m, y));
                assertClose(margins, f.get("margin" + key), net + " margin" + key);
            }
            // the elided margins are tighter than lower_y − upper_j wherever the interval is not a point
            NDArray[] box = ball(x, 0.05);
            NDList out = block.outputBounds(box[0], box[1]);
            double[] lower = out.get(0).toDoubleArray();
            double[] upper = out.get(1).toDoubleArray();
            double[] margins = block.specLowerBounds(box[0], box[1], marginSpec(m, y)).toDoubleArray();
            for (int n = 0; n < y.length; n++) {
                for (int j = 0; j < CLASSES; j++) {
                    if (j != y[n]) {
                        assertThat(margins[n * CLASSES + j]).isGreaterThan(lower[n * CLASSES + (int) y[n]] - upper[n * CLASSES + j]);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_view", "conv_residual"})
    void logitsAndMarginsOfTenThousandRandomPointsOfEachBallLieInsideTheBounds(String net) {
        try (NDManager m = NDManager.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model(net), m, DataType.FLOAT64);
            Map<String, NDArray> f = fixture(m, net);
            long[] ys = labels(f.get("y"));
            Random random = new Random(23);
            for (int point = 0; point < 2; point++) {
                NDArray x = f.get("x").get(point).expandDims(0);
                long[] y = {ys[point]};
                for (double eps : new double[] {0.01, 0.05, 0.1}) {
                    NDArray[] box = ball(x, eps);
                    NDList out = block.outputBounds(box[0], box[1]);
                    double[] lower = out.get(0).toDoubleArray();
                    double[] upper = out.get(1).toDoubleArray();
                    double[] margin = block.specLowerBounds(box[0], box[1], marginSpec(m, y)).toDoubleArray();
                    double[] lo = box[0].toDoubleArray();
                    double[] hi = box[1].toDoubleArray();
                    double[] samples = new double[10_000 * lo.length];
                    for (int s = 0; s < 10_000; s++) {
                        boolean corner = s % 4 == 0; // a quarter at the corners, where the extremes lie
                        for (int j = 0; j < lo.length; j++) {
                            double u = corner ? (random.nextBoolean() ? 1 : 0) : random.nextDouble();
                            samples[s * lo.length + j] = lo[j] + u * (hi[j] - lo[j]);
                        }
                    }
                    NDArray batch = m.create(samples, new Shape(10_000).addAll(SAMPLE));
                    double[] z = block.forward(new ParameterStore(), new NDList(batch), false).singletonOrThrow().toDoubleArray();
                    for (int s = 0; s < 10_000; s++) {
                        for (int k = 0; k < CLASSES; k++) {
                            double v = z[s * CLASSES + k];
                            assertThat(v).as("%s point %d eps %s sample %d class %d", net, point, eps, s, k)
                                    .isBetween(lower[k] - 1e-9, upper[k] + 1e-9);
                            assertThat(z[s * CLASSES + (int) y[0]] - v).isGreaterThanOrEqualTo(margin[k] - 1e-9);
                        }
                    }
                }
            }
        }
    }

    @Test
    void anOperatorWithoutAnIntervalRuleIsNotCertifiableAndNamedWithItsNode() {
        try (NDManager m = NDManager.newBaseManager()) {
            OnnxGraphBlock softmax = OnnxGraphBlock.build(model("softmax_head"), m, DataType.FLOAT64);
            assertThat(softmax.whyNotBounded()).startsWith("not certifiable: operator Softmax (node ")
                    .contains("(Softmax)): interval bound propagation has no rule for it");
            NDArray x = m.zeros(new Shape(1).addAll(SAMPLE), DataType.FLOAT64);
            assertThatThrownBy(() -> softmax.outputBounds(x, x.add(0.1))).isInstanceOf(NotCertifiableException.class)
                    .hasMessage(softmax.whyNotBounded());
            // Abs runs in the interpreter but is not monotone: refused before any bound is computed
            Model abs = FixtureModels.mlp(FixtureModels.Weights.random(36, CLASSES, 4), SAMPLE.getShape(), "Abs", "");
            OnnxGraphBlock trainable = OnnxGraphBlock.trainable(abs, a -> a); // no weights needed to decide
            assertThat(trainable.whyNotBounded()).startsWith("not certifiable: operator Abs (node 'act' (Abs))");
            // the same graph with Relu is accepted, and nodes that do not depend on the image need no rule
            Model relu = FixtureModels.mlp(FixtureModels.Weights.random(36, CLASSES, 4), SAMPLE.getShape(), "Relu", "");
            assertThat(OnnxGraphBlock.trainable(relu, a -> a).whyNotBounded()).isNull();
        }
    }
}
