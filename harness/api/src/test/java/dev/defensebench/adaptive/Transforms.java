package dev.defensebench.adaptive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.testing.LinearClassifier;
import java.util.Random;

/** Small transforms and a float64 linear model with closed-form gradients, for the adaptive tests. */
final class Transforms {

    static final Shape SAMPLE = new Shape(4);
    static final InputBox BOX = InputBox.uniform(-10, 10, SAMPLE);

    private Transforms() {}

    /** round(4x)/4 (derivative zero) with the declared approximation x² (derivative 2x). */
    static final InputTransform QUARTERS_WITH_SQUARE = new InputTransform() {
        @Override
        public NDArray apply(NDArray inputs, Random random) {
            return inputs.mul(4).round().div(4);
        }

        @Override
        public NDArray approximation(NDArray inputs) {
            return inputs.mul(inputs);
        }

        @Override
        public String describe() {
            return "quarters";
        }
    };

    /** s·x with s drawn uniformly from [0, 2) on every call (derivative s). */
    static final InputTransform RANDOM_SCALE = new InputTransform() {
        @Override
        public NDArray apply(NDArray inputs, Random random) {
            return inputs.mul(2 * random.nextDouble());
        }

        @Override
        public String describe() {
            return "random scale";
        }
    };

    /** z = W·x + b with W (3, 4) and b fixed. */
    static LinearClassifier linear(NDManager m) {
        NDArray w = m.create(new double[] {1, -2, 0.5, 3, -1, 0, 2, 1, 0.25, 1, -1, -0.5}, new Shape(3, 4));
        NDArray b = m.create(new double[] {0.1, -0.2, 0.3});
        return new LinearClassifier(w, b, BOX);
    }

    /** Two float64 samples. */
    static NDArray inputs(NDManager m) {
        return m.create(new double[] {0.3, -0.6, 1.1, 0.45, 2.0, 0.1, -0.7, 0.9}, new Shape(2, 4)).toType(DataType.FLOAT64, false);
    }
}
