package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * LeNet as in matconvnet's MNIST example used by Deep Defense: conv 20@5x5, max-pool 2, conv 50@5x5,
 * max-pool 2, fc 500, ReLU, fc classes. As in matconvnet there is no ReLU after the convolutions.
 */
public final class LeNet implements Architecture {

    @Override
    public String name() {
        return "lenet";
    }

    @Override
    public String description() {
        return "conv20-pool-conv50-pool-fc500-ReLU-fc (matconvnet LeNet, Deep Defense paper)";
    }

    /**
     * Without ReLUs after the convolutions the pre-activations grow fast: at lr 0.05 and momentum 0.9
     * one MNIST epoch diverges to NaN (10,000 images) or collapses to one class (2,000 images).
     */
    @Override
    public double maxDefaultLearningRate() {
        return 0.01;
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        return new SequentialBlock()
                // its input gradient (DeepFool, Deep Defense, gradient attacks) through a matrix product: Im2colConv2d
                .add(new Im2colConv2d(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20)))
                .add(new ChannelsLast())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(50).build())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(500).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }
}
