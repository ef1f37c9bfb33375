package dev.defensebench.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.train.Losses;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients through scalars stay right when the garbage collector runs between the forward and the
 * backward pass and the freed direct memory is reused: the condition under which DJL's {@code x.pow(-1)},
 * {@code x.mul(2)} and the like (scalars over Java buffers that DJL closes at once) gave a zero gradient in
 * 74 of 200 tries here. {@link Scalars#of} and the library's differentiable code that uses it must give the
 * same gradient as without the collector, every time.
 */
class ScalarsTest {

    private static final int TRIES = 60;

    /** The input gradient of {@code f} at {@code x0}, with the collector run and direct memory churned in between. */
    private static double[] gradient(NDArray x0, Function<NDArray, NDArray> f, boolean churn) {
        return Autograd.recording(() -> {
            NDArray x = Autograd.leaf(x0);
            NDArray y = f.apply(x).sum();
            if (churn) {
                System.gc();
                List<ByteBuffer> junk = new ArrayList<>();
                for (int k = 0; k < 2000; k++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(8);
                    b.putDouble(0, 12345);
                    junk.add(b);
                }
            }
            return Autograd.gradient(y, x, false);
        }).toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static void stableUnderCollection(NDArray x0, Function<NDArray, NDArray> f) {
        double[] expected = gradient(x0, f, false);
        for (int t = 0; t < TRIES; t++) {
            assertThat(gradient(x0, f, true)).as("try %d", t).containsExactly(expected, within(1e-12));
        }
    }

    @Test
    void aScalarOperandOutlivesTheForwardPass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new float[] {2f, 4f});
            double[] g = gradient(x0, x -> Scalars.of(x, 3).div(x), true);
            assertThat(g).containsExactly(new double[] {-0.75, -0.1875}, within(1e-6));
            stableUnderCollection(x0, x -> Scalars.of(x, 3).div(x).mul(Scalars.of(x, 0.5)));
        }
    }

    @Test
    void aFloat64ScalarOutlivesTheForwardPassToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = m.create(new double[] {2, 4});
            double[] g = gradient(x0, x -> Scalars.of(x, 3).div(x), true);
            assertThat(g).containsExactly(new double[] {-0.75, -0.1875}, within(1e-15));
            stableUnderCollection(x0, x -> Scalars.of(x, 3).div(x).mul(Scalars.of(x, 0.5)));
        }
    }

    @Test
    void keepsItsTypeAndValueExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray s = Scalars.of(m.create(new double[] {1}), 0.044715);
            assertThat(s.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(s.getDouble()).isEqualTo(0.044715);
            assertThat(Scalars.of(m.create(new float[] {1}), 2).getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void theMarginAndTheZeroDerivativeOfATransformAreStable() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {1f, 3f, -2f, 0.5f, 0.2f, 4f}, new ai.djl.ndarray.types.Shape(2, 3));
            NDArray labels = m.create(new long[] {0, 2});
            stableUnderCollection(logits, z -> Losses.margin(z, labels));
            NDArray inputs = m.create(new float[] {0.1f, 0.7f, 0.3f});
            stableUnderCollection(inputs, x -> InputTransform.outsideTheGraph(x, new float[] {1f, 0f, 1f}).mul(x));
        }
    }
}
