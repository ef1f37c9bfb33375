package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Random noise of the threat model's norm, the sanity baseline every real attack must beat. {@code
 * uniform}: Linf, every coordinate uniform in [−ε, ε]; L2, uniform in the ε-ball. {@code gaussian}: a
 * Gaussian draw scaled onto the ε-sphere of the norm. With {@code draws} > 1 a sample counts as broken
 * when any draw fools the model (the first fooling draw is kept).
 */
public final class Noise extends FixedEpsilonAttack {


    @Override
    public String name() {
        return "noise";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("Random noise", AttackTraits.Access.RANDOM, null);
    }

    @Override
    public String description() {
        return "random uniform or Gaussian noise of the same norm (sanity baseline)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofString("distribution", "uniform", "uniform (in the ball) or gaussian (on the sphere)"),
                ParamSpec.ofInt("draws", 1, "random draws per sample; the first that fools the model is kept"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        String distribution = params.getString("distribution").toLowerCase(Locale.ROOT);
        if (!distribution.equals("uniform") && !distribution.equals("gaussian")) {
            throw new IllegalArgumentException("noise: parameter 'distribution' must be uniform or gaussian, found '"
                    + params.getString("distribution") + "'");
        }
        int draws = params.getInt("draws");
        if (draws < 1) {
            throw new IllegalArgumentException("noise: parameter 'draws' must be >= 1, found " + draws);
        }
        boolean gaussian = distribution.equals("gaussian");
        NDArray best = null;
        boolean[] fooled = null;
        for (int d = 0; d < draws; d++) {
            NDArray candidate = model.box().clip(x.add(draw(x, norm, eps, gaussian, random)));
            boolean[] wrong = Checks.misclassified(model, candidate, labels);
            if (best == null) {
                best = candidate;
                fooled = wrong;
                continue;
            }
            boolean[] take = new boolean[wrong.length];
            for (int i = 0; i < wrong.length; i++) {
                take[i] = wrong[i] && !fooled[i];
                fooled[i] |= wrong[i];
            }
            best = Checks.select(take, candidate, best);
        }
        return best;
    }

    /** One perturbation per sample, of norm at most ε. */
    private static NDArray draw(NDArray x, Norm norm, double eps, boolean gaussian, Random random) {
        int n = (int) x.getShape().get(0);
        int per = (int) (x.getShape().size() / n);
        double[] values = new double[n * per];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            double max = 0;
            for (int j = 0; j < per; j++) {
                double v = gaussian || norm == Norm.L2 ? random.nextGaussian() : eps * (2 * random.nextDouble() - 1);
                values[i * per + j] = v;
                sq += v * v;
                max = Math.max(max, Math.abs(v));
            }
            double scale;
            if (!gaussian && norm == Norm.LINF) {
                scale = 1;
            } else if (norm == Norm.LINF) {
                scale = eps / Math.max(max, 1e-12);
            } else {
                // on the sphere, or uniform in the ball: radius ε·u^(1/D)
                double radius = gaussian ? eps : eps * Math.pow(random.nextDouble(), 1.0 / per);
                scale = radius / Math.max(Math.sqrt(sq), 1e-12);
            }
            for (int j = 0; j < per; j++) {
                values[i * per + j] *= scale;
            }
        }
        return Batches.array(x.getManager(), values, x.getShape()).toType(x.getDataType(), false);
    }
}
