package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * APGD with the difference-of-logits-ratio loss (Croce and Hein 2020), Linf and L2: untargeted DLR, or
 * with {@code targets} > 0 the targeted DLR against the 2nd to (targets+1)-th most likely classes
 * (APGD-T of AutoAttack uses 9), each target on the points still robust.
 */
public final class ApgdDlr extends FixedEpsilonAttack {

    @Override
    public String name() {
        return "apgd-dlr";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("APGD-DLR", AttackTraits.Access.GRADIENT, "steps");
    }

    @Override
    public String description() {
        return "APGD-DLR (Croce & Hein 2020); targets > 0 gives APGD-T (targeted DLR, top-k classes)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "iterations per restart and target"),
                ParamSpec.ofInt("restarts", 1, "random restarts, each on the points still robust"),
                ParamSpec.ofInt("targets", 0, "0: untargeted DLR; k > 0: targeted DLR against the k most likely "
                        + "other classes (AutoAttack's APGD-T: 9)"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        Checks.requireGradients(this, model);
        int targets = params.getInt("targets");
        if (targets < 0) {
            throw new IllegalArgumentException("apgd-dlr: parameter 'targets' must be >= 0, found " + targets);
        }
        Apgd.Settings settings = new Apgd.Settings(params.getInt("steps"), params.getInt("restarts"),
                targets == 0 ? Apgd.Loss.DLR : Apgd.Loss.DLR_TARGETED, targets, 0.75, 0.75);
        return Apgd.attack(model, x, labels, norm, eps, settings, random);
    }
}
