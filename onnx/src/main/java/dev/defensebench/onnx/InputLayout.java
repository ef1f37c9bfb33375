package dev.defensebench.onnx;

import ai.djl.ndarray.NDArray;
import dev.defensebench.onnx.graph.Dimension;
import java.util.List;

/**
 * How a model file lays out its image input: channels first ([batch, C, H, W], as PyTorch exports) or
 * channels last ([batch, H, W, C], as Keras exports through tf2onnx). The data set's samples are always
 * channels first; a channels-last model gets them transposed at its input.
 */
public enum InputLayout {

    /** [batch, C, H, W]. */
    CHANNELS_FIRST,
    /** [batch, H, W, C]. */
    CHANNELS_LAST;

    /**
     * The layout whose shape the file's input {@code dims} ([batch, ...]) fits for samples of {@code sample}
     * (C, H, W), preferring channels first when both fit; null when neither does.
     */
    static InputLayout detect(List<Dimension> dims, long[] sample) {
        if (dims == null || fits(dims, sample)) {
            return CHANNELS_FIRST;
        }
        return sample.length == 3 && fits(dims, CHANNELS_LAST.fileShape(sample)) ? CHANNELS_LAST : null;
    }

    private static boolean fits(List<Dimension> dims, long[] sample) {
        if (dims.size() != sample.length + 1) {
            return false;
        }
        for (int i = 0; i < sample.length; i++) {
            Dimension d = dims.get(i + 1);
            if (d.isFixed() && d.value() != sample[i]) {
                return false;
            }
        }
        return true;
    }

    /** The per-sample shape the file expects for data set samples of {@code sample} (C, H, W). */
    long[] fileShape(long[] sample) {
        return this == CHANNELS_FIRST ? sample.clone() : new long[] {sample[1], sample[2], sample[0]};
    }

    /** A batch {@code x} (N, C, H, W) in this layout. */
    public NDArray toFile(NDArray x) {
        return this == CHANNELS_FIRST ? x : x.transpose(0, 2, 3, 1);
    }

    /** {@code n} samples of shape (C, H, W) = {@code sample}, row-major, rearranged into this layout. */
    float[] toFile(float[] x, int n, long[] sample) {
        if (this == CHANNELS_FIRST) {
            return x;
        }
        int c = (int) sample[0];
        int hw = (int) (sample[1] * sample[2]);
        float[] out = new float[x.length];
        for (int s = 0; s < n; s++) {
            int base = s * c * hw;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    out[base + p * c + ch] = x[base + ch * hw + p];
                }
            }
        }
        return out;
    }
}
