package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import dev.defensebench.autograd.Scalars;

/**
 * An element-wise interval {@code lower <= v <= upper} of a batch of activations, the quantity interval
 * bound propagation carries from layer to layer.
 */
public record Interval(NDArray lower, NDArray upper) {

    /** The interval of centre {@code center} and non-negative half-width {@code radius}. */
    public static Interval ofCenter(NDArray center, NDArray radius) {
        return new Interval(center.sub(radius), center.add(radius));
    }

    /** The midpoint. */
    public NDArray center() {
        return lower.add(upper).div(Scalars.of(lower, 2));
    }

    /** The half-width. */
    public NDArray radius() {
        return upper.sub(lower).div(Scalars.of(lower, 2));
    }
}
