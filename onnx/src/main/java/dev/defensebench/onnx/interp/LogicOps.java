package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
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
        ops.put("Where", call -> OpCall.of(NDArrays.where(bool(call, 0), call.in(1), call.in(2))));
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

    /** Input {@code i} as booleans (a Cast the exporter left out, or non-zero numbers). */
    private static NDArray bool(OpCall call, int i) {
        NDArray a = call.in(i);
        return a.getDataType() == DataType.BOOLEAN ? a : a.neq(0);
    }
}
