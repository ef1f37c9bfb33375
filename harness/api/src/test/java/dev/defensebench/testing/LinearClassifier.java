package dev.defensebench.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;

/** A linear classifier z = W·x + b for tests with closed-form answers (float64). */
public final class LinearClassifier implements Classifier {

    private final NDArray weights; // (K, D)
    private final NDArray bias; // (K)
    private final InputBox box;

    public LinearClassifier(NDArray weights, NDArray bias, InputBox box) {
        this.weights = weights;
        this.bias = bias;
        this.box = box;
    }

    @Override
    public int numClasses() {
        return (int) weights.getShape().get(0);
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
        NDArray flat = inputs.reshape(inputs.getShape().get(0), -1);
        return flat.matMul(weights.transpose()).add(bias);
    }
}
