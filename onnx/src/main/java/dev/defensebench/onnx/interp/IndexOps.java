package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;

/** Indexing and padding: Slice, Gather, Pad (constant, reflect, edge), ScatterND. */
final class IndexOps {

    private IndexOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Slice", IndexOps::slice);
        ops.put("Gather", IndexOps::gather);
        ops.put("Pad", IndexOps::pad);
        ops.put("ScatterND", IndexOps::scatterNd);
    }

    /** Slice: starts/ends/axes/steps as inputs (opset 10 on) or attributes (before); bounds clamped as the spec says. */
    private static NDList slice(OpCall call) {
        NDArray x = call.in(0);
        boolean inputs = call.opset() >= 10;
        long[] starts = inputs ? call.longs(1) : call.attrInts("starts", null);
        long[] ends = inputs ? call.longs(2) : call.attrInts("ends", null);
        long[] axes = inputs ? (call.has(3) ? call.longs(3) : null) : call.attrInts("axes", null);
        long[] steps = inputs && call.has(4) ? call.longs(4) : null;
        int rank = x.getShape().dimension();
        NDArray y = x;
        NDIndex index = new NDIndex();
        long[] from = new long[rank];
        long[] to = x.getShape().getShape().clone();
        for (int i = 0; i < starts.length; i++) {
            int axis = call.axis(axes == null ? i : axes[i], rank);
            long dim = x.getShape().get(axis);
            long step = steps == null ? 1 : steps[i];
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (step > 0) {
                from[axis] = clamp(start, 0, dim);
                to[axis] = Math.max(from[axis], clamp(end, 0, dim));
                if (step > 1) {
                    y = take(y, axis, positions(from[axis], to[axis], step), null);
                    from[axis] = 0;
                    to[axis] = -1;
                }
            } else if (step < 0) {
                y = take(y, axis, positions(clamp(start, 0, dim - 1), clamp(end, -1, dim - 1), step), null);
                to[axis] = -1;
            } else {
                throw call.unsupported("step 0");
            }
        }
        for (int a = 0; a < rank; a++) {
            if (to[a] < 0) {
                index.addAllDim();
            } else {
                index.addSliceDim(from[a], to[a]);
            }
        }
        return OpCall.of(y.get(index));
    }

    /** start, start + step, ... while before end (step > 0) or after it (step < 0). */
    private static long[] positions(long start, long end, long step) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        for (long p = start; step > 0 ? p < end : p > end; p += step) {
            out.add(p);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long clamp(long v, long low, long high) {
        return Math.max(low, Math.min(high, v));
    }

    /** Gather along {@code axis}: out shape = data[:axis] + indices + data[axis+1:]; negative indices count from the end. */
    private static NDList gather(OpCall call) {
        NDArray data = call.in(0);
        NDArray indices = call.in(1);
        int rank = data.getShape().dimension();
        int axis = call.axis(call.attrInt("axis", 0), rank);
        long dim = data.getShape().get(axis);
        long[] idx = call.longs(1);
        for (int i = 0; i < idx.length; i++) {
            idx[i] = idx[i] < 0 ? idx[i] + dim : idx[i];
            if (idx[i] < 0 || idx[i] >= dim) {
                throw call.unsupported("index " + call.longs(1)[i] + " is out of range for an axis of " + dim);
            }
        }
        return OpCall.of(take(data, axis, idx, indices.getShape()));
    }

    /** {@code data} indexed along {@code axis} by {@code idx}, shaped {@code indexShape} (null: 1-D) in place of that axis. */
    static NDArray take(NDArray data, int axis, long[] idx, Shape indexShape) {
        if (indexShape == null) {
            return take(data, axis, idx, new Shape(idx.length));
        }
        int rank = data.getShape().dimension();
        int[] front = IntStream.concat(IntStream.of(axis), IntStream.range(0, rank).filter(a -> a != axis)).toArray();
        NDArray moved = axis == 0 ? data : data.transpose(front);
        NDArray picked = moved.get(data.getManager().create(idx));
        Shape rest = moved.getShape().slice(1);
        NDArray shaped = picked.reshape(indexShape.addAll(rest));
        int q = indexShape.dimension();
        if (axis == 0) {
            return shaped;
        }
        int total = q + rest.dimension();
        int[] perm = IntStream.concat(IntStream.concat(IntStream.range(q, q + axis), IntStream.range(0, q)),
                IntStream.range(q + axis, total)).toArray();
        return shaped.transpose(perm);
    }

    /**
     * Pad: pads as input (opset 11 on) or attribute, value as input or attribute, optional axes (opset 18); mode
     * constant, reflect (mirrored without repeating the edge) or edge (the edge value repeated). Negative pads crop.
     */
    private static NDList pad(OpCall call) {
        NDArray x = call.in(0);
        String mode = call.attrString("mode", "constant");
        boolean inputs = call.opset() >= 11;
        long[] pads = inputs ? call.longs(1) : call.attrInts("pads", call.attrInts("paddings", null));
        double value = inputs ? (call.has(2) ? call.scalar(2) : 0) : call.attrFloat("value", 0f);
        int rank = x.getShape().dimension();
        long[] axes = inputs && call.has(3) ? call.longs(3) : IntStream.range(0, rank).asLongStream().toArray();
        if (pads == null || pads.length != 2 * axes.length) {
            throw call.unsupported("pads " + Arrays.toString(pads) + " do not have 2 x " + axes.length + " values");
        }
        long[] begin = new long[rank];
        long[] end = new long[rank];
        for (int i = 0; i < axes.length; i++) {
            int a = call.axis(axes[i], rank);
            begin[a] = pads[i];
            end[a] = pads[axes.length + i];
        }
        return switch (mode) {
            case "constant" -> OpCall.of(Padding.padSpatial(x, begin, end, value));
            case "reflect", "edge" -> OpCall.of(padByIndex(call, x, begin, end, mode.equals("reflect")));
            default -> throw call.unsupported("mode '" + mode + "' is not constant, reflect or edge");
        };
    }

    /** Reflect or edge padding as a gather along each padded axis (so the gradient flows back to the copied values). */
    private static NDArray padByIndex(OpCall call, NDArray x, long[] begin, long[] end, boolean reflect) {
        NDArray y = x;
        for (int a = 0; a < begin.length; a++) {
            if (begin[a] == 0 && end[a] == 0) {
                continue;
            }
            long n = x.getShape().get(a);
            if (reflect && (begin[a] >= n || end[a] >= n)) {
                throw call.unsupported("reflect padding of " + Math.max(begin[a], end[a]) + " on an axis of " + n
                        + " (it must be smaller than the axis)");
            }
            long length = n + begin[a] + end[a];
            long[] idx = new long[(int) Math.max(0, length)];
            for (int i = 0; i < idx.length; i++) {
                long p = i - begin[a];
                idx[i] = reflect ? (p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p) : clamp(p, 0, n - 1);
            }
            y = take(y, a, idx, null);
        }
        return y;
    }

    /**
     * ScatterND: {@code data} with the slices that {@code indices} (…, k) address replaced by (reduction none) or
     * added to (reduction add) {@code updates}; differentiable in data and updates. Written as data's rows (its first
     * k axes merged) selected from data or updates, so no array is changed in place.
     */
    private static NDList scatterNd(OpCall call) {
        NDArray data = call.in(0);
        NDArray updates = call.in(2);
        String reduction = call.attrString("reduction", "none");
        Shape ds = data.getShape();
        Shape is = call.in(1).getShape();
        int k = (int) is.get(is.dimension() - 1);
        if (k > ds.dimension()) {
            throw call.unsupported("indices address " + k + " axes of a rank-" + ds.dimension() + " tensor");
        }
        long rows = ds.slice(0, k).size();
        long[] index = call.longs(1);
        int m = (int) (index.length / Math.max(1, k));
        long[] target = new long[m];
        for (int j = 0; j < m; j++) {
            long row = 0;
            for (int d = 0; d < k; d++) {
                long v = index[j * k + d];
                long dim = ds.get(d);
                v = v < 0 ? v + dim : v;
                if (v < 0 || v >= dim) {
                    throw call.unsupported("index " + index[j * k + d] + " is out of range for an axis of " + dim);
                }
                row = row * dim + v;
            }
            target[j] = row;
        }
        NDArray flatData = data.reshape(new Shape(rows).addAll(ds.slice(k)));
        NDArray flatUpdates = updates.reshape(new Shape(m).addAll(ds.slice(k)));
        NDArray y = switch (reduction) {
            case "none" -> replaceRows(flatData, flatUpdates, target);
            case "add" -> target.length == 0 ? flatData : flatData.add(scatterAdd(flatData, flatUpdates, target));
            default -> throw call.unsupported("reduction '" + reduction + "' (only none and add are supported)");
        };
        return OpCall.of(y.reshape(ds));
    }

    /** {@code data} (rows first) with row {@code target[j]} replaced by {@code updates[j]} (the last one wins). */
    private static NDArray replaceRows(NDArray data, NDArray updates, long[] target) {
        int rows = (int) data.getShape().get(0);
        long[] source = new long[rows];
        boolean[] hit = new boolean[rows];
        for (int j = 0; j < target.length; j++) {
            source[(int) target[j]] = j;
            hit[(int) target[j]] = true;
        }
        long[] maskShape = new long[data.getShape().dimension()];
        Arrays.fill(maskShape, 1);
        maskShape[0] = rows;
        NDArray mask = data.getManager().create(hit, new Shape(maskShape)).broadcast(data.getShape());
        NDArray picked = target.length == 0 ? data : take(updates, 0, source, null);
        return ai.djl.ndarray.NDArrays.where(mask, picked, data);
    }

    /** Σ_j updates[j] added into row target[j], as a (rows × updates) 0/1 matrix product. */
    private static NDArray scatterAdd(NDArray data, NDArray updates, long[] target) {
        int rows = (int) data.getShape().get(0);
        float[] onehot = new float[rows * target.length];
        for (int j = 0; j < target.length; j++) {
            onehot[(int) target[j] * target.length + j] = 1;
        }
        NDArray s = data.getManager().create(onehot, new Shape(rows, target.length)).toType(data.getDataType(), false);
        Shape rest = updates.getShape().slice(1);
        return s.matMul(updates.reshape(target.length, -1)).reshape(new Shape(rows).addAll(rest));
    }
}
