package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;
import java.util.function.Function;

/** A model seen only through its logits: asking it for a gradient fails the test. */
final class BlackBox implements Classifier {

    private final Classifier inner;

    BlackBox(Classifier inner) {
        this.inner = inner;
    }

    @Override
    public int numClasses() {
        return inner.numClasses();
    }

    @Override
    public Shape sampleShape() {
        return inner.sampleShape();
    }

    @Override
    public InputBox box() {
        return inner.box();
    }

    @Override
    public NDArray logits(NDArray inputs) {
        return inner.logits(inputs.stopGradient()).stopGradient();
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public NDArray inputGradient(NDArray inputs, Function<NDArray, NDArray> objective) {
        throw new AssertionError("a black-box attack asked for a gradient");
    }
}
