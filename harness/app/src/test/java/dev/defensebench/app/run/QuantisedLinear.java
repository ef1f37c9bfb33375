package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.testing.ClassifierWrapper;

/**
 * A model that rounds its input to multiples of {@code step} first (the identity when 0): rounding
 * makes every input gradient zero, a deliberately gradient-masked toy.
 */
record QuantisedLinear(Classifier inner, double step) implements ClassifierWrapper {

    @Override
    public NDArray logits(NDArray inputs) {
        return inner.logits(step == 0 ? inputs : inputs.div(step).round().mul(step));
    }
}
