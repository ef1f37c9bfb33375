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

    /** {@code t} (a value of {@code node}, or an initializer when null) as an array on {@code manager}; float tensors take {@code floatType}. */
    static NDArray toArray(Tensor t, NDManager manager, DataType floatType, Node node) {
        Shape shape = new Shape(t.dims());
        if (t.floats() != null) {
            NDArray a = manager.create(t.floats(), shape);
            return floatType == DataType.FLOAT32 ? a : a.toType(floatType, false);
        }
        if (t.longs() != null) {
            NDArray a = manager.create(t.longs(), shape);
            return switch (t.dataType()) {
                case Tensor.BOOL -> a.toType(DataType.BOOLEAN, false);
                case Tensor.INT32, Tensor.INT16, Tensor.UINT16 -> a.toType(DataType.INT32, false);
                case Tensor.INT8 -> a.toType(DataType.INT8, false);
                case Tensor.UINT8 -> a.toType(DataType.UINT8, false);
                default -> a;
            };
        }
        throw new UnsupportedNodeException(node, "tensor '" + t.name() + "' has element type " + t.dataType()
                + "; only FLOAT (1), INT64 (7) and narrower integer or BOOL tensors are read");
    }
}
