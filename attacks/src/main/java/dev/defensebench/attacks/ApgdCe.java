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

/** APGD with the cross-entropy loss (Croce and Hein 2020; AutoAttack's first attack), Linf and L2. */
public final class ApgdCe extends FixedEpsilonAttack {

    @Override
    public String name() {
        return "apgd-ce";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("APGD-CE", AttackTraits.Access.GRADIENT, "steps");
    }

    @Override
    public String description() {
        return "APGD-CE (Croce & Hein 2020), step-size halving at checkpoints, momentum 0.75, cross-entropy";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "iterations per restart"),
                ParamSpec.ofInt("restarts", 1, "random restarts, each on the points still robust"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        Checks.requireGradients(this, model);
        return Apgd.attack(model, x, labels, norm, eps, settings(params), random);
    }

    /** The APGD settings of resolved parameters. */
    static Apgd.Settings settings(Hyperparameters params) {
        return new Apgd.Settings(params.getInt("steps"), params.getInt("restarts"), Apgd.Loss.CE, 0, 0.75, 0.75);
    }
}
