package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.onnx.graph.Tensor;
import java.util.Arrays;
import java.util.Map;

/** Operators that make or describe tensors: Constant, ConstantOfShape, Shape, Cast, Range. */
final class TensorOps {

    private TensorOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Constant", TensorOps::constant);
        ops.put("ConstantOfShape", TensorOps::constantOfShape);
        ops.put("Shape", TensorOps::shape);
        ops.put("Cast", TensorOps::cast);
        ops.put("Range", TensorOps::range);
    }

    /** Constant: value (a tensor), value_float(s) or value_int(s); sparse and string values are refused. */
    private static NDList constant(OpCall call) {
        Tensor t = call.attrTensor("value");
        if (t != null) {
            return OpCall.of(call.constant(t));
        }
        if (call.hasAttr("value_float")) {
            return OpCall.of(call.constant(Tensor.ofFloats("", new long[0], new float[] {call.attrFloat("value_float", 0)})));
        }
        if (call.hasAttr("value_int")) {
            return OpCall.of(call.constant(Tensor.ofLongs("", new long[0], new long[] {call.attrInt("value_int", 0)})));
        }
        if (call.hasAttr("value_ints")) {
            long[] v = call.attrInts("value_ints", null);
            return OpCall.of(call.constant(Tensor.ofLongs("", new long[] {v.length}, v)));
        }
        if (call.hasAttr("value_floats")) {
            float[] v = call.node().attribute("value_floats").floats();
            return OpCall.of(call.constant(Tensor.ofFloats("", new long[] {v.length}, v)));
        }
        throw call.unsupported("no supported value attribute (value, value_float(s), value_int(s))");
    }

    private static NDList constantOfShape(OpCall call) {
        Shape shape = new Shape(call.longs(0));
        Tensor value = call.attrTensor("value");
        if (value == null) {
            return OpCall.of(call.manager().zeros(shape, call.floatType()));
        }
        NDArray v = call.constant(value).reshape(1);
        return OpCall.of(v.broadcast(shape.dimension() == 0 ? new Shape(1) : shape).reshape(shape));
    }

    private static NDList shape(OpCall call) {
        long[] dims = call.in(0).getShape().getShape();
        int rank = dims.length;
        long start = call.attrInt("start", 0);
        long end = call.attrInt("end", rank);
        int from = (int) Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        int to = (int) Math.max(from, Math.min(rank, end < 0 ? end + rank : end));
        return OpCall.of(call.manager().create(Arrays.copyOfRange(dims, from, to)));
    }

    /** Range: start, start + delta, ... while before limit: max(ceil((limit − start) / delta), 0) values, of start's type. */
    private static NDList range(OpCall call) {
        NDArray start = call.in(0);
        double from = call.scalar(0);
        double delta = call.scalar(2);
        if (delta == 0) {
            throw call.unsupported("delta is 0");
        }
        long n = Math.max(0, (long) Math.ceil((call.scalar(1) - from) / delta));
        if (n > Integer.MAX_VALUE) {
            throw call.unsupported(n + " values are too many");
        }
        if (start.getDataType().isInteger()) {
            long[] v = new long[(int) n];
            for (int i = 0; i < n; i++) {
                v[i] = (long) from + i * (long) delta;
            }
            return OpCall.of(call.manager().create(v).toType(start.getDataType(), false));
        }
        double[] v = new double[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = from + i * delta;
        }
        return OpCall.of(call.manager().create(v).toType(start.getDataType(), false));
    }

    /** Cast: FLOAT, FLOAT16, DOUBLE all become the graph's float type; integer and boolean types map to DJL's. */
    private static NDList cast(OpCall call) {
        int to = (int) call.attrInt("to", -1);
        DataType type = switch (to) {
            case 1, 10, 11 -> call.floatType();
            case 2 -> DataType.UINT8;
            case 3 -> DataType.INT8;
            case 6 -> DataType.INT32;
            case 7 -> DataType.INT64;
            case 9 -> DataType.BOOLEAN;
            default -> throw call.unsupported("cast to element type " + to + " is not supported");
        };
        NDArray x = call.in(0);
        return OpCall.of(x.getDataType() == type ? x : x.toType(type, false));
    }
}
