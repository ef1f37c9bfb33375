package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * ReduceMean, ReduceSum, ReduceMax, ReduceMin: axes as attribute or (ReduceSum from opset 13, the others
 * from 18) as input; keepdims (default 1); noop_with_empty_axes.
 */
final class ReduceOps {

    private ReduceOps() {}

    /** A reduction over the given axes. */
    private interface Reduction {
        NDArray apply(NDArray x, int[] axes, boolean keep);
    }

    static void register(Map<String, Operator> ops) {
        ops.put("ReduceMean", call -> reduce(call, 18, NDArray::mean));
        ops.put("ReduceSum", call -> reduce(call, 13, NDArray::sum));
        ops.put("ReduceMax", call -> reduce(call, 18, NDArray::max));
        ops.put("ReduceMin", call -> reduce(call, 18, NDArray::min));
    }

    private static NDList reduce(OpCall call, long inputSince, Reduction f) {
        NDArray x = call.in(0);
        int rank = x.getShape().dimension();
        long[] axes = call.opset() >= inputSince ? (call.has(1) ? call.longs(1) : null) : call.attrInts("axes", null);
        boolean keep = call.attrInt("keepdims", 1) == 1;
        if (axes == null || axes.length == 0) {
            if (call.attrInt("noop_with_empty_axes", 0) == 1) {
                return OpCall.of(x);
            }
            axes = IntStream.range(0, rank).asLongStream().toArray();
        }
        // one axis at a time (the engine reduces one axis per call), from the last, so the others keep their index
        int[] a = Arrays.stream(axes).mapToInt(v -> call.axis(v, rank)).distinct().sorted().toArray();
        NDArray y = x;
        for (int i = a.length - 1; i >= 0; i--) {
            y = f.apply(y, new int[] {a[i]}, keep);
        }
        return OpCall.of(y);
    }
}
