package dev.defensebench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A block that bounds its own outputs over a box of inputs (interval bound propagation, Gowal et al. 2018), for
 * networks a certifier cannot open layer by layer: an imported ONNX graph bounds itself node by node. Bounds are
 * those of inference mode (running statistics, no dropout) and sound for every input in the box, up to the
 * arithmetic's rounding.
 */
public interface IntervalBounded {

    /**
     * Why the block's outputs cannot be bounded, as "not certifiable: operator X (node N): ..." naming the first
     * operator that stands in the way, or null when they can. Decided from the structure alone: it needs no
     * weights, so it can run before any work.
     */
    String whyNotBounded();

    /** The element-wise lower and upper bounds {@code [lower, upper]} of the block's output for inputs in the box. */
    NDList outputBounds(NDArray lower, NDArray upper);

    /**
     * Lower bounds {@code (N, K)} of {@code spec · output} over the box, {@code spec} of shape {@code (N, K, outputs)}:
     * e.g. the margins {@code z_y − z_j} when row j of sample n is {@code e_y − e_j}. A block ending with an affine
     * layer folds {@code spec} into that layer (Gowal et al. 2018, Eq. 10), which is tighter than bounding the output
     * first.
     */
    NDArray specLowerBounds(NDArray lower, NDArray upper, NDArray spec);
}
