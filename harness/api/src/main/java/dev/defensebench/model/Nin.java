package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.pooling.Pool;

/**
 * Network in Network for CIFAR (Lin et al. 2014) in the layout of the Deep Defense authors' code: conv
 * 192@5×5 → 1×1 160 → 1×1 96 → max-pool 2 → conv 192@5×5 → 1×1 192 → 1×1 192 → avg-pool 2 → conv
 * 192@3×3 → 1×1 192 → 1×1 classes → global average pooling. As in matconvnet's batch-normalised NIN,
 * every convolution but the last is followed by BatchNorm and ReLU (and has no bias); the dropout
 * layers of the original are left out (BatchNorm regularises instead, and Deep Defense's unroll needs a
 * deterministic network).
 */
public final class Nin implements Architecture {

    private final int wide;
    private final int middle;
    private final int narrow;

    /** The paper's widths: 192, 160, 96. */
    public Nin() {
        this(192, 160, 96);
    }

    /** The same layout with other widths (tests use small ones): {@code wide} replaces 192, etc. */
    public Nin(int wide, int middle, int narrow) {
        this.wide = wide;
        this.middle = middle;
        this.narrow = narrow;
    }

    @Override
    public String name() {
        return "nin";
    }

    @Override
    public String description() {
        return "Network in Network for CIFAR (Deep Defense paper), BatchNorm after every hidden convolution";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        Shape two = new Shape(2, 2);
        return new SequentialBlock()
                .add(unit(wide, 5)).add(unit(middle, 1)).add(unit(narrow, 1))
                .add(Pool.maxPool2dBlock(two, two))
                .add(unit(wide, 5)).add(unit(wide, 1)).add(unit(wide, 1))
                .add(Pool.avgPool2dBlock(two, two))
                .add(unit(wide, 3)).add(unit(wide, 1))
                .add(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(numClasses).build())
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock());
    }

    private static Block unit(int filters, int kernel) {
        return new SequentialBlock()
                .add(ResNetLayers.conv(filters, kernel, 1))
                .add(ResNetLayers.batchNorm())
                .add(Activation.reluBlock());
    }
}
