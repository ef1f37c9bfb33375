package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** The Deep Defense paper's MNIST multi-layer perceptron: 784-500-150-10 with ReLU. */
public final class Mlp implements Architecture {

    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String description() {
        return "fully connected 500-150-classes, ReLU (Deep Defense paper, MNIST)";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        return new SequentialBlock()
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(500).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(150).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }
}
