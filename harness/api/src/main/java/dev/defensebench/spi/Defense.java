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

    /** Trains (or fine-tunes, when the request carries initial weights) and returns the model. */
    TrainedModel train(TrainingRequest request);
}
