package dev.defensebench.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;

/**
 * A test model that changes another model's logits or inputs: classes, sample shape and input box are
 * the inner model's; only {@link #logits} is left to implement.
 */
public interface ClassifierWrapper extends Classifier {

    /** The wrapped model. */
    Classifier inner();

    @Override
    default int numClasses() {
        return inner().numClasses();
    }

    @Override
    default Shape sampleShape() {
        return inner().sampleShape();
    }

    @Override
    default InputBox box() {
        return inner().box();
    }

    @Override
    NDArray logits(NDArray inputs);
}
