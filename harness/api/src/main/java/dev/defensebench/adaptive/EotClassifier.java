package dev.defensebench.adaptive;

import ai.djl.ndarray.NDArray;
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
        NDArray sum = model.inputGradient(inputs, objective);
        for (int d = 1; d < draws; d++) {
            NDArray next = model.inputGradient(inputs, objective);
            NDArray total = sum.add(next);
            sum.close();
            next.close();
            sum = total;
        }
        NDArray mean = sum.div(draws);
        sum.close();
        return mean;
    }
}
