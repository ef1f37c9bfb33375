package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.Tensor;

/** Turns ONNX tensors (initializers, Constant values) into arrays. */
final class Constants {

    private Constants() {}

    /** {@code t} as an array on {@code manager}; float tensors take {@code floatType}. */
    static NDArray toArray(Tensor t, NDManager manager, DataType floatType, Node node) {
        Shape shape = new Shape(t.dims());
        if (t.floats() != null) {
            NDArray a = manager.create(t.floats(), shape);
            return floatType == DataType.FLOAT32 ? a : a.toType(floatType, false);
        }
        if (t.longs() != null) {
            return manager.create(t.longs(), shape);
        }
        String where = node == null ? "initializer '" + t.name() + "'" : "node " + node.describe();
        throw new IllegalArgumentException(where + ": tensor '" + t.name() + "' has element type " + t.dataType()
                + "; only FLOAT (1) and INT64 (7) tensors are read");
    }
}
