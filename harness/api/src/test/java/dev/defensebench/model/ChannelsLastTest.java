package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.InputBox;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each network with a {@link ChannelsLast} layout step (LeNet after its first convolution, the CIFAR residual
 * networks after their stem) gives the logits, input gradients and second derivatives of the same layers, with
 * the same weights, without it, in inference and in training mode: the layout changes only the order of float
 * additions (1e-5 relative), in float32 as the networks run, and to 1e-12 in float64.
 */
class ChannelsLastTest {

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("lenet", new LeNet(), new Shape(1, 28, 28), 16),
                Arguments.of("resnet18 (width 4)", new ResNet18(4), new Shape(3, 16, 16), ResNet18.CHANNELS_LAST_FROM_BATCH),
                Arguments.of("preact-resnet18 (width 4)", new PreActResNet18(4), new Shape(3, 16, 16),
                        ResNet18.CHANNELS_LAST_FROM_BATCH),
                Arguments.of("wrn-10-1", new WideResNet(10, 1), new Shape(3, 16, 16), 4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void computesTheSameWithAndWithoutIt(String name, Architecture architecture, Shape sample, int batch) {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            double tolerance = type == DataType.FLOAT32 ? 1e-5 : 1e-12;
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(11);
                Block net = architecture.build(sample, 10);
                net.initialize(m, type, new Shape(1).addAll(sample));
                SequentialBlock plain = new SequentialBlock();
                net.getChildren().values().stream().filter(b -> !(b instanceof ChannelsLast)).forEach(plain::add);
                assertThat(plain.getChildren().size()).as("one layout step").isEqualTo(net.getChildren().size() - 1);
                InputBox box = InputBox.uniform(0, 1, sample);
                NDArray x = m.randomUniform(0, 1, new Shape(batch).addAll(sample), type);
                for (ForwardMode mode : ForwardMode.values()) {
                    NDArray[] with = derivatives(new BlockClassifier(net, 10, box).inMode(mode), x);
                    NDArray[] without = derivatives(new BlockClassifier(plain, 10, box).inMode(mode), x);
                    String[] what = {"logits", "input gradient", "second derivative"};
                    for (int i = 0; i < what.length; i++) {
                        double scale = without[i].abs().max().toType(DataType.FLOAT64, false).getDouble();
                        assertThat(scale).as(what[i]).isPositive();
                        assertThat(with[i].sub(without[i]).abs().max().toType(DataType.FLOAT64, false).getDouble() / scale)
                                .as("%s, %s, %s, %s", name, what[i], type, mode).isLessThan(tolerance);
                    }
                }
            }
        }
    }

    /** The logits, the input gradient of Σ softmax·logits, and d/dx of Σ u·(that gradient). */
    private static NDArray[] derivatives(BlockClassifier model, NDArray x) {
        return Autograd.recording(() -> {
            NDArray leaf = Autograd.leaf(x);
            NDArray logits = model.logits(leaf);
            NDArray g = Autograd.gradient(logits.softmax(1).mul(logits).sum(), leaf, true);
            NDArray u = x.getManager().linspace(-1f, 1f, (int) x.getShape().size()).toType(x.getDataType(), false)
                    .reshape(x.getShape());
            NDArray second = Autograd.gradient(g.mul(u).sum(), leaf, false);
            return new NDArray[] {logits.stopGradient(), g.stopGradient(), second};
        });
    }

    @Test
    void otherTensorsAndSecondOrderGraphsPassThrough() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray flat = m.randomUniform(0, 1, new Shape(3, 5));
            assertThat(ChannelsLast.apply(flat)).isSameAs(flat);
            NDArray image = m.randomUniform(0, 1, new Shape(2, 3, 4, 5));
            assertThat(ChannelsLast.apply(image)).isNotSameAs(image);
            assertThat(ChannelsLast.apply(image).toFloatArray()).containsExactly(image.toFloatArray());
            assertThat(Autograd.secondOrder(() -> ChannelsLast.apply(image))).isSameAs(image);
            assertThat(ChannelsLast.apply(image, 3)).isSameAs(image);
            assertThat(ChannelsLast.apply(image, 2)).isNotSameAs(image);
        }
    }
}
