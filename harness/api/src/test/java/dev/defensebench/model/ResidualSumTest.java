package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResidualSum} of {@code shortcut = x} and {@code branch = relu(x)}: {@code a₀·x + a₁·relu(x)} against the
 * closed form, its input gradient {@code a₀ + a₁·[x > 0]}, the weights' gradient {@code (Σx, Σrelu(x))} when they
 * train, and the plain sum issued without the products (libtorch's profiler lists no multiplication) while the
 * weights are frozen at (1, 1).
 */
class ResidualSumTest {

    private static final float[] X = {-1.5f, -0.25f, 0f, 0.5f, 2f, 3.25f};

    @Test
    void frozenUnitWeightsGiveThePlainSumWithoutProducts(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResidualSum sum = sum(manager, DataType.FLOAT32);
            NDArray x = manager.create(X, new Shape(2, 3));
            Path trace = dir.resolve("trace.json");
            JniUtils.startProfile(false, false, false);
            float[] out;
            float[] grad;
            try {
                out = forward(sum, x).toFloatArray();
                grad = inputGradient(sum, x).toFloatArray();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            for (int i = 0; i < X.length; i++) {
                assertThat(out[i]).as("output %d", i).isEqualTo(X[i] + Math.max(X[i], 0f));
                assertThat(grad[i]).as("input gradient %d", i).isEqualTo(X[i] > 0 ? 2f : 1f);
            }
            String events = Files.readString(trace);
            assertThat(events).as("the profile of the forward and backward").contains("\"aten::add\"")
                    .doesNotContain("\"aten::mul\"");
        }
    }

    @Test
    void frozenTrainedWeightsScaleBothPaths() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResidualSum sum = sum(manager, DataType.FLOAT64);
            sum.aggregation().getArray().set(new double[] {0.25, 2.0});
            NDArray x = manager.create(X, new Shape(2, 3)).toType(DataType.FLOAT64, false);
            double[] out = forward(sum, x).toDoubleArray();
            double[] grad = inputGradient(sum, x).toDoubleArray();
            for (int i = 0; i < X.length; i++) {
                assertThat(out[i]).as("output %d", i).isCloseTo(0.25 * X[i] + 2.0 * Math.max(X[i], 0), within(1e-12));
                assertThat(grad[i]).as("input gradient %d", i).isCloseTo(X[i] > 0 ? 2.25 : 0.25, within(1e-12));
            }
        }
    }

    @Test
    void trainableWeightsAtOneStillGetTheirGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ResidualSum sum = new ResidualSum(Activation.reluBlock(), Blocks.identityBlock());
            sum.makeConvex();
            sum.initialize(manager, DataType.FLOAT64, new Shape(2, 3));
            NDArray a = sum.aggregation().getArray();
            a.set(new double[] {1.0, 1.0});
            NDArray x = manager.create(X, new Shape(2, 3)).toType(DataType.FLOAT64, false);
            double[] grad = Autograd.recording(() -> Autograd.gradients(forward(sum, x).sum(), List.of(a), false))
                    .singletonOrThrow().toDoubleArray();
            double sumX = 0;
            double sumRelu = 0;
            for (float v : X) {
                sumX += v;
                sumRelu += Math.max(v, 0);
            }
            assertThat(grad[0]).as("d/d a0 = sum of x").isCloseTo(sumX, within(1e-12));
            assertThat(grad[1]).as("d/d a1 = sum of relu(x)").isCloseTo(sumRelu, within(1e-12));
        }
    }

    private static ResidualSum sum(NDManager manager, DataType type) {
        ResidualSum sum = new ResidualSum(Activation.reluBlock(), Blocks.identityBlock());
        sum.initialize(manager, type, new Shape(2, 3));
        return sum;
    }

    private static NDArray forward(ResidualSum sum, NDArray x) {
        return sum.forward(new ParameterStore(), new NDList(x), true).singletonOrThrow();
    }

    private static NDArray inputGradient(ResidualSum sum, NDArray x) {
        return Autograd.recording(() -> {
            NDArray leaf = Autograd.leaf(x);
            return Autograd.gradients(forward(sum, leaf).sum(), List.of(leaf), false);
        }).singletonOrThrow();
    }
}
