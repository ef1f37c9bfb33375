package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * MaxPool, AveragePool (count_include_pad), GlobalAveragePool, GlobalMaxPool. The engine's pooling kernels run the
 * common cases; dilated windows and ceil_mode go through {@link Windows}.
 */
final class PoolOps {

    private PoolOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MaxPool", PoolOps::maxPool);
        ops.put("AveragePool", PoolOps::averagePool);
        ops.put("GlobalAveragePool", call -> OpCall.of(global(call.in(0), true)));
        ops.put("GlobalMaxPool", call -> OpCall.of(global(call.in(0), false)));
    }

    /** Mean or max over all spatial axes, kept as size-1 axes. */
    private static NDArray global(NDArray x, boolean mean) {
        Shape s = x.getShape();
        NDArray flat = x.reshape(s.get(0), s.get(1), -1);
        NDArray y = mean ? flat.mean(new int[] {2}, true) : flat.max(new int[] {2}, true);
        long[] kept = new long[s.dimension()];
        java.util.Arrays.fill(kept, 1);
        kept[0] = s.get(0);
        kept[1] = s.get(1);
        return y.reshape(new Shape(kept));
    }

    private static NDList maxPool(OpCall call) {
        NDArray x = call.in(0);
        long[] kernel = kernel(call);
        long[] strides = call.attrInts("strides", ConvOps.ones(kernel.length));
        long[] dilations = call.attrInts("dilations", ConvOps.ones(kernel.length));
        if (call.node().outputs().size() > 1 && !call.node().outputs().get(1).isEmpty()) {
            throw call.unsupported("the Indices output of MaxPool is not supported");
        }
        boolean ceil = call.attrInt("ceil_mode", 0) == 1;
        Padding pad = Padding.of(call, x, kernel, strides, dilations);
        boolean dilated = java.util.Arrays.stream(dilations).anyMatch(d -> d != 1);
        if (dilated || ceil) {
            return OpCall.of(Windows.of(x, kernel, strides, dilations, pad, ceil).max(x));
        }
        if (engineCanPad(pad, kernel)) {
            return OpCall.of(x.getNDArrayInternal().maxPool(new Shape(kernel), new Shape(strides), pad.symmetricShape(), ceil));
        }
        NDArray padded = pad.apply(x, Double.NEGATIVE_INFINITY);
        return OpCall.of(padded.getNDArrayInternal().maxPool(new Shape(kernel), new Shape(strides), zeros(kernel.length), ceil));
    }

    /**
     * AveragePool. Padding is applied explicitly as zeros (the engine's own padded average ignores
     * count_include_pad); then, without count_include_pad, the window means are divided by those of a padded
     * mask of ones.
     */
    private static NDList averagePool(OpCall call) {
        NDArray x = call.in(0);
        long[] kernel = kernel(call);
        long[] strides = call.attrInts("strides", ConvOps.ones(kernel.length));
        boolean ceil = call.attrInt("ceil_mode", 0) == 1;
        boolean include = call.attrInt("count_include_pad", 0) == 1;
        long[] dilations = call.attrInts("dilations", ConvOps.ones(kernel.length));
        Padding pad = Padding.of(call, x, kernel, strides, dilations);
        if (ceil || java.util.Arrays.stream(dilations).anyMatch(d -> d != 1)) {
            return OpCall.of(Windows.of(x, kernel, strides, dilations, pad, ceil).mean(x, include));
        }
        Shape k = new Shape(kernel);
        Shape s = new Shape(strides);
        NDArray sums = pad.apply(x, 0).getNDArrayInternal().avgPool(k, s, zeros(kernel.length), ceil, true);
        if (include || pad.none()) {
            return OpCall.of(sums);
        }
        NDArray mask = pad.apply(x.onesLike().get(":1, :1"), 0);
        NDArray counts = mask.getNDArrayInternal().avgPool(k, s, zeros(kernel.length), ceil, true);
        return OpCall.of(sums.div(counts));
    }

    private static boolean engineCanPad(Padding pad, long[] kernel) {
        if (!pad.symmetric()) {
            return false;
        }
        for (int i = 0; i < kernel.length; i++) {
            if (pad.begin()[i] * 2 > kernel[i]) {
                return false;
            }
        }
        return true;
    }

    private static long[] kernel(OpCall call) {
        long[] k = call.attrInts("kernel_shape", null);
        if (k == null) {
            throw call.unsupported("kernel_shape is missing");
        }
        return k;
    }

    private static Shape zeros(int n) {
        return new Shape(new long[n]);
    }
}
