package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

/**
 * The Deep Defense paper's CIFAR-10 ConvNet (matconvnet's cifar example): conv 32@5x5 → max-pool 2 →
 * ReLU → conv 32@5x5 → ReLU → avg-pool 2 → conv 64@5x5 → ReLU → avg-pool 2 → conv 64@4x4 → ReLU →
 * conv classes@1x1. The 5x5 convolutions are padded by 2.
 */
public final class CifarConvNet implements Architecture {

    @Override
    public String name() {
        return "convnet";
    }

    @Override
    public String description() {
        return "CIFAR-10 ConvNet conv32-pool-conv32-pool-conv64-pool-conv64-conv (Deep Defense paper)";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        Shape two = new Shape(2, 2);
        return new SequentialBlock()
                .add(conv(32, 5, 2))
                .add(Pool.maxPool2dBlock(two, two))
                .add(Activation.reluBlock())
                .add(conv(32, 5, 2))
                .add(Activation.reluBlock())
                .add(Pool.avgPool2dBlock(two, two))
                .add(conv(64, 5, 2))
                .add(Activation.reluBlock())
                .add(Pool.avgPool2dBlock(two, two))
                .add(conv(64, 4, 0))
                .add(Activation.reluBlock())
                .add(conv(numClasses, 1, 0))
                .add(Blocks.batchFlattenBlock());
    }

    private static Block conv(int filters, int kernel, int pad) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(pad, pad))
                .setFilters(filters)
                .build();
    }
}
