package dev.defensebench.attacks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.index.NDIndex;
import dev.defensebench.train.Losses;
import java.util.Arrays;

/** Row-wise helpers of the batched attacks: per-sample scalars, sub-batches by index, losses on logits. */
final class Batches {

    private Batches() {}

    /** {@code values} (one per sample) shaped (B, 1, 1, ...) to broadcast against {@code like}. */
    static NDArray perSample(double[] values, NDArray like) {
        long[] shape = new long[like.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[0] = values.length;
        return like.getManager().create(values).toType(like.getDataType(), false).reshape(new Shape(shape));
    }

    /** The rows {@code index} of {@code x}. */
    static NDArray rows(NDArray x, int[] index) {
        return x.get(new NDIndex("{}", x.getManager().create(index)));
    }

    /**
     * A float64 array of {@code values} with {@code shape}. On the CPU the values are written into memory libtorch
     * allocated: {@code NDManager.create(double[])} hands libtorch a new direct buffer of the JVM's, which only a
     * garbage collection frees, so an attack that converts a batch every step keeps asking for fresh pages
     * (FAB-T on the bench's MLP: 2 to 3 million page faults and a third of its time in the kernel).
     */
    static NDArray array(NDManager manager, double[] values, Shape shape) {
        if (!Device.Type.CPU.equals(manager.getDevice().getDeviceType())) {
            return manager.create(values, shape);
        }
        NDArray array = manager.create(shape, DataType.FLOAT64);
        array.toByteBuffer(true).asDoubleBuffer().put(values);
        return array;
    }

    /** A copy of {@code base} whose rows {@code index} are replaced by the rows of {@code values}. */
    static NDArray withRows(NDArray base, int[] index, NDArray values) {
        if (index.length == 0) {
            return base;
        }
        int per = (int) (base.getShape().size() / base.getShape().get(0));
        double[] all = base.toType(DataType.FLOAT64, false).toDoubleArray();
        double[] part = values.toType(DataType.FLOAT64, false).toDoubleArray();
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(part, i * per, all, index[i] * per, per);
        }
        return array(base.getManager(), all, base.getShape()).toType(base.getDataType(), false);
    }

    /** The rows {@code index} of a flat row-major array with rows of {@code width} values. */
    static double[] rowsOf(double[] values, int width, int[] index) {
        double[] out = new double[index.length * width];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(values, index[i] * width, out, i * width, width);
        }
        return out;
    }

    /** The entries {@code index} of {@code values}. */
    static long[] rows(long[] values, int[] index) {
        long[] out = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = values[index[i]];
        }
        return out;
    }

    /** The indices where {@code flags} is {@code which}. */
    static int[] where(boolean[] flags, boolean which) {
        int n = 0;
        for (boolean f : flags) {
            if (f == which) {
                n++;
            }
        }
        int[] index = new int[n];
        int k = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == which) {
                index[k++] = i;
            }
        }
        return index;
    }

    /** {@code values} (an (N) array) as doubles. */
    static double[] doubles(NDArray values) {
        return values.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** The margin {@code z_y − max_{k≠y} z_k} per sample (N); see {@link Losses#margin}. */
    static NDArray margin(NDArray logits, NDArray labels) {
        return Losses.margin(logits, labels);
    }
}
