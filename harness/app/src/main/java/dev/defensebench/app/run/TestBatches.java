package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Examples;

/**
 * The fixed test subset in batches (each batch's arrays scoped to it), and the counts over the evaluation's
 * per-point tables.
 */
final class TestBatches {

    private TestBatches() {}

    /** What runs on one batch: its inputs, labels and the index of its first point. */
    @FunctionalInterface
    interface Body {
        void accept(NDArray x, NDArray y, int from);
    }

    /** Runs {@code body} on {@code data} in batches of {@code batchSize}, each in its own {@link NDScope}. */
    static void forEach(NDManager manager, Examples data, int batchSize, Body body) {
        int per = (int) data.sampleShape().size();
        for (int from = 0; from < data.size(); from += batchSize) {
            int size = Math.min(batchSize, data.size() - from);
            float[] xs = new float[size * per];
            System.arraycopy(data.inputs(), from * per, xs, 0, size * per);
            long[] ys = new long[size];
            for (int i = 0; i < size; i++) {
                ys[i] = data.labels()[from + i];
            }
            try (NDScope scope = new NDScope()) {
                NDArray x = manager.create(xs, new Shape(size).addAll(data.sampleShape()));
                body.accept(x, manager.create(ys), from);
            }
        }
    }

    /** How many of {@code values} are {@code which}. */
    static int count(boolean[] values, boolean which) {
        int c = 0;
        for (boolean v : values) {
            if (v == which) {
                c++;
            }
        }
        return c;
    }

    /** The mean of the {@code values} whose {@code use} is set; NaN when none is. */
    static double mean(double[] values, boolean[] use) {
        double sum = 0;
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (use[i]) {
                sum += values[i];
                k++;
            }
        }
        return k == 0 ? Double.NaN : sum / k;
    }

    /** The labels of {@code test} as longs. */
    static long[] labels(Examples test) {
        long[] labels = new long[test.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = test.labels()[i];
        }
        return labels;
    }
}
