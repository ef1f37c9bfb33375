package dev.defensebench.train;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One batch's objective: the scalar {@code total} to differentiate, the clean {@code logits} (for the
 * running accuracy) and named scalar terms shown in the progress bar and averaged per epoch.
 */
public record LossTerms(NDArray total, NDArray logits, Map<String, NDArray> terms) {}
