package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The fraction of a batch that the training-time adversarial examples leave correctly classified. */
final class AdversarialAccuracy {

    private AdversarialAccuracy() {}

    /** Mean of {@code argmax(logits) == y}, as a float32 scalar without a graph. */
    static NDArray of(NDArray logits, NDArray y) {
        return logits.stopGradient().argMax(1).eq(y).toType(DataType.FLOAT32, false).mean();
    }
}
