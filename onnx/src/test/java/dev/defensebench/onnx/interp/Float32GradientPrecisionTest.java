package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 24, item 2: on the precision fixtures (GoogLeNet-initialised Inception with tiny gradients, Inception with LRN
 * and a WideResNet with scaled-up convolutions), the interpreter's float32 input gradient is within 10× of PyTorch's
 * own float32 error, both measured against PyTorch's float64 gradient of the same loss and weights (max |g − g64| /
 * max |g64|). The float64 interpreter is checked too: it must agree with PyTorch float64 to 1e-5 (the file's weights
 * are float32 and BatchNorm may be folded, so not to the last bit).
 */
class Float32GradientPrecisionTest {

    static Stream<PyTorchFixture> precision() {
        return PyTorchFixture.all().stream().filter(PyTorchFixture::precision);
    }

    @Test
    void theManifestListsTheThreePrecisionFixtures() {
        assertThat(precision().map(PyTorchFixture::name))
                .containsExactlyInAnyOrder("googlenet_tiny_grads", "inception_large", "wide_resnet_large");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("precision")
    void float32InputGradientsAreAsAccurateAsPyTorchs(PyTorchFixture f) {
        double[] reference = f.grad64();
        double torchError = error(toDoubles(f.grad()), reference);
        double interpreted = error(gradient(f, DataType.FLOAT32), reference);
        double wide = error(gradient(f, DataType.FLOAT64), reference);
        assertThat(interpreted).as("%s: interpreter float32 %.3g vs PyTorch float32 %.3g", f.name(), interpreted, torchError)
                .isLessThanOrEqualTo(10 * torchError);
        assertThat(wide).as("%s: interpreter float64", f.name()).isLessThanOrEqualTo(1e-5);
    }

    private static double[] gradient(PyTorchFixture f, DataType type) {
        try (NDManager manager = NDManager.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(f.classifier(), manager, type);
            NDArray input = manager.create(f.input(), new Shape(f.inputShape())).toType(type, false);
            NDArray g = Autograd.recording(() -> {
                NDArray x = Autograd.leaf(input);
                NDArray logits = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
                NDArray oneHot = manager.create(f.labels()).oneHot(f.classes()).toType(type, false);
                return Autograd.gradient(logits.logSoftmax(1).mul(oneHot).sum().neg(), x, false);
            });
            return g.toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** max |a − b| / max |b|. */
    private static double error(double[] a, double[] b) {
        assertThat(a).hasSameSizeAs(b);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }
}
