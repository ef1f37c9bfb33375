package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;

/** Operators that move data without arithmetic: Reshape, Flatten, Transpose, Squeeze, Unsqueeze, Concat, Split, Identity, Dropout, Expand, Tile. */
final class ShapeOps {

    private ShapeOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Reshape", ShapeOps::reshape);
        ops.put("Flatten", ShapeOps::flatten);
        ops.put("Transpose", ShapeOps::transpose);
        ops.put("Squeeze", ShapeOps::squeeze);
        ops.put("Unsqueeze", ShapeOps::unsqueeze);
        ops.put("Concat", ShapeOps::concat);
        ops.put("Split", ShapeOps::split);
        ops.put("Identity", call -> OpCall.of(call.in(0)));
        ops.put("Dropout", ShapeOps::dropout);
        ops.put("Expand", call -> OpCall.of(call.in(0).broadcast(expandedShape(call.in(0).getShape(), call.longs(1)))));
        ops.put("Tile", ShapeOps::tile);
    }

    /** Reshape: 0 copies the input's dimension (unless allowzero), -1 is inferred. */
    private static NDList reshape(OpCall call) {
        NDArray x = call.in(0);
        long[] target = call.longs(1).clone();
        boolean allowZero = call.attrInt("allowzero", 0) == 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0 && !allowZero) {
                if (i >= x.getShape().dimension()) {
                    throw call.unsupported("shape " + Arrays.toString(call.longs(1)) + " copies dimension " + i + " of a rank-"
                            + x.getShape().dimension() + " input");
                }
                target[i] = x.getShape().get(i);
            }
        }
        return OpCall.of(x.reshape(new Shape(target)));
    }

    private static NDList flatten(OpCall call) {
        NDArray x = call.in(0);
        int rank = x.getShape().dimension();
        long axis = call.attrInt("axis", 1);
        int a = axis == rank ? rank : call.axis(axis, rank);
        return OpCall.of(x.reshape(x.getShape().slice(0, a).size(), x.getShape().slice(a).size()));
    }

    private static NDList transpose(OpCall call) {
        NDArray x = call.in(0);
        long[] perm = call.attrInts("perm", null);
        if (perm == null) {
            return OpCall.of(x.transpose());
        }
        return OpCall.of(x.transpose(Arrays.stream(perm).mapToInt(p -> (int) p).toArray()));
    }

    private static NDList squeeze(OpCall call) {
        NDArray x = call.in(0);
        long[] axes = call.inputOrAttr(1, "axes");
        if (axes == null) {
            return OpCall.of(x.squeeze());
        }
        int rank = x.getShape().dimension();
        return OpCall.of(x.squeeze(Arrays.stream(axes).mapToInt(a -> call.axis(a, rank)).toArray()));
    }

    private static NDList unsqueeze(OpCall call) {
        NDArray x = call.in(0);
        long[] axes = call.inputOrAttr(1, "axes");
        if (axes == null) {
            throw call.unsupported("no axes given");
        }
        int rank = x.getShape().dimension() + axes.length;
        int[] sorted = Arrays.stream(axes).mapToInt(a -> call.axis(a, rank)).sorted().toArray();
        NDArray y = x;
        for (int a : sorted) {
            y = y.expandDims(a);
        }
        return OpCall.of(y);
    }

    private static NDList concat(OpCall call) {
        NDList parts = new NDList();
        for (int i = 0; i < call.inputCount(); i++) {
            parts.add(call.in(i));
        }
        int axis = call.axis(call.attrInt("axis", 0), call.in(0).getShape().dimension());
        return OpCall.of(parts.size() == 1 ? parts.head() : NDArrays.concat(parts, axis));
    }

    /** Split by sizes (attribute before opset 13, input from 13) or into equal parts, one per output. */
    private static NDList split(OpCall call) {
        NDArray x = call.in(0);
        int axis = call.axis(call.attrInt("axis", 0), x.getShape().dimension());
        long length = x.getShape().get(axis);
        int outputs = call.node().outputs().size();
        long[] sizes = call.inputOrAttr(1, "split");
        if (sizes == null) {
            long parts = call.attrInt("num_outputs", outputs);
            long chunk = (length + parts - 1) / parts;
            sizes = new long[(int) parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.min(chunk, length - i * chunk);
            }
        }
        if (Arrays.stream(sizes).sum() != length) {
            throw call.unsupported("split sizes " + Arrays.toString(sizes) + " do not add up to the axis length " + length);
        }
        long[] points = new long[sizes.length - 1];
        long at = 0;
        for (int i = 0; i < points.length; i++) {
            at += sizes[i];
            points[i] = at;
        }
        return x.split(points, axis);
    }

    private static NDList dropout(OpCall call) {
        NDArray x = call.in(0);
        if (call.node().outputs().size() > 1 && !call.node().outputs().get(1).isEmpty()) {
            return new NDList(x, x.onesLike().toType(ai.djl.ndarray.types.DataType.BOOLEAN, false));
        }
        return OpCall.of(x);
    }

    /** Tile: the input repeated {@code repeats[i]} times along each axis i. */
    private static NDList tile(OpCall call) {
        NDArray x = call.in(0);
        long[] repeats = call.longs(1);
        if (repeats.length != x.getShape().dimension()) {
            throw call.unsupported("repeats " + Arrays.toString(repeats) + " do not have one value per axis of a rank-"
                    + x.getShape().dimension() + " input");
        }
        return OpCall.of(Arrays.stream(repeats).allMatch(r -> r == 1) ? x : x.tile(repeats));
    }

    /** The shape {@code x} broadcasts to with {@code shape} (numpy rules, as Expand defines). */
    private static Shape expandedShape(Shape x, long[] shape) {
        int rank = Math.max(x.dimension(), shape.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            int xi = i - (rank - x.dimension());
            int si = i - (rank - shape.length);
            long a = xi >= 0 ? x.get(xi) : 1;
            long b = si >= 0 ? shape[si] : 1;
            out[i] = a == 1 ? b : a;
        }
        return new Shape(out);
    }
}
