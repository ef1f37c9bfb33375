package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The valid range of every input element after preprocessing (e.g. [0,1] pixels, or raw pixels
 * minus the training mean): adversarial examples are clipped into it.
 */
public record InputBox(float[] lower, float[] upper, Shape sampleShape) {

    public InputBox {
        if (lower.length != upper.length || lower.length != sampleShape.size()) {
            throw new IllegalArgumentException(
                    "box bounds have " + lower.length + "/" + upper.length
                            + " elements, sample shape " + sampleShape + " needs " + sampleShape.size());
        }
    }

    /** A box with the same bounds for every element. */
    public static InputBox uniform(float low, float high, Shape sampleShape) {
        float[] lo = new float[(int) sampleShape.size()];
        float[] hi = new float[lo.length];
        java.util.Arrays.fill(lo, low);
        java.util.Arrays.fill(hi, high);
        return new InputBox(lo, hi, sampleShape);
    }

    /** {@code x} clipped element-wise into the box; {@code x} has shape {@code (N, sampleShape...)}. */
    public NDArray clip(NDArray x) {
        NDList bounds = bounds(x);
        return x.maximum(bounds.get(0)).minimum(bounds.get(1));
    }

    /** The lower and upper bounds, each of shape {@code (1, sampleShape...)}, of {@code like}'s type and device. */
    public NDList bounds(NDArray like) {
        NDManager m = like.getManager();
        Shape batched = new Shape(1).addAll(sampleShape);
        return new NDList(m.create(lower, batched).toType(like.getDataType(), false).toDevice(like.getDevice(), false),
                m.create(upper, batched).toType(like.getDataType(), false).toDevice(like.getDevice(), false));
    }
}
