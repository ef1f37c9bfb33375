package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import dev.defensebench.autograd.Scalars;

/**
 * The value of one graph tensor in interval bound propagation: element-wise {@code lower <= v <= upper} for a
 * tensor that depends on the image, or an exact value (the same array as both ends) for one that does not
 * (weights, constants, shapes).
 */
record Bounds(NDArray lower, NDArray upper) {

    /** An exact value. */
    static Bounds exact(NDArray value) {
        return new Bounds(value, value);
    }

    /** The interval of centre {@code center} and non-negative half-width {@code radius}. */
    static Bounds ofCenter(NDArray center, NDArray radius) {
        return new Bounds(center.sub(radius), center.add(radius));
    }

    /** Whether this is an exact value rather than an interval. */
    boolean isExact() {
        return lower == upper;
    }

    /** The midpoint. */
    NDArray center() {
        return isExact() ? lower : lower.add(upper).div(Scalars.of(lower, 2));
    }

    /** The half-width. */
    NDArray radius() {
        return upper.sub(lower).div(Scalars.of(lower, 2));
    }
}
