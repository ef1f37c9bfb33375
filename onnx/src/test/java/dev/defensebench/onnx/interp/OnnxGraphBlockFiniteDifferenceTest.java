package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The interpreter's input gradients in float64 against central finite differences: for seeded random
 * directions v, the directional derivative ⟨∇f(x), v⟩ of the summed logits weighted by fixed random
 * coefficients equals (f(x + hv) − f(x − hv)) / 2h, with h = 1e-7 small enough that no ReLU, clip or
 * max-pool kink lies between the two points.
 */
class OnnxGraphBlockFiniteDifferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenet", "inception", "decoder"})
    void inputGradientsMatchFiniteDifferencesInFloat64(String name) {
        PyTorchFixture f = PyTorchFixture.named(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(f.model(), manager, DataType.FLOAT64);
            Shape shape = new Shape(f.inputShape());
            NDArray x = manager.create(f.input(), shape).toType(DataType.FLOAT64, false);
            Random random = new Random(3);
            double[] weights = new double[(int) shape.get(0) * f.classes()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = random.nextGaussian();
            }
            NDArray w = manager.create(weights, new Shape(shape.get(0), f.classes()));
            NDArray grad = Autograd.recording(() -> {
                NDArray leaf = Autograd.leaf(x);
                return Autograd.gradient(forward(block, leaf).mul(w).sum(), leaf, false);
            });
            double h = 1e-7;
            for (int d = 0; d < 3; d++) {
                double[] v = new double[(int) shape.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = random.nextGaussian();
                }
                NDArray dir = manager.create(v, shape);
                double analytic = grad.mul(dir).sum().getDouble();
                double plus = Autograd.notRecording(() -> forward(block, x.add(dir.mul(h))).mul(w).sum().getDouble());
                double minus = Autograd.notRecording(() -> forward(block, x.sub(dir.mul(h))).mul(w).sum().getDouble());
                double numeric = (plus - minus) / (2 * h);
                assertThat(Math.abs(analytic - numeric) / Math.max(1, Math.abs(numeric)))
                        .as("%s direction %d: analytic %s vs numeric %s", name, d, analytic, numeric).isLessThan(1e-6);
            }
        }
    }

    private static NDArray forward(OnnxGraphBlock block, NDArray x) {
        return block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
    }
}
