package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;

/**
 * The result of an attack at one budget ε: the (clipped, projected) adversarial batch and, per
 * sample, whether the model misclassifies it. A sample the model already misclassifies counts as a
 * success at every ε, so robust accuracy is {@code 1 - mean(success)}.
 */
public record EpsilonOutcome(double epsilon, NDArray adversarial, boolean[] success) {

    /** Fraction of samples still classified correctly. */
    public double robustAccuracy() {
        int robust = 0;
        for (boolean s : success) {
            if (!s) {
                robust++;
            }
        }
        return success.length == 0 ? Double.NaN : (double) robust / success.length;
    }
}
