package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The spatial padding of a convolution or pooling node: explicit {@code pads} ([x1_begin, x2_begin, ...,
 * x1_end, x2_end]) or {@code auto_pad} (SAME_UPPER, SAME_LOWER, VALID), resolved for an input's size.
 *
 * @param begin padding before each spatial axis
 * @param end padding after each spatial axis
 */
record Padding(long[] begin, long[] end) {

    /** Resolves the node's padding for input {@code x} (N, C, spatial...), kernel extents {@code kernel}, {@code strides}, {@code dilations}. */
    static Padding of(OpCall call, NDArray x, long[] kernel, long[] strides, long[] dilations) {
        int n = kernel.length;
        String auto = call.attrString("auto_pad", "NOTSET");
        long[] begin = new long[n];
        long[] end = new long[n];
        switch (auto) {
            case "NOTSET" -> {
                long[] pads = call.attrInts("pads", new long[2 * n]);
                if (pads.length != 2 * n) {
                    throw call.unsupported("pads " + java.util.Arrays.toString(pads) + " do not have 2 x " + n + " values");
                }
                System.arraycopy(pads, 0, begin, 0, n);
                System.arraycopy(pads, n, end, 0, n);
            }
            case "VALID" -> { }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < n; i++) {
                    long in = x.getShape().get(2 + i);
                    long out = (in + strides[i] - 1) / strides[i];
                    long extent = (kernel[i] - 1) * dilations[i] + 1;
                    long total = Math.max(0, (out - 1) * strides[i] + extent - in);
                    long small = total / 2;
                    begin[i] = auto.equals("SAME_UPPER") ? small : total - small;
                    end[i] = total - begin[i];
                }
            }
            default -> throw call.unsupported("auto_pad '" + auto + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        }
        return new Padding(begin, end);
    }

    /** Whether begin and end agree on every axis (the engine's kernels pad symmetrically). */
    boolean symmetric() {
        return java.util.Arrays.equals(begin, end);
    }

    /** Whether no axis is padded. */
    boolean none() {
        for (int i = 0; i < begin.length; i++) {
            if (begin[i] != 0 || end[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The symmetric padding per axis, for the engine's kernels. */
    Shape symmetricShape() {
        return new Shape(begin);
    }

    /** {@code x} (N, C, spatial...) padded explicitly with {@code value}. */
    NDArray apply(NDArray x, double value) {
        return padSpatial(x, begin, end, value);
    }

    /** Pads the trailing {@code begin.length} axes of {@code x}; PyTorch's order: last axis first. */
    static NDArray padSpatial(NDArray x, long[] begin, long[] end, double value) {
        int n = begin.length;
        long[] torch = new long[2 * n];
        for (int i = 0; i < n; i++) {
            torch[2 * i] = begin[n - 1 - i];
            torch[2 * i + 1] = end[n - 1 - i];
        }
        return x.pad(new Shape(torch), value);
    }
}
