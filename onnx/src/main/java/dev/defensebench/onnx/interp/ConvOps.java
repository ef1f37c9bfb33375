package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;

/** Conv and ConvTranspose (1-D to 3-D; groups, strides, dilations, explicit or automatic padding). */
final class ConvOps {

    private ConvOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Conv", ConvOps::conv);
        ops.put("ConvTranspose", ConvOps::convTranspose);
    }

    /** A convolution's spatial geometry: kernel extents (from the weight when not given), strides, dilations. */
    private record Geometry(int n, long[] kernel, long[] strides, long[] dilations) {

        static Geometry of(OpCall call, NDArray w) {
            int n = w.getShape().dimension() - 2;
            return new Geometry(n, call.attrInts("kernel_shape", w.getShape().slice(2).getShape()),
                    call.attrInts("strides", ones(n)), call.attrInts("dilations", ones(n)));
        }
    }

    private static NDList conv(OpCall call) {
        NDArray x = call.in(0);
        NDArray w = call.in(1);
        Geometry geo = Geometry.of(call, w);
        Padding pad = Padding.of(call, x, geo.kernel(), geo.strides(), geo.dilations());
        NDArray in = pad.symmetric() ? x : pad.apply(x, 0);
        Shape symmetric = pad.symmetric() ? pad.symmetricShape() : new Shape(new long[geo.n()]);
        NDArray bias = call.has(2) ? call.in(2) : null;
        return x.getNDArrayInternal().convolution(in, w, bias, new Shape(geo.strides()), symmetric, new Shape(geo.dilations()),
                (int) call.attrInt("group", 1));
    }

    /**
     * ConvTranspose: the full transposed convolution (no padding), then output_padding added at the end of
     * each axis, the pads cropped, and the bias added last (so padded rows carry the bias, as in the spec).
     */
    private static NDList convTranspose(OpCall call) {
        NDArray x = call.in(0);
        NDArray w = call.in(1);
        Geometry geo = Geometry.of(call, w);
        int n = geo.n();
        long[] kernel = geo.kernel();
        long[] strides = geo.strides();
        long[] dilations = geo.dilations();
        long[] outPad = call.attrInts("output_padding", new long[n]);
        long[] pads = call.attrInts("pads", new long[2 * n]);
        long[] outputShape = call.attrInts("output_shape", null);
        String auto = call.attrString("auto_pad", "NOTSET");
        long[] begin = Arrays.copyOfRange(pads, 0, n);
        long[] end = Arrays.copyOfRange(pads, n, 2 * n);
        long[] full = new long[n];
        for (int i = 0; i < n; i++) {
            full[i] = strides[i] * (x.getShape().get(2 + i) - 1) + outPad[i] + (kernel[i] - 1) * dilations[i] + 1;
        }
        if (outputShape != null || auto.startsWith("SAME")) {
            for (int i = 0; i < n; i++) {
                long target = outputShape != null ? outputShape[outputShape.length - n + i] : x.getShape().get(2 + i) * strides[i];
                long total = full[i] - target;
                if (total < 0) {
                    throw call.unsupported("output_shape " + Arrays.toString(outputShape) + " is larger than the full output");
                }
                begin[i] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            }
        } else if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw call.unsupported("auto_pad '" + auto + "' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID");
        } else if (auto.equals("VALID")) {
            Arrays.fill(begin, 0);
            Arrays.fill(end, 0);
        }
        NDArray y = fullTransposed(x, w, strides, dilations, (int) call.attrInt("group", 1));
        y = Padding.padSpatial(y, new long[n], outPad, 0);
        NDIndex crop = new NDIndex().addAllDim().addAllDim();
        for (int i = 0; i < n; i++) {
            crop.addSliceDim(begin[i], full[i] - end[i]);
        }
        y = y.get(crop);
        if (call.has(2)) {
            y = y.add(call.in(2).reshape(new Shape(-1).addAll(new Shape(ones(n)))));
        }
        return OpCall.of(y);
    }

    /**
     * The unpadded transposed convolution, as the engine's convolution of the stride-dilated input (zeros
     * between samples), fully padded, with the kernel flipped and its in/out channels swapped per group.
     */
    private static NDArray fullTransposed(NDArray x, NDArray w, long[] strides, long[] dilations, int groups) {
        int n = strides.length;
        NDArray spread = x;
        for (int i = 0; i < n; i++) {
            spread = spreadAxis(spread, 2 + i, strides[i]);
        }
        Shape ws = w.getShape();
        long in = ws.get(0);
        long outPerGroup = ws.get(1);
        Shape kernel = ws.slice(2);
        NDArray k = w.reshape(new Shape(groups, in / groups, outPerGroup).addAll(kernel)).swapAxes(1, 2)
                .reshape(new Shape(groups * outPerGroup, in / groups).addAll(kernel));
        int[] spatial = new int[n];
        long[] full = new long[n];
        for (int i = 0; i < n; i++) {
            spatial[i] = 2 + i;
            full[i] = (kernel.get(i) - 1) * dilations[i];
        }
        k = k.flip(spatial);
        return x.getNDArrayInternal().convolution(spread, k, null, new Shape(ones(n)), new Shape(full), new Shape(dilations),
                groups).singletonOrThrow();
    }

    /** {@code x} with {@code stride - 1} zeros inserted between neighbours along {@code axis}. */
    private static NDArray spreadAxis(NDArray x, int axis, long stride) {
        if (stride == 1) {
            return x;
        }
        Shape s = x.getShape();
        long length = s.get(axis);
        int rank = s.dimension() + 1;
        long[] begin = new long[rank];
        long[] end = new long[rank];
        end[axis + 1] = stride - 1;
        NDArray padded = Padding.padSpatial(x.expandDims(axis + 1), begin, end, 0);
        long[] merged = s.getShape().clone();
        merged[axis] = length * stride;
        NDIndex trim = new NDIndex();
        for (int a = 0; a < s.dimension(); a++) {
            if (a == axis) {
                trim.addSliceDim(0, (length - 1) * stride + 1);
            } else {
                trim.addAllDim();
            }
        }
        return padded.reshape(new Shape(merged)).get(trim);
    }

    static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }
}
