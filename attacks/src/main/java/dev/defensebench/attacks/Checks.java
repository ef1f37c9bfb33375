package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Norm;

/** Bookkeeping shared by the attack bases. */
final class Checks {

    private Checks() {}

    static void requireNorm(Attack attack, Norm norm) {
        if (!attack.norms().contains(norm)) {
            throw new IllegalArgumentException(
                    "attack '" + attack.name() + "' does not support norm " + norm.label() + "; it supports " + attack.norms());
        }
    }

    /** Fails with a clear message when a gradient attack meets a model without input gradients. */
    static void requireGradients(Attack attack, Classifier model) {
        if (!model.isDifferentiable()) {
            throw new IllegalArgumentException("attack '" + attack.name() + "' needs input gradients, but the model has "
                    + "none; score it with a black-box attack such as 'square'");
        }
    }

    /** Per sample: does the model misclassify {@code inputs}? */
    static boolean[] misclassified(Classifier model, NDArray inputs, NDArray labels) {
        long[] predicted = model.predict(inputs).toLongArray();
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        boolean[] wrong = new boolean[predicted.length];
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = predicted[i] != truth[i];
        }
        return wrong;
    }

    /** Per sample, {@code a} where {@code pick} is true and {@code b} elsewhere. */
    static NDArray select(boolean[] pick, NDArray a, NDArray b) {
        int picked = 0;
        for (boolean p : pick) {
            picked += p ? 1 : 0;
        }
        if (picked == 0) {
            return b;
        }
        if (picked == pick.length) {
            return a;
        }
        long[] shape = new long[a.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = pick.length;
        return NDArrays.where(a.getManager().create(pick).reshape(new Shape(shape)).broadcast(a.getShape()), a, b);
    }
}
