package dev.defensebench.spi;

import java.util.List;

/**
 * A training method (vanilla, adversarial training, Deep Defense, ...), discovered with {@link
 * java.util.ServiceLoader}. It trains a model for a dataset, an architecture and hyper-parameters,
 * reports progress, and returns the model with what provenance needs.
 */
public interface Defense {

    /** The id used in experiment files, e.g. "deep-defense". */
    String name();

    /** One line for {@code defense-bench list}. */
    String description();

    /** The defense's hyper-parameters, including the shared optimiser settings it uses. */
    List<ParamSpec> parameters();

    /**
     * Checks the ranges of resolved hyper-parameters before any work (the experiment file is validated
     * with it at load); an {@link IllegalArgumentException} names the parameter, what it must be and what
     * was found. The default accepts every value of the declared types.
     */
    default void validate(Hyperparameters params) {}

    /**
     * The input transformation this defense applies inside the classifier at test time, for inputs in
     * {@code box}, or null (the default) when the trained model is evaluated as it is. The harness wraps
     * the model with it, detects whether it is randomized or non-differentiable and then runs the adaptive
     * attacks (BPDA, EOT).
     */
    default InputTransform inputTransform(Hyperparameters params, InputBox box) {
        return null;
    }

    /** Trains (or fine-tunes, when the request carries initial weights) and returns the model. */
    TrainedModel train(TrainingRequest request);
}
