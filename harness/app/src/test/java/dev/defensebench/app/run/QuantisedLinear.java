package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;

/**
 * A toy classifier of 1×4×4 inputs for the evaluator tests: z = W · q(x) + b with q the rounding to
 * multiples of {@code step} (the identity when 0; rounding makes every input gradient zero).
 */
record QuantisedLinear(NDArray weights, NDArray bias, double step, InputBox box) implements Classifier {

    /** The shape of one input. */
    static final Shape SAMPLE = new Shape(1, 4, 4);

    @Override
    public int numClasses() {
        return (int) weights.getShape().get(0);
    }

    @Override
    public Shape sampleShape() {
        return SAMPLE;
    }

    @Override
    public NDArray logits(NDArray inputs) {
        NDArray flat = inputs.reshape(inputs.getShape().get(0), -1);
        NDArray q = step == 0 ? flat : flat.div(step).round().mul(step);
        return q.matMul(weights.transpose()).add(bias);
    }
}
