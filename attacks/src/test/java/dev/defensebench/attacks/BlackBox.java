package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.testing.ClassifierWrapper;
import java.util.function.Function;

/** A model seen only through its logits: asking it for a gradient fails the test. */
record BlackBox(Classifier inner) implements ClassifierWrapper {

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
