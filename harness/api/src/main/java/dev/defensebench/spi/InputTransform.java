package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import java.util.Random;
import dev.defensebench.autograd.Scalars;

/**
 * A test-time input transformation that a {@link Defense} puts in front of its model (bit-depth
 * reduction, JPEG compression, random resize-and-pad, noise injection, ...): the classifier under
 * evaluation computes {@code model(apply(x))}. A transform may be deterministic or randomized (its draws
 * come from the {@code random} it is given) and differentiable or not; the harness finds out which by
 * probing it and then attacks it adaptively: BPDA replaces the transform by {@link #approximation} in the
 * backward pass, EOT averages gradients over draws (docs/adaptive-evaluation.md).
 */
public interface InputTransform {

    /**
     * The transformed inputs, shaped like {@code inputs} and inside the same input box. The graph it records
     * (inside {@code Autograd.recording}) is the transform's true derivative: a transform computed outside the
     * engine (e.g. through ImageIO) returns {@link #outsideTheGraph}, whose derivative is zero.
     */
    NDArray apply(NDArray inputs, Random random);

    /**
     * A differentiable function close to {@link #apply} that BPDA differentiates instead of it (Athalye,
     * Carlini, Wagner 2018); the identity by default.
     */
    default NDArray approximation(NDArray inputs) {
        return inputs;
    }

    /** One line for the logs and the board, e.g. "bit depth 3". */
    String describe();

    /**
     * {@code values} (computed from {@code inputs} outside the engine, shaped like them) as an array that
     * depends on {@code inputs} with derivative zero, so that a gradient through it is defined and zero,
     * as the derivative of a piecewise-constant map is almost everywhere.
     */
    static NDArray outsideTheGraph(NDArray inputs, float[] values) {
        NDArray computed = inputs.getManager().create(values, inputs.getShape());
        return inputs.mul(Scalars.of(inputs, 0)).add(computed);
    }
}
