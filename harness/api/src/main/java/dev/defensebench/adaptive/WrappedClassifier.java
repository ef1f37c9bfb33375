package dev.defensebench.adaptive;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;

/**
 * A classifier that runs another one with something added (a transform of its inputs, an expectation over
 * draws): the classes, the input shape and box, and whether gradients exist are the wrapped model's.
 */
abstract class WrappedClassifier implements Classifier {

    /** The wrapped model. */
    protected final Classifier model;

    WrappedClassifier(Classifier model) {
        this.model = model;
    }

    @Override
    public int numClasses() {
        return model.numClasses();
    }

    @Override
    public Shape sampleShape() {
        return model.sampleShape();
    }

    @Override
    public InputBox box() {
        return model.box();
    }

    @Override
    public boolean isDifferentiable() {
        return model.isDifferentiable();
    }
}
