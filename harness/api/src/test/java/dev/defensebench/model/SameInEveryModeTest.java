package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import dev.defensebench.spi.InputBox;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockClassifier#sameInEveryMode}: true for networks of linear, convolution and lambda blocks only (the
 * MLP, LeNet), false as soon as one block may read the training flag (BatchNorm, dropout, a residual network).
 */
class SameInEveryModeTest {

    private static boolean same(Block block, Shape sample) {
        return new BlockClassifier(block, 10, InputBox.uniform(0, 1, sample)).sameInEveryMode();
    }

    @Test
    void mlpAndLenetComputeTheSameInEveryMode() {
        Shape mnist = new Shape(1, 28, 28);
        assertThat(same(new Mlp().build(mnist, 10), mnist)).isTrue();
        assertThat(same(new LeNet().build(mnist, 10), mnist)).isTrue();
        assertThat(new BlockClassifier(new LeNet().build(mnist, 10), 10, InputBox.uniform(0, 1, mnist))
                .inMode(ForwardMode.TRAINING).sameInEveryMode()).isTrue();
    }

    @Test
    void batchNormDropoutAndResidualNetworksMayDiffer() {
        Shape flat = new Shape(8);
        assertThat(same(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(BatchNorm.builder().build()), flat))
                .isFalse();
        assertThat(same(new SequentialBlock().add(Linear.builder().setUnits(4).build()).add(Dropout.builder().optRate(0.5f).build()),
                flat)).isFalse();
        Shape cifar = new Shape(3, 32, 32);
        assertThat(same(new ResNet18().build(cifar, 10), cifar)).isFalse();
    }
}
