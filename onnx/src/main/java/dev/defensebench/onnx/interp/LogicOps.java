package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * Comparisons and boolean logic with numpy broadcasting: Equal, Less, LessOrEqual, Greater, GreaterOrEqual
 * (boolean results), Not, And, Or, Xor, and Where (differentiable in its two value inputs, as PyTorch's where is).
 */
final class LogicOps {

    private LogicOps() {}

    static void register(Map<String, Operator> ops) {
        compare(ops, "Equal", NDArray::eq);
        compare(ops, "Less", NDArray::lt);
        compare(ops, "LessOrEqual", NDArray::lte);
        compare(ops, "Greater", NDArray::gt);
        compare(ops, "GreaterOrEqual", NDArray::gte);
        ops.put("Not", call -> OpCall.of(bool(call, 0).logicalNot()));
        ops.put("And", call -> OpCall.of(bool(call, 0).logicalAnd(bool(call, 1))));
        ops.put("Or", call -> OpCall.of(bool(call, 0).logicalOr(bool(call, 1))));
        ops.put("Xor", call -> OpCall.of(bool(call, 0).logicalXor(bool(call, 1))));
        ops.put("Where", LogicOps::where);
    }

    /** A comparison; operands of different numeric types (a float constant against an integer) compare as doubles. */
    private static void compare(Map<String, Operator> ops, String name, BinaryOperator<NDArray> f) {
        ops.put(name, call -> {
            NDArray a = call.in(0);
            NDArray b = call.in(1);
            if (a.getDataType() != b.getDataType()) {
                a = a.toType(DataType.FLOAT64, false);
                b = b.toType(DataType.FLOAT64, false);
            }
            return OpCall.of(f.apply(a, b));
        });
    }

    /** Where: the three inputs broadcast to one shape first (the engine's where does not broadcast). */
    private static ai.djl.ndarray.NDList where(OpCall call) {
        NDArray c = bool(call, 0);
        NDArray x = call.in(1);
        NDArray y = call.in(2);
        Shape s = broadcast(broadcast(c.getShape(), x.getShape()), y.getShape());
        return OpCall.of(NDArrays.where(to(c, s), to(x, s), to(y, s)));
    }

    private static NDArray to(NDArray a, Shape s) {
        return a.getShape().equals(s) ? a : a.broadcast(s);
    }

    /** The numpy broadcast of two shapes. */
    static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.dimension(), b.dimension());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int ai = i - (rank - a.dimension());
            int bi = i - (rank - b.dimension());
            long da = ai >= 0 ? a.get(ai) : 1;
            long db = bi >= 0 ? b.get(bi) : 1;
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /** Input {@code i} as booleans (a Cast the exporter left out, or non-zero numbers). */
    private static NDArray bool(OpCall call, int i) {
        NDArray a = call.in(i);
        return a.getDataType() == DataType.BOOLEAN ? a : a.neq(0);
    }
}
