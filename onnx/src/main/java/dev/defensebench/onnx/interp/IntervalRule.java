package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.defensebench.onnx.graph.Node;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How one ONNX operator maps interval bounds of its inputs to bounds of its outputs ({@link IntervalRules}), and
 * which of its inputs may carry intervals (the others must be exact: weights, constants, shapes).
 */
interface IntervalRule {

    /**
     * Why {@code node} cannot carry intervals on the inputs at {@code bounded} (positions of inputs that depend on
     * the image), or null when it can. Decided from the node's structure and attributes alone.
     */
    String refuse(Node node, Set<Integer> bounded);

    /** Whether the outputs depend on the bounded inputs' values (false for Shape: only on their shape). */
    default boolean boundsOutputs() {
        return true;
    }

    /** The bounds of the node's outputs, in order. */
    List<Bounds> apply(Call call);

    /**
     * One application: the node, its inputs' bounds (null for an omitted optional input), and the node's own
     * operator, run on arrays of the caller's choice.
     */
    record Call(Node node, List<Bounds> inputs, Function<List<NDArray>, NDList> operator) {

        /** The node's operator on {@code arrays}. */
        NDList run(List<NDArray> arrays) {
            return operator.apply(arrays);
        }
    }
}
