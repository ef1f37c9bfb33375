package dev.defensebench.train;

import ai.djl.ndarray.NDArray;

/** Loss functions shared by the defenses. */
public final class Losses {

    private Losses() {}

    /** Per-sample softmax cross-entropy {@code (N)} of logits {@code (N, K)} and int64 labels {@code (N)}. */
    public static NDArray crossEntropyPerSample(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.logSoftmax(1);
        NDArray oneHot = labels.oneHot((int) logits.getShape().get(1)).toType(logits.getDataType(), false);
        return logProbs.mul(oneHot).sum(new int[] {1}).neg();
    }

    /** Mean softmax cross-entropy of a batch (a scalar). */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return crossEntropyPerSample(logits, labels).mean();
    }
}
