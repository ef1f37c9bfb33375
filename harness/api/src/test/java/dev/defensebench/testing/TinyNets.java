package dev.defensebench.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.engine.Engine;

/** Small networks for numerical tests, initialised deterministically. */
public final class TinyNets {

    private TinyNets() {}

    /** A 2-hidden-layer ReLU MLP for samples of {@code sampleShape}. */
    public static Block mlp(int classes) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(32).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** A tiny conv net with max pooling, for 1×8×8 samples. */
    public static Block conv(int classes) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(3).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(classes).build());
    }

    /** Initialises {@code block} for samples of {@code sampleShape} with a fixed seed. */
    public static Block initialise(Block block, NDManager manager, DataType type, Shape sampleShape, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        block.initialize(manager, type, new Shape(1).addAll(sampleShape));
        return block;
    }
}
