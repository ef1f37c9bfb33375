package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
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
        NDManager m = x.getManager();
        Shape batched = new Shape(1).addAll(sampleShape);
        NDArray lo = m.create(lower, batched).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
        NDArray hi = m.create(upper, batched).toType(x.getDataType(), false).toDevice(x.getDevice(), false);
        return x.maximum(lo).minimum(hi);
    }
}
