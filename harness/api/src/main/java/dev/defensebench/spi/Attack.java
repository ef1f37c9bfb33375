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
     * Whether a run with {@code params} on a model that gives input gradients is an evaluation the board
     * may rank by, as RobustBench ranks only by AutoAttack's standard version at its original budgets: a
     * diverse ensemble strong enough that a defense which resists it is not merely resisting one attack.
     * Every other run still counts in the per-point worst case, but a ranking without a reliable
     * evaluation at the headline ε is marked indicative. The default is false.
     */
    default boolean isReliable(Hyperparameters params) {
        return false;
    }

    /**
     * What keeps a run with {@code params} on {@code model} from being the evaluation the attack stands for,
     * one line each (for example AutoAttack's targeted stages, which need at least four classes, or a model
     * that gives logits only, on which an ensemble runs its score-based part alone); empty when nothing
     * does. The harness reports these in a sanity check, and a run with any is not reliable.
     */
    default List<String> shortfalls(Hyperparameters params, Classifier model) {
        return List.of();
    }

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
