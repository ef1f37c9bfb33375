package dev.defensebench.spi;

import ai.djl.ndarray.types.Shape;

/**
 * Preprocessed labelled inputs held on the Java heap: {@code inputs} is N × sample elements in
 * row-major order, {@code labels} is N class indices. Batches are copied to the device per step.
 */
public record Examples(float[] inputs, int[] labels, Shape sampleShape, int numClasses, InputBox box) {

    public Examples {
        long per = sampleShape.size();
        if (inputs.length != per * labels.length) {
            throw new IllegalArgumentException(
                    inputs.length + " input values do not hold " + labels.length + " samples of shape " + sampleShape);
        }
    }

    public int size() {
        return labels.length;
    }

    /** The first {@code n} examples (all of them when {@code n} is larger). */
    public Examples first(int n) {
        int k = Math.min(n, size());
        int per = (int) sampleShape.size();
        return new Examples(
                java.util.Arrays.copyOf(inputs, k * per), java.util.Arrays.copyOf(labels, k), sampleShape, numClasses, box);
    }
}
