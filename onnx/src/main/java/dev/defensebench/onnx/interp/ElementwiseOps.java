package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/** Element-wise arithmetic (Add ... Sum, Sign, Mod) with numpy (multidirectional) broadcasting, as PyTorch does it. */
final class ElementwiseOps {

    private ElementwiseOps() {}

    static void register(Map<String, Operator> ops) {
        binary(ops, "Add", NDArray::add);
        binary(ops, "Sub", NDArray::sub);
        binary(ops, "Mul", NDArray::mul);
        ops.put("Div", ElementwiseOps::div);
        binary(ops, "Pow", NDArray::pow);
        unary(ops, "Sqrt", NDArray::sqrt);
        unary(ops, "Neg", NDArray::neg);
        unary(ops, "Exp", NDArray::exp);
        unary(ops, "Log", NDArray::log);
        unary(ops, "Abs", NDArray::abs);
        unary(ops, "Reciprocal", a -> a.getManager().create(1.0).toType(a.getDataType(), false).div(a));
        unary(ops, "Erf", NDArray::erf);
        unary(ops, "Floor", NDArray::floor);
        unary(ops, "Ceil", NDArray::ceil);
        unary(ops, "Sign", NDArray::sign);
        ops.put("Mod", ElementwiseOps::mod);
        ops.put("Max", call -> fold(call, NDArray::maximum));
        ops.put("Min", call -> fold(call, NDArray::minimum));
        ops.put("Sum", call -> fold(call, NDArray::add));
    }

    private static void unary(Map<String, Operator> ops, String name, UnaryOperator<NDArray> f) {
        ops.put(name, call -> OpCall.of(f.apply(call.in(0))));
    }

    private static void binary(Map<String, Operator> ops, String name, BinaryOperator<NDArray> f) {
        ops.put(name, call -> OpCall.of(f.apply(call.in(0), call.in(1))));
    }

    /** Integer division truncates (ONNX); PyTorch's {@code div} would return floats. */
    private static ai.djl.ndarray.NDList div(OpCall call) {
        NDArray a = call.in(0);
        NDArray b = call.in(1);
        if (a.getDataType().isInteger() && b.getDataType().isInteger()) {
            return OpCall.of(a.toType(DataType.FLOAT64, false).div(b.toType(DataType.FLOAT64, false)).toType(a.getDataType(), false));
        }
        return OpCall.of(a.div(b));
    }

    /**
     * Mod: with fmod = 0 (integers only) the remainder takes the divisor's sign (Python's %, PyTorch's remainder);
     * with fmod = 1 the dividend's (C's fmod): a − b · trunc(a / b), computed in float64 for integers.
     */
    private static ai.djl.ndarray.NDList mod(OpCall call) {
        NDArray a = call.in(0);
        NDArray b = call.in(1);
        boolean integers = a.getDataType().isInteger() && b.getDataType().isInteger();
        if (call.attrInt("fmod", 0) == 0) {
            if (!integers) {
                throw call.unsupported("fmod = 0 on floating-point inputs (the specification requires fmod = 1 there)");
            }
            return OpCall.of(a.mod(b));
        }
        NDArray x = integers ? a.toType(DataType.FLOAT64, false) : a;
        NDArray y = integers ? b.toType(DataType.FLOAT64, false) : b;
        NDArray q = x.div(y);
        NDArray truncated = q.abs().floor().mul(q.sign());
        NDArray r = x.sub(y.mul(truncated.stopGradient()));
        return OpCall.of(integers ? r.toType(a.getDataType(), false) : r);
    }

    private static ai.djl.ndarray.NDList fold(OpCall call, BinaryOperator<NDArray> f) {
        NDArray acc = call.in(0);
        for (int i = 1; i < call.inputCount(); i++) {
            acc = f.apply(acc, call.in(i));
        }
        return OpCall.of(acc);
    }
}
