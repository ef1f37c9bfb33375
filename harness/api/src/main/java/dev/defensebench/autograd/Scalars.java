package dev.defensebench.autograd;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for recorded graphs. DJL's {@code x.mul(2)}, {@code x.div(2)}, {@code x.pow(-1)}, {@code
 * x.maximum(0)} and the like make the number a tensor over a Java direct buffer and close it as soon as the
 * forward call returns; the graph still holds that tensor for the backward pass (the derivative of a product
 * or a power needs the other operand), and once the garbage collector has freed the buffer and the memory
 * is reused, the gradient is wrong (zero or garbage; {@code ScalarsTest} shows it). Inside a recorded graph,
 * use {@link #of} instead: a copy that libtorch owns, which lives as long as the graph needs it.
 */
public final class Scalars {

    private Scalars() {}

    /** {@code value} as a 0-dimensional tensor of {@code like}'s type, on its device, owned by libtorch. */
    public static NDArray of(NDArray like, double value) {
        try (NDArray wrapped = like.getManager().create(value)) {
            // toType to the type it already has (a float64 `like`) returns a tensor over the same Java buffer
            return wrapped.getDataType() == like.getDataType() ? wrapped.duplicate()
                    : wrapped.toType(like.getDataType(), true);
        }
    }
}
