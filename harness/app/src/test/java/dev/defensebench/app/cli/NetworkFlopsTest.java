package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import dev.defensebench.model.Mlp;
import dev.defensebench.model.ResidualSum;
import org.junit.jupiter.api.Test;

/** {@link NetworkFlops} against multiply-adds counted in closed form from the layers' sizes. */
class NetworkFlopsTest {

    private static long count(Block block, Shape sample) {
        try (NDManager m = NDManager.newBaseManager()) {
            block.initialize(m, DataType.FLOAT32, new Shape(1).addAll(sample));
            return NetworkFlops.multiplyAdds(block, sample);
        }
    }

    private static Block conv(int filters, int kernel, int stride, int pad) {
        return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optStride(new Shape(stride, stride))
                .optPadding(new Shape(pad, pad)).setFilters(filters).build();
    }

    @Test
    void linearNetIsTheSumOfInTimesOutPerLayer() {
        // the MLP 784-500-150-10 on 1x28x28
        assertThat(count(new Mlp().build(new Shape(1, 28, 28), 10), new Shape(1, 28, 28)))
                .isEqualTo(784L * 500 + 500L * 150 + 150L * 10);
    }

    @Test
    void convNetCountsEveryOutputPositionOfEveryFilter() {
        Block net = new SequentialBlock()
                .add(conv(4, 3, 1, 1))          // 2x8x8 -> 4x8x8: 4 * 2 * 3 * 3 per position, 64 positions
                .add(Activation.reluBlock())
                .add(conv(6, 3, 2, 1))          // 4x8x8 -> 6x4x4: 6 * 4 * 3 * 3 per position, 16 positions
                .add(BatchNorm.builder().build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))  // 6x2x2, no multiply-adds
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(5).build()); // 24 -> 5
        assertThat(count(net, new Shape(2, 8, 8))).isEqualTo(4L * 2 * 9 * 64 + 6L * 4 * 9 * 16 + 24L * 5);
    }

    @Test
    void aResidualSumCountsBothPaths() {
        Block net = new SequentialBlock()
                .add(new ResidualSum(conv(4, 3, 2, 1), conv(4, 1, 2, 0))) // 3x8x8 -> 4x4x4 twice
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(10).build());
        assertThat(count(net, new Shape(3, 8, 8))).isEqualTo(4L * 3 * 9 * 16 + 4L * 3 * 16 + 4L * 10);
    }

    @Test
    void anUninitialisedNetworkIsRefusedByName() {
        Block net = new SequentialBlock().add(Linear.builder().setUnits(3).build());
        assertThatThrownBy(() -> NetworkFlops.multiplyAdds(net, new Shape(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("network.0 has no initialised weight");
    }
}
