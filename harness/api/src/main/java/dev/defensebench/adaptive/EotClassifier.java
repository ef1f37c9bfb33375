package dev.defensebench.adaptive;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.defensebench.spi.Classifier;
import java.util.function.Function;

/**
 * Expectation over Transformation (Athalye et al. 2018) for a randomized classifier: every input gradient
 * is the mean of {@code draws} gradients, each through a fresh draw of the randomness, as AutoAttack's
 * {@code rand} version does with 20 draws; the logits are one draw's. Attacks that fuse the backward
 * pass into their step read {@link #averagesGradients()} and call {@link #inputGradient} instead.
 */
public final class EotClassifier extends WrappedClassifier {

    private final int draws;

    /** {@code model} with gradients averaged over {@code draws} (at least 1) forwards. */
    public EotClassifier(Classifier model, int draws) {
        super(model);
        if (draws < 1) {
            throw new IllegalArgumentException("EOT needs at least one draw, found " + draws);
        }
        this.draws = draws;
    }

    /** The number of draws each gradient averages. */
    public int draws() {
        return draws;
    }





    @Override
    public NDArray logits(NDArray inputs) {
        return model.logits(inputs);
    }

    @Override
    public boolean averagesGradients() {
        return true;
    }

    @Override
    public NDArray inputGradient(NDArray inputs, Function<NDArray, NDArray> objective) {
        NDArray sum = null;
        // every draw but the last in its own scope, so that its forward graph and the transform's arrays are
        // freed at once (100 steps × 20 draws would otherwise hold them all until the attack ends); the last
        // draw's are left open, as the objective may keep values of its logits for the caller
        for (int d = 0; d < draws - 1; d++) {
            try (NDScope scope = new NDScope()) {
                NDArray next = model.inputGradient(inputs, objective);
                NDArray total = sum == null ? next : sum.add(next);
                NDScope.unregister(total);
                if (sum != null) {
                    sum.close();
                }
                sum = total;
            }
        }
        NDArray last = model.inputGradient(inputs, objective);
        if (sum == null) {
            return last;
        }
        NDArray mean = sum.add(last).divi(draws);
        sum.close();
        last.close();
        return mean;
    }
}
