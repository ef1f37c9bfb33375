package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Set;

/**
 * An evasion attack, discovered with {@link java.util.ServiceLoader}. As in Foolbox 3, an attack is
 * either min-norm (runs once; its per-sample perturbation norms are thresholded at every ε of the
 * grid) or fixed-ε (runs once per ε), as its {@link #traits()} declare. Score-based and random attacks
 * ({@link AttackTraits#needsGradients()} false) also run on models that give logits only ({@link
 * Classifier#isDifferentiable()} false, e.g. an imported ONNX model); the others are skipped there, or
 * run as transfer attacks from a differentiable surrogate. The harness checks every adversarial point
 * an attack returns (norm within ε, inside the input box, misclassified) rather than trusting its flags.
 */
public interface Attack {

    /** The id used in experiment files, e.g. "deepfool". */
    String name();

    /** One line for {@code defense-bench list}. */
    String description();

    /** The attack's hyper-parameters. */
    List<ParamSpec> parameters();

    /** The norms this attack supports. */
    Set<Norm> norms();

    /**
     * What the attack is (display name, access, step budget, min-norm, ρ2): the sanity checks and the
     * board use these declarations, never the attack's name.
     */
    AttackTraits traits();

    /**
     * Attacks {@code inputs} (N, sample...) with true {@code labels} (N, int64) under {@code threat}.
     * Every random choice derives from {@code seed}.
     */
    AttackResult run(Classifier model, NDArray inputs, NDArray labels, ThreatModel threat,
            Hyperparameters params, long seed);

    /**
     * {@link #run} for the test points at positions {@code first} to {@code first + N - 1} of the evaluated
     * test subset: an attack whose examples depend on which points it gets (examples computed elsewhere)
     * overrides it; the harness calls this one. The default ignores the positions.
     */
    default AttackResult runAt(Classifier model, NDArray inputs, NDArray labels, int first, ThreatModel threat,
            Hyperparameters params, long seed) {
        return run(model, inputs, labels, threat, params, seed);
    }

    /**
     * Checks resolved parameters before any work (the experiment file is validated with it at load); an
     * {@link IllegalArgumentException} names the parameter and the problem. The default accepts every value.
     */
    default void validate(Hyperparameters params) {}
}
