package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDList;

/** One ONNX operator: computes a node's outputs from its inputs and attributes with NDArray operations. */
@FunctionalInterface
public interface Operator {

    /** The node's outputs, in order. */
    NDList apply(OpCall call);
}
