package dev.defensebench.onnx.interp;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The registry of operators the interpreter runs, by ONNX op_type (default domain). */
public final class Operators {

    private static final Map<String, Operator> OPS = build();

    private Operators() {}

    private static Map<String, Operator> build() {
        Map<String, Operator> ops = new TreeMap<>();
        ElementwiseOps.register(ops);
        ActivationOps.register(ops);
        ConvOps.register(ops);
        PoolOps.register(ops);
        LinearOps.register(ops);
        ShapeOps.register(ops);
        IndexOps.register(ops);
        TensorOps.register(ops);
        ReduceOps.register(ops);
        ResizeOps.register(ops);
        NormOps.register(ops);
        LogicOps.register(ops);
        EinsumOps.register(ops);
        return Collections.unmodifiableMap(ops);
    }

    /** The operator for {@code opType}, or null when the interpreter does not run it. */
    public static Operator get(String opType) {
        return OPS.get(opType);
    }

    /** Every supported op_type, sorted. */
    public static Set<String> supported() {
        return OPS.keySet();
    }
}
