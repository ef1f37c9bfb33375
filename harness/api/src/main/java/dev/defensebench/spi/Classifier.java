package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import java.util.function.Function;

/**
 * A model under evaluation: maps a batch of inputs to logits and, when differentiable, gives input
 * gradients. Attacks see models only through this interface.
 */
public interface Classifier {

    /** Number of output classes. */
    int numClasses();

    /** Shape of one input sample, e.g. (1, 28, 28). */
    Shape sampleShape();

    /** The valid input range (attacks clip into it). */
    InputBox box();

    /**
     * Logits {@code (N, classes)} for inputs {@code (N, sampleShape...)}. A graph is recorded when (and
     * only when) the caller is inside {@link Autograd#recording}.
     */
    NDArray logits(NDArray inputs);

    /** Whether {@link #inputGradient} is available (false for black-box models). */
    default boolean isDifferentiable() {
        return true;
    }

    /**
     * Gradient of {@code objective(logits(x))} (a scalar, typically summed over the batch so each
     * sample's gradient is its own) with respect to {@code x}; no graph is kept.
     */
    default NDArray inputGradient(NDArray inputs, Function<NDArray, NDArray> objective) {
        return Autograd.recording(
                () -> {
                    NDArray x = Autograd.leaf(inputs);
                    NDArray value = objective.apply(logits(x));
                    return Autograd.gradient(value, x, false);
                });
    }

    /**
     * Whether {@link #inputGradient} is more than the gradient of one {@link #logits} graph (an average over
     * random draws, EOT): an attack that differentiates {@link #logits} itself to fuse the backward pass
     * with its step must then call {@link #inputGradient} instead. False by default.
     */
    default boolean averagesGradients() {
        return false;
    }

    /** Predicted labels {@code (N)} as int64, computed without a graph. */
    default NDArray predict(NDArray inputs) {
        return Autograd.notRecording(() -> logits(inputs).argMax(1));
    }
}
