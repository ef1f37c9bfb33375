package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.StageOutcome;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Base of the attacks that work inside a given budget (FGSM, PGD, ...): runs the algorithm once per ε
 * of the grid, projects onto the ε-ball and clips into the model's input box, and records per-sample
 * success. Subclasses hold only the algorithm.
 */
public abstract class FixedEpsilonAttack implements Attack {

    /** The algorithm: an adversarial batch for budget {@code eps} (projection and clipping follow). */
    protected abstract NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random);

    /**
     * As {@link #perturb(Classifier, NDArray, NDArray, Norm, double, Hyperparameters, Random)}; an ensemble
     * overrides this to add its stages to {@code stages}.
     */
    protected NDArray perturb(Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params,
            Random random, List<StageOutcome> stages) {
        return perturb(model, x, labels, norm, eps, params, random);
    }

    @Override
    public final AttackResult run(
            Classifier model, NDArray inputs, NDArray labels, ThreatModel threat, Hyperparameters params, long seed) {
        Checks.requireNorm(this, threat.norm());
        List<EpsilonOutcome> outcomes = new ArrayList<>();
        List<StageOutcome> stages = new ArrayList<>();
        for (int i = 0; i < threat.epsilons().size(); i++) {
            double eps = threat.epsilons().get(i);
            NDArray adversarial = eps == 0
                    ? inputs.duplicate()
                    : perturb(model, inputs, labels, threat.norm(), eps, params, new Random(seed * 1_000_003L + i), stages);
            adversarial = model.box().clip(Perturbations.projectToBall(inputs, adversarial, threat.norm(), eps));
            boolean[] success = Checks.misclassified(model, adversarial, labels);
            outcomes.add(new EpsilonOutcome(eps, adversarial, success));
        }
        return new AttackResult(name(), threat.norm(), outcomes, null, null, null, true, stages);
    }
}
