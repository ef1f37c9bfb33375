package dev.defensebench.adaptive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Classifier;
import dev.defensebench.train.Losses;
import java.util.Locale;

/**
 * What probing a classifier on one batch found: the fraction of points whose input gradient (of the
 * margin loss) is zero or not finite, and the largest change of a logit over repeated forwards of the same
 * inputs. A transform that leaves most gradients zero or non-finite is non-differentiable (BPDA attacks
 * it); one whose forwards differ is randomized (EOT attacks it). The thresholds are AutoAttack's where it
 * has one ({@code checks.py}: 5 forwards, 1e-4).
 *
 * @param zeroGradientFraction points with a zero or non-finite input gradient, as a fraction of the batch
 * @param logitChange the largest absolute difference of a logit between the first and a later forward
 */
public record TransformProbe(double zeroGradientFraction, double logitChange) {

    /** Forwards compared to detect randomness (AutoAttack's check uses 5). */
    public static final int FORWARDS = 5;
    /** A logit change above this means randomized (AutoAttack's tolerance). */
    public static final double RANDOMIZED_TOLERANCE = 1e-4;
    /** More than this fraction of points without a usable gradient means non-differentiable. */
    public static final double NON_DIFFERENTIABLE_FRACTION = 0.5;

    /** Probes {@code model} on inputs {@code x} with labels {@code y}. */
    public static TransformProbe of(Classifier model, NDArray x, NDArray y) {
        long n = x.getShape().get(0);
        double zero = 0;
        if (model.isDifferentiable()) {
            NDArray g = model.inputGradient(x, logits -> Losses.margin(logits, y).sum());
            double[] size = g.reshape(n, -1).abs().sum(new int[] {1}).toType(DataType.FLOAT64, false).toDoubleArray();
            for (double s : size) {
                zero += !(s > 0) || Double.isInfinite(s) ? 1 : 0;
            }
        }
        double change = Autograd.notRecording(() -> {
            NDArray first = model.logits(x);
            double max = 0;
            for (int k = 1; k < FORWARDS; k++) {
                max = Math.max(max, model.logits(x).sub(first).abs().max().toType(DataType.FLOAT64, false).getDouble());
            }
            return max;
        });
        return new TransformProbe(zero / n, change);
    }

    /** Whether most points have no usable gradient (BPDA needed). */
    public boolean nonDifferentiable() {
        return zeroGradientFraction > NON_DIFFERENTIABLE_FRACTION;
    }

    /** Whether repeated forwards differ (EOT needed). */
    public boolean randomized() {
        return logitChange > RANDOMIZED_TOLERANCE;
    }

    /** One line: what was measured and what it means. */
    public String describe() {
        return String.format(Locale.ROOT, "%.0f%% of points with zero or non-finite input gradients (%s), logits change by "
                + "up to %.3g over %d forwards (%s)", 100 * zeroGradientFraction,
                nonDifferentiable() ? "non-differentiable" : "differentiable", logitChange, FORWARDS,
                randomized() ? "randomized" : "deterministic");
    }
}
