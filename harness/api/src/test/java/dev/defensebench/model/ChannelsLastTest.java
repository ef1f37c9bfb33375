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
import org.junit.jupiter.api.Test;

/**
 * LeNet with its {@link ChannelsLast} layout step gives the logits, input gradients and second derivatives
 * of the same layers, with the same weights, without it: the layout changes only the order of float
 * additions (1e-5 relative), in float32 as the networks run, and to 1e-12 in float64.
 */
class ChannelsLastTest {

    @Test
    void lenetComputesTheSameWithAndWithoutIt() {
        for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT64}) {
            double tolerance = type == DataType.FLOAT32 ? 1e-5 : 1e-12;
            try (NDManager m = NDManager.newBaseManager()) {
                m.getEngine().setRandomSeed(11);
                Block lenet = new LeNet().build(new Shape(1, 28, 28), 10);
                lenet.initialize(m, type, new Shape(1, 1, 28, 28));
                SequentialBlock plain = new SequentialBlock();
                lenet.getChildren().values().stream().filter(b -> !(b instanceof ChannelsLast)).forEach(plain::add);
                assertThat(plain.getChildren().size()).isEqualTo(lenet.getChildren().size() - 1);
                InputBox box = InputBox.uniform(0, 1, new Shape(1, 28, 28));
                NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 28, 28), type);
                NDArray[] with = derivatives(new BlockClassifier(lenet, 10, box), x);
                NDArray[] without = derivatives(new BlockClassifier(plain, 10, box), x);
                String[] what = {"logits", "input gradient", "second derivative"};
                for (int i = 0; i < what.length; i++) {
                    double scale = without[i].abs().max().toType(DataType.FLOAT64, false).getDouble();
                    assertThat(scale).as(what[i]).isPositive();
                    assertThat(with[i].sub(without[i]).abs().max().toType(DataType.FLOAT64, false).getDouble() / scale).as("%s, %s", what[i], type)
                            .isLessThan(tolerance);
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
        }
    }
}
