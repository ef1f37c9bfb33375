package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceSumSquare, ReduceLogSum,
 * ReduceLogSumExp: axes as attribute or (ReduceSum from opset 13, the others from 18) as input; keepdims
 * (default 1); noop_with_empty_axes.
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
        ops.put("ReduceProd", call -> reduce(call, 18, NDArray::prod));
        ops.put("ReduceL1", call -> reduce(call, 18, (x, a, keep) -> x.abs().sum(a, keep)));
        ops.put("ReduceL2", call -> reduce(call, 18, (x, a, keep) -> x.mul(x).sum(a, keep).sqrt()));
        ops.put("ReduceSumSquare", call -> reduce(call, 18, (x, a, keep) -> x.mul(x).sum(a, keep)));
        ops.put("ReduceLogSum", call -> reduce(call, 18, (x, a, keep) -> x.sum(a, keep).log()));
        ops.put("ReduceLogSumExp", call -> reduce(call, 18, ReduceOps::logSumExp));
    }

    /** log Σ exp(x), shifted by the (constant) maximum so that large activations do not overflow. */
    private static NDArray logSumExp(NDArray x, int[] axes, boolean keep) {
        NDArray shift = x.max(axes, true).stopGradient();
        NDArray y = x.sub(shift).exp().sum(axes, true).log().add(shift);
        return keep ? y : y.squeeze(axes);
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
        // the reduced axes moved last and merged into one, so each reduction runs once over one axis (the engine
        // reduces one axis per call, and Σ(Σ x²)² is not Σ x²)
        int[] a = Arrays.stream(axes).mapToInt(v -> call.axis(v, rank)).distinct().sorted().toArray();
        int[] kept = IntStream.range(0, rank).filter(i -> Arrays.binarySearch(a, i) < 0).toArray();
        long[] dims = x.getShape().getShape();
        NDArray moved = x.transpose(IntStream.concat(IntStream.of(kept), IntStream.of(a)).toArray());
        long[] keptDims = Arrays.stream(kept).mapToLong(i -> dims[i]).toArray();
        NDArray merged = moved.reshape(new Shape(keptDims).add(-1));
        NDArray y = f.apply(merged, new int[] {keptDims.length}, false);
        long[] outShape = keep ? dims.clone() : keptDims;
        if (keep) {
            for (int i : a) {
                outShape[i] = 1;
            }
        }
        y = y.reshape(new Shape(outShape));
        return OpCall.of(y);
    }
}
