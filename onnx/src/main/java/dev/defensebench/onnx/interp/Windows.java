package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The pooling windows of an N-d max or average pool with any strides, dilations, padding and ceil_mode, reduced as
 * the maximum or sum of one strided slice per kernel offset (differentiable as slices are). Output sizes follow
 * PyTorch and ONNX Runtime: {@code ⌊ or ⌈(in + pads − dilation·(k − 1) − 1) / stride⌉ + 1}, less one in ceil mode when
 * the last window would start past the input and its leading padding. Windows reaching past the end padding (ceil
 * mode) see −∞ (max) or are not counted (average).
 *
 * @param kernel kernel extents
 * @param strides strides
 * @param dilations dilations
 * @param pad the explicit padding
 * @param out output sizes
 */
record Windows(long[] kernel, long[] strides, long[] dilations, Padding pad, long[] out) {

    /** The windows over {@code x} (N, C, spatial...). */
    static Windows of(NDArray x, long[] kernel, long[] strides, long[] dilations, Padding pad, boolean ceil) {
        int n = kernel.length;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long in = x.getShape().get(2 + i);
            long span = in + pad.begin()[i] + pad.end()[i] - dilations[i] * (kernel[i] - 1) - 1;
            long o = (ceil ? Math.floorDiv(span + strides[i] - 1, strides[i]) : Math.floorDiv(span, strides[i])) + 1;
            if (ceil && (o - 1) * strides[i] >= in + pad.begin()[i]) {
                o--;
            }
            out[i] = o;
        }
        return new Windows(kernel, strides, dilations, pad, out);
    }

    /** How far past the end padding the last window reaches on each axis (ceil mode), at least 0. */
    private long[] overhang(NDArray x) {
        long[] extra = new long[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            long needed = (out[i] - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1;
            long have = x.getShape().get(2 + i) + pad.begin()[i] + pad.end()[i];
            extra[i] = Math.max(0, needed - have);
        }
        return extra;
    }

    /** Max pooling: padding and overhang are −∞. */
    NDArray max(NDArray x) {
        NDArray padded = Padding.padSpatial(x, pad.begin(), plus(pad.end(), overhang(x)), Double.NEGATIVE_INFINITY);
        return reduce(padded, true);
    }

    /**
     * Average pooling: window sums over the zero-padded input divided by the number of input elements in each
     * window, or with {@code countPad} of input and padding elements (not the ceil-mode overhang).
     */
    NDArray mean(NDArray x, boolean countPad) {
        long[] extra = overhang(x);
        NDArray sums = reduce(Padding.padSpatial(x, pad.begin(), plus(pad.end(), extra), 0), false);
        NDArray ones = x.onesLike().get(new NDIndex().addSliceDim(0, 1).addSliceDim(0, 1));
        NDArray mask = countPad
                ? Padding.padSpatial(Padding.padSpatial(ones, pad.begin(), pad.end(), 1), new long[kernel.length], extra, 0)
                : Padding.padSpatial(ones, pad.begin(), plus(pad.end(), extra), 0);
        return sums.div(reduce(mask, false));
    }

    /** The maximum or sum over each window of an input already padded to cover every window. */
    private NDArray reduce(NDArray padded, boolean max) {
        NDArray acc = null;
        long[] offset = new long[kernel.length];
        long count = 1;
        for (long k : kernel) {
            count *= k;
        }
        for (long flat = 0; flat < count; flat++) {
            long rest = flat;
            for (int i = kernel.length - 1; i >= 0; i--) {
                offset[i] = rest % kernel[i];
                rest /= kernel[i];
            }
            NDIndex index = new NDIndex().addAllDim().addAllDim();
            for (int i = 0; i < kernel.length; i++) {
                long start = offset[i] * dilations[i];
                index.addSliceDim(start, start + (out[i] - 1) * strides[i] + 1, strides[i]);
            }
            NDArray slice = padded.get(index);
            acc = acc == null ? slice : max ? acc.maximum(slice) : acc.add(slice);
        }
        return acc;
    }

    private static long[] plus(long[] a, long[] b) {
        long[] c = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }
}
