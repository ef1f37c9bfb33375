package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.train.Losses;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Fast Gradient Sign Method (Goodfellow et al. 2015), Linf: one step of size ε along the sign of the
 * cross-entropy's input gradient. Also the inner step of FGSM adversarial training ({@link #step}).
 */
public final class Fgsm extends FixedEpsilonAttack {

    @Override
    public String name() {
        return "fgsm";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("FGSM", AttackTraits.Access.GRADIENT, null);
    }

    @Override
    public String description() {
        return "FGSM Linf (Goodfellow 2015), one gradient-sign step per epsilon";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        return step(model, x, labels, eps);
    }

    /** {@code x + eps · sign(∇ₓ CE(model(x), labels))}, clipped into the model's input box. */
    public static NDArray step(Classifier model, NDArray x, NDArray labels, double eps) {
        NDArray gradient = model.inputGradient(x, logits -> Losses.crossEntropyPerSample(logits, labels).sum());
        return model.box().clip(x.add(gradient.sign().mul(eps)));
    }
}
