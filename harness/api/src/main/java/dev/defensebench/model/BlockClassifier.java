package dev.defensebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;

/** A {@link Classifier} backed by an initialised DJL {@link Block} (white-box: gradients available). */
public final class BlockClassifier implements Classifier {

    private final Block block;
    private final ParameterStore parameters;
    private final int numClasses;
    private final InputBox box;

    public BlockClassifier(Block block, int numClasses, InputBox box) {
        this.block = block;
        this.parameters = new ParameterStore();
        this.numClasses = numClasses;
        this.box = box;
    }

    public Block block() {
        return block;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape sampleShape() {
        return box.sampleShape();
    }

    @Override
    public InputBox box() {
        return box;
    }

    @Override
    public NDArray logits(NDArray inputs) {
        return block.forward(parameters, new NDList(inputs), false).singletonOrThrow();
    }
}
