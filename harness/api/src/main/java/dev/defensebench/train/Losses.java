package dev.defensebench.train;

import ai.djl.ndarray.NDArray;
import dev.defensebench.autograd.Scalars;

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

    /**
     * The classification margin {@code z_y − max_{k≠y} z_k} per sample {@code (N)}: positive while the
     * sample is classified as its label. Its gradient does not saturate like the cross-entropy's.
     */
    public static NDArray margin(NDArray logits, NDArray labels) {
        NDArray hot = labels.oneHot((int) logits.getShape().get(1)).toType(logits.getDataType(), false);
        NDArray zy = logits.mul(hot).sum(new int[] {1});
        // push z_y below every other logit so the max picks the best other class
        NDArray spread = logits.max().sub(logits.min()).add(1);
        NDArray others = logits.sub(hot.mul(spread.mul(Scalars.of(spread, 2)))).max(new int[] {1});
        return zy.sub(others);
    }
}
