package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.testing.ClassifierWrapper;
import java.util.function.Function;

/**
 * A model that counts the rows an attack asks it for: in all ({@link #rows}) and in one call at most ({@link #widest}).
 * It is differentiable when the inner model is, its gradients taken through its own (counted) logits; a model without
 * gradients is asked for them as it is (a {@link BlackBox} fails the test).
 */
final class RowCounting implements ClassifierWrapper {

    private final Classifier inner;
    long rows;
    int widest;

    RowCounting(Classifier inner) {
        this.inner = inner;
    }

    @Override
    public Classifier inner() {
        return inner;
    }

    @Override
    public NDArray logits(NDArray inputs) {
        int n = (int) inputs.getShape().get(0);
        rows += n;
        widest = Math.max(widest, n);
        return inner.logits(inputs);
    }

    @Override
    public boolean isDifferentiable() {
        return inner.isDifferentiable();
    }

    @Override
    public NDArray inputGradient(NDArray inputs, Function<NDArray, NDArray> objective) {
        return inner.isDifferentiable() ? ClassifierWrapper.super.inputGradient(inputs, objective)
                : inner.inputGradient(inputs, objective);
    }
}
