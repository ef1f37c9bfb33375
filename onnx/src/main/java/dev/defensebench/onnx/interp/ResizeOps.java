package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * Resize (opset 10 on) and Upsample (before), nearest and linear modes, one axis at a time: each output coordinate
 * is mapped back to the input with the node's coordinate_transformation_mode, then either rounded with its
 * nearest_mode and gathered, or (linear) clamped to the input and interpolated between its two neighbours.
 */
final class ResizeOps {

    private ResizeOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Resize", ResizeOps::resize);
        ops.put("Upsample", ResizeOps::upsample);
    }

    private static NDList resize(OpCall call) {
        NDArray x = call.in(0);
        float[] scales = null;
        long[] sizes = null;
        if (call.opset() < 11) {
            scales = floats(call, 1);
        } else {
            if (call.has(3) && call.in(3).getShape().size() > 0) {
                sizes = call.longs(3);
            } else if (call.has(2) && call.in(2).getShape().size() > 0) {
                scales = floats(call, 2);
            }
        }
        if (call.hasAttr("axes")) {
            throw call.unsupported("the axes attribute of Resize is not supported");
        }
        if (call.attrInt("antialias", 0) != 0) {
            throw call.unsupported("antialiased resizing is not supported");
        }
        if (!call.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            throw call.unsupported("keep_aspect_ratio_policy '" + call.attrString("keep_aspect_ratio_policy", "")
                    + "' is not supported (only stretch)");
        }
        String coordinates = call.opset() < 11 ? "asymmetric" : call.attrString("coordinate_transformation_mode", "half_pixel");
        String rounding = call.opset() < 11 ? "floor" : call.attrString("nearest_mode", "round_prefer_floor");
        return OpCall.of(nearest(call, x, scales, sizes, coordinates, rounding));
    }

    private static NDList upsample(OpCall call) {
        float[] scales = call.has(1) ? floats(call, 1) : call.node().attribute("scales") == null ? null
                : call.node().attribute("scales").floats();
        if (scales == null) {
            throw call.unsupported("no scales given");
        }
        return OpCall.of(nearest(call, call.in(0), scales, null, "asymmetric", "floor"));
    }

    private static float[] floats(OpCall call, int i) {
        return call.in(i).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }

    private static NDArray nearest(OpCall call, NDArray x, float[] scales, long[] sizes, String coordinates, String rounding) {
        String mode = call.attrString("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) {
            throw call.unsupported("mode '" + mode + "' (only 'nearest' and 'linear' resizing are supported)");
        }
        if (scales == null && sizes == null) {
            throw call.unsupported("neither scales nor sizes are given");
        }
        Shape in = x.getShape();
        NDArray y = x;
        for (int axis = 0; axis < in.dimension(); axis++) {
            long inSize = in.get(axis);
            long outSize = sizes != null ? sizes[axis] : (long) Math.floor(inSize * (double) scales[axis]);
            double scale = sizes != null ? (double) outSize / inSize : scales[axis];
            if (outSize == inSize && scale == 1.0) {
                continue;
            }
            if (mode.equals("linear")) {
                y = linear(call, y, axis, coordinates, scale, outSize);
                continue;
            }
            long[] idx = new long[(int) outSize];
            for (int o = 0; o < outSize; o++) {
                double src = source(call, coordinates, o, scale, inSize, outSize);
                idx[o] = Math.max(0, Math.min(inSize - 1, round(call, rounding, src)));
            }
            y = IndexOps.take(y, axis, idx, new Shape(outSize));
        }
        return y;
    }

    /** Linear interpolation along {@code axis}: the source coordinate clamped to [0, in − 1], its two neighbours weighted. */
    private static NDArray linear(OpCall call, NDArray x, int axis, String coordinates, double scale, long outSize) {
        long inSize = x.getShape().get(axis);
        long[] low = new long[(int) outSize];
        long[] high = new long[(int) outSize];
        double[] weight = new double[(int) outSize];
        for (int o = 0; o < outSize; o++) {
            double src = Math.max(0, Math.min(inSize - 1, source(call, coordinates, o, scale, inSize, outSize)));
            low[o] = (long) Math.floor(src);
            high[o] = Math.min(inSize - 1, low[o] + 1);
            weight[o] = src - low[o];
        }
        long[] wShape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(wShape, 1);
        wShape[axis] = outSize;
        NDArray w = x.getManager().create(weight, new Shape(wShape)).toType(x.getDataType(), false);
        NDArray a = IndexOps.take(x, axis, low, new Shape(outSize));
        NDArray b = IndexOps.take(x, axis, high, new Shape(outSize));
        return a.add(b.sub(a).mul(w));
    }

    private static double source(OpCall call, String mode, long o, double scale, long inSize, long outSize) {
        return switch (mode) {
            case "half_pixel" -> (o + 0.5) / scale - 0.5;
            case "pytorch_half_pixel" -> outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "asymmetric" -> o / scale;
            case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
            case "align_corners" -> outSize == 1 ? 0 : o * (inSize - 1) / (double) (outSize - 1);
            default -> throw call.unsupported("coordinate_transformation_mode '" + mode + "' is not supported");
        };
    }

    private static long round(OpCall call, String mode, double v) {
        return switch (mode) {
            case "floor" -> (long) Math.floor(v);
            case "ceil" -> (long) Math.ceil(v);
            case "round_prefer_floor" -> v - Math.floor(v) == 0.5 ? (long) Math.floor(v) : Math.round(v);
            case "round_prefer_ceil" -> v - Math.floor(v) == 0.5 ? (long) Math.ceil(v) : Math.round(v);
            default -> throw call.unsupported("nearest_mode '" + mode + "' is not supported");
        };
    }
}
