package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Interval bound propagation across the interpreter's PyTorch fixture zoo ({@code make_fixtures.py}'s torch.onnx
 * exports): the graphs whose operators all have interval rules (MLP, ResNets with their input normalisation, residual
 * Adds and GlobalAveragePool, WideResNets with BatchNormalization, LeakyRelu, Pad, Concat and shape arithmetic) are
 * accepted, and their float64 bounds at ε 0.01 contain the logits of 1,000 random points of the ball around their
 * first input (a quarter at the corners) and the forward pass at the ball's centre; the others are refused naming
 * the operator that stands in the way.
 */
class IntervalZooTest {

    /** The fixtures IBP bounds, and the operator each other one is refused for. */
    private static final Map<String, String> EXPECTED = new TreeMap<>(Map.ofEntries(
            Map.entry("mlp_view", ""), Map.entry("resnet", ""), Map.entry("resnet_opset11", ""),
            Map.entry("resnet_opset17", ""), Map.entry("wide_resnet", ""), Map.entry("wide_resnet_bn", ""),
            Map.entry("wide_resnet_large", ""), Map.entry("two_outputs", ""),
            Map.entry("mobilenet", "HardSwish"), Map.entry("inception", "Elu"), Map.entry("layernorm_opset17", "LayerNormalization"),
            Map.entry("vit", "Pow"), Map.entry("gelu_opset20", "GroupNormalization")));

    @Test
    void everyGraphWhoseOperatorsHaveRulesIsBoundedSoundlyAndTheOthersAreRefusedByOperator() {
        for (PyTorchFixture f : PyTorchFixture.all()) {
            if (!EXPECTED.containsKey(f.name())) {
                continue;
            }
            try (NDManager m = NDManager.newBaseManager()) {
                OnnxGraphBlock block = OnnxGraphBlock.build(f.classifier(), m, DataType.FLOAT64);
                String why = block.whyNotBounded();
                String operator = EXPECTED.get(f.name());
                if (!operator.isEmpty()) {
                    assertThat(why).as(f.name()).startsWith("not certifiable: operator " + operator + " (node ");
                    continue;
                }
                assertThat(why).as(f.name()).isNull();
                sound(f, block, m);
            }
        }
    }

    private static void sound(PyTorchFixture f, OnnxGraphBlock block, NDManager m) {
        Shape sample = new Shape(f.inputShape()).slice(1);
        int per = (int) sample.size();
        double[] x = new double[per];
        for (int j = 0; j < per; j++) {
            x[j] = f.input()[j];
        }
        double eps = 0.01;
        NDArray centre = m.create(x, new Shape(1).addAll(sample));
        NDList bounds = block.outputBounds(centre.sub(eps), centre.add(eps));
        double[] lower = bounds.get(0).toDoubleArray();
        double[] upper = bounds.get(1).toDoubleArray();
        Random random = new Random(31);
        int n = 1000;
        double[] samples = new double[n * per];
        for (int s = 0; s < n; s++) {
            boolean corner = s % 4 == 0;
            for (int j = 0; j < per; j++) {
                double u = corner ? (random.nextBoolean() ? 1 : -1) : 2 * random.nextDouble() - 1;
                samples[s * per + j] = x[j] + eps * u;
            }
        }
        double[] z = block.forward(new ParameterStore(), new NDList(m.create(samples, new Shape(n).addAll(sample))), false)
                .singletonOrThrow().toDoubleArray();
        double[] atCentre = block.forward(new ParameterStore(), new NDList(centre), false).singletonOrThrow().toDoubleArray();
        int classes = lower.length;
        for (int k = 0; k < classes; k++) {
            assertThat(atCentre[k]).as("%s centre class %d", f.name(), k).isBetween(lower[k], upper[k]);
            assertThat(upper[k] - lower[k]).as("%s width class %d", f.name(), k).isPositive();
            for (int s = 0; s < n; s++) {
                assertThat(z[s * classes + k]).as("%s sample %d class %d", f.name(), s, k).isBetween(lower[k] - 1e-9, upper[k] + 1e-9);
            }
        }
    }
}
