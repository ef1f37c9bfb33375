package dev.defensebench.train;

import ai.djl.ndarray.NDArray;
import dev.defensebench.model.BlockClassifier;

/**
 * The objective a defense minimises on one mini-batch. Called inside a recording scope: the returned
 * total must carry the graph back to the model's parameters.
 */
@FunctionalInterface
public interface BatchLoss {

    /** The loss terms for inputs {@code x} (N, sample...) with labels {@code y} (N, int64). */
    LossTerms compute(BlockClassifier model, NDArray x, NDArray y);
}
