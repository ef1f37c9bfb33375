package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.train.Losses;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * DDN, decoupled direction and norm (Rony et al. 2019), L2: a step of size α (cosine-annealed from 1 to
 * 0.01) along the L2-normalised gradient of the cross-entropy decides the direction, and the norm is
 * set separately: per sample a budget that shrinks by (1 − γ) while the iterate is adversarial and grows
 * by (1 + γ) otherwise (capped by the farthest corner of the box), the step rescaled to it. The
 * smallest adversarial perturbation seen is returned. With {@code levels} > 0 every iterate is rounded
 * to that many levels of the box (the original rounds to 256 levels of [0, 1]).
 */
public final class Ddn extends MinNormAttack {

    @Override
    public String name() {
        return "ddn";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.minNorm("DDN", "steps", false);
    }

    @Override
    public String description() {
        return "DDN L2 (Rony et al. 2019), min-norm: decoupled direction and norm";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "iterations"),
                ParamSpec.ofDouble("gamma", 0.05, "relative change of the norm budget per step"),
                ParamSpec.ofDouble("init_norm", 1.0, "initial norm budget"),
                ParamSpec.ofInt("levels", 0, "round iterates to this many levels of the box (0: no rounding; the "
                        + "original uses 256)"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.L2);
    }

    @Override
    protected NDArray findAdversarial(
            Classifier model, NDArray x, NDArray labels, Norm norm, Hyperparameters params, long seed) {
        Checks.requireGradients(this, model);
        int steps = params.getInt("steps");
        double gamma = params.getDouble("gamma");
        double initNorm = params.getDouble("init_norm");
        int levels = params.getInt("levels");
        if (steps < 1 || !(gamma > 0 && gamma < 1) || !(initNorm > 0) || levels < 0 || levels == 1) {
            throw new IllegalArgumentException("ddn needs steps >= 1, gamma in (0, 1), init_norm > 0 and levels 0 or "
                    + ">= 2, found " + params);
        }
        Random random = new Random(seed);
        int n = (int) x.getShape().get(0);
        double[] budget = new double[n];
        Arrays.fill(budget, initNorm);
        try (NormSearch search = new NormSearch(model, x, labels, Norm.L2)) {
            for (int i = 0; i < steps; i++) {
                double alpha = 0.01 + 0.99 * (1 + Math.cos(Math.PI * (i + 1) / steps)) / 2;
                try (NDScope scope = new NDScope()) {
                    NormSearch.Probe probe = search.probe(Losses::crossEntropyPerSample);
                    search.record(probe.adversarial(), search.deltaNorm(), true);
                    NDArray stepped = search.delta().add(search.unitL2(probe.gradient(), random).mul(alpha));
                    double[] size = Batches.doubles(Norm.L2.perSample(stepped));
                    double[] factor = new double[n];
                    for (int k = 0; k < n; k++) {
                        budget[k] = Math.min(budget[k] * (probe.adversarial()[k] ? 1 - gamma : 1 + gamma),
                                search.worstNorm[k]);
                        factor[k] = size[k] > 0 ? budget[k] / size[k] : 1;
                    }
                    NDArray next = NormSearch.scaled(stepped, factor);
                    search.setDelta(levels == 0 ? next : quantized(x.add(next), model.box(), levels).sub(x));
                }
            }
            return search.result();
        }
    }

    /** {@code points} rounded to {@code levels} evenly spaced values of the box per element. */
    private static NDArray quantized(NDArray points, InputBox box, int levels) {
        Shape batched = new Shape(1).addAll(box.sampleShape());
        NDArray lo = points.getManager().create(box.lower(), batched).toType(points.getDataType(), false);
        NDArray span = points.getManager().create(box.upper(), batched).toType(points.getDataType(), false).sub(lo);
        NDArray unit = points.sub(lo).div(span.maximum(1e-12f));
        return unit.mul(levels - 1).round().div(levels - 1).mul(span).add(lo);
    }
}
