package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Classifier;

/**
 * AutoAttack's two checks of a model's outputs, measured on one batch: whether repeated forward passes
 * of the same input give the same outputs (a randomised model defeats attacks that assume a fixed
 * function), and whether the outputs are probabilities rather than logits (a softmax at the end flattens
 * the gradients that attacks follow).
 *
 * @param spread the largest change of an output row over {@value #PASSES} forward passes, each row
 *     divided by its L1 norm first as AutoAttack does; NaN when the outputs are not finite
 * @param probabilities whether every output lies in [0, 1] and every row sums to 1 within {@value #SUM_TOLERANCE}
 */
public record OutputProbe(double spread, boolean probabilities) {

    /** Forward passes of the same batch. */
    static final int PASSES = 5;
    /** A row sum this close to 1 (with no negative entry) reads as a probability vector. */
    static final double SUM_TOLERANCE = 1e-5;

    /** Probes {@code model} on the batch {@code x}. */
    public static OutputProbe of(Classifier model, NDArray x) {
        return Autograd.notRecording(() -> {
            NDArray first = model.logits(x).toType(DataType.FLOAT64, false);
            NDArray firstNormalised = normalised(first);
            double spread = 0;
            for (int k = 1; k < PASSES; k++) {
                NDArray again = normalised(model.logits(x).toType(DataType.FLOAT64, false));
                spread = Math.max(spread, again.sub(firstNormalised).abs().max().getDouble());
            }
            double[] values = first.toDoubleArray();
            int classes = (int) first.getShape().get(1);
            boolean probabilities = values.length > 0;
            for (int row = 0; row < values.length / classes && probabilities; row++) {
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    double v = values[row * classes + c];
                    probabilities &= v >= 0 && v <= 1;
                    sum += v;
                }
                probabilities &= Math.abs(sum - 1) <= SUM_TOLERANCE;
            }
            return new OutputProbe(spread, probabilities);
        });
    }

    private static NDArray normalised(NDArray rows) {
        return rows.div(rows.abs().sum(new int[] {1}, true).maximum(1e-30));
    }
}
