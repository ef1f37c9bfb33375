package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2colConv2d} against libtorch's own convolution ({@code Conv2d.conv2d}) with the same weights, in
 * float64: the output, the input gradient and a second derivative (the weight gradient of a loss on the input
 * gradient, as Deep Defense takes it) agree to 1e-12 relative, with stride, padding and dilation other than one;
 * without a graph it is libtorch's convolution itself.
 */
class Im2colConv2dTest {

    private static final Shape INPUT = new Shape(3, 2, 11, 10);

    private static Im2colConv2d block(NDManager m) {
        m.getEngine().setRandomSeed(5);
        Im2colConv2d conv = new Im2colConv2d(Conv2d.builder().setKernelShape(new Shape(3, 4)).setFilters(5)
                .optStride(new Shape(2, 1)).optPadding(new Shape(1, 2)).optDilation(new Shape(1, 2)));
        conv.initialize(m, DataType.FLOAT64, INPUT);
        return conv;
    }

    private static NDArray weight(Im2colConv2d conv) {
        return conv.getParameters().get("weight").getArray();
    }

    private static NDArray bias(Im2colConv2d conv) {
        return conv.getParameters().get("bias").getArray();
    }

    /** The output, the input gradient of Σ r·out, and the weight gradient of Σ (that input gradient)². */
    private static NDArray[] derivatives(NDArray x, NDArray weight, java.util.function.Function<NDArray, NDArray> layer) {
        return Autograd.recording(() -> {
            NDArray leaf = Autograd.leaf(x);
            NDArray out = layer.apply(leaf);
            NDArray r = x.getManager().linspace(-1.0f, 2.0f, (int) out.getShape().size()).toType(DataType.FLOAT64, false)
                    .reshape(out.getShape());
            NDArray g = Autograd.gradient(out.mul(r).sum(), leaf, true);
            NDArray second = Autograd.gradient(g.square().sum(), weight, false);
            return new NDArray[] {out.stopGradient(), g.stopGradient(), second};
        });
    }

    private static double relativeError(NDArray found, NDArray expected) {
        double scale = expected.abs().max().getDouble();
        assertThat(scale).isPositive();
        return found.sub(expected).abs().max().getDouble() / scale;
    }

    @Test
    void outputInputGradientAndSecondDerivativeMatchLibtorchsConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            Im2colConv2d conv = block(m);
            NDArray x = m.randomNormal(0, 1, INPUT, DataType.FLOAT64);
            ParameterStore store = new ParameterStore(m, false);
            NDArray[] found = derivatives(x, weight(conv), leaf -> conv.forward(store, new NDList(leaf), true).singletonOrThrow());
            NDArray[] expected = derivatives(x, weight(conv), leaf -> Conv2d.conv2d(leaf, weight(conv), bias(conv),
                    conv.getStride(), conv.getPadding(), conv.getDilation(), 1).singletonOrThrow());
            assertThat(found[0].getShape()).isEqualTo(new Shape(3, 5, 6, 8));
            String[] what = {"output", "input gradient", "second derivative"};
            for (int i = 0; i < what.length; i++) {
                assertThat(found[i].getShape()).as(what[i]).isEqualTo(expected[i].getShape());
                assertThat(relativeError(found[i], expected[i])).as(what[i]).isLessThan(1e-12);
            }
        }
    }

    @Test
    void withoutAGraphItIsLibtorchsConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            Im2colConv2d conv = block(m);
            NDArray x = m.randomNormal(0, 1, INPUT, DataType.FLOAT64);
            NDArray found = Autograd.notRecording(() -> conv.forward(new ParameterStore(m, false), new NDList(x), false)
                    .singletonOrThrow());
            NDArray expected = Conv2d.conv2d(x, weight(conv), bias(conv), conv.getStride(), conv.getPadding(),
                    conv.getDilation(), 1).singletonOrThrow();
            assertThat(found.toDoubleArray()).containsExactly(expected.toDoubleArray());
        }
    }

    @Test
    void refusesGroupedOrBiaslessConvolutions() {
        assertThatThrownBy(() -> new Im2colConv2d(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optGroups(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups 2");
        assertThatThrownBy(() -> new Im2colConv2d(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).optBias(false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bias");
    }
}
