package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.train.Losses;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Projected Gradient Descent (Madry et al. 2018), Linf and L2: from a random point of the ε-ball, take
 * {@code steps} steps of size α up the loss (Linf: along the gradient's sign; L2: along the normalised
 * gradient), projecting back onto the ε-ball and clipping into the model's input box after every step.
 *
 * <p>As an attack it maximises the cross-entropy of the true labels; with {@code restarts} > 1 it keeps,
 * per sample, the first restart that fools the model, or else the one with the highest loss. The step
 * size is {@code rel_step_size · ε / steps} (2.5·ε/steps by default, Madry's rule) unless an absolute
 * {@code step_size} > 0 is given.
 *
 * <p>{@link #perturb(Classifier, NDArray, Function, Norm, double, Settings, Random)} is the one PGD of the
 * project: PGD adversarial training and TRADES (which maximises a KL term instead) call it.
 */
public final class Pgd extends FixedEpsilonAttack {

    /** Keeps the L2 step direction finite where a sample's gradient is zero. */
    static final double TINY = 1e-12;

    /**
     * One PGD run.
     *
     * @param steps gradient steps (>= 1)
     * @param stepSize absolute step size α (> 0), in input units (Linf) or L2 length (L2)
     * @param randomStart start from a uniformly random point of the ε-ball (clipped into the box) instead of x
     */
    public record Settings(int steps, double stepSize, boolean randomStart) {

        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("PGD steps must be an integer >= 1, found " + steps);
            }
            if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
                throw new IllegalArgumentException("PGD step size must be a finite number > 0, found " + stepSize);
            }
        }
    }

    @Override
    public String name() {
        return "pgd";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("PGD", AttackTraits.Access.GRADIENT, "steps");
    }

    @Override
    public String description() {
        return "PGD Linf/L2 (Madry 2018): random start, projected gradient steps on the cross-entropy, restarts";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 40, "gradient steps per restart"),
                ParamSpec.ofDouble("rel_step_size", 2.5, "step size = rel_step_size * eps / steps (used when step_size is 0)"),
                ParamSpec.ofDouble("step_size", 0, "absolute step size; 0 = use rel_step_size"),
                ParamSpec.ofInt("restarts", 1, "random restarts; per sample the first that fools, else the highest loss"),
                ParamSpec.ofBoolean("random_start", true, "start uniformly at random in the eps-ball (false: at x)"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    /** The settings for budget {@code eps} from the attack's resolved parameters. */
    public static Settings settings(Hyperparameters params, double eps) {
        double absolute = params.getDouble("step_size");
        double relative = params.getDouble("rel_step_size");
        int steps = params.getInt("steps");
        if (absolute < 0) {
            throw new IllegalArgumentException("pgd: parameter 'step_size' must be >= 0 (0 = relative), found " + absolute);
        }
        if (absolute == 0 && !(relative > 0)) {
            throw new IllegalArgumentException("pgd: parameter 'rel_step_size' must be > 0, found " + relative);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("pgd: parameter 'steps' must be an integer >= 1, found " + steps);
        }
        return new Settings(steps, absolute > 0 ? absolute : relative * eps / steps, params.getBoolean("random_start"));
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        int restarts = params.getInt("restarts");
        if (restarts < 1) {
            throw new IllegalArgumentException("pgd: parameter 'restarts' must be an integer >= 1, found " + restarts);
        }
        return perturbWithRestarts(model, x, labels, norm, eps, settings(params, eps), restarts, random);
    }

    /**
     * {@code restarts} PGD runs on the cross-entropy of {@code labels}; per sample the first run that
     * fools the model, else the run with the highest cross-entropy.
     */
    public static NDArray perturbWithRestarts(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Settings settings, int restarts, Random random) {
        Function<NDArray, NDArray> loss = crossEntropy(labels);
        NDArray best = null;
        boolean[] bestFooled = null;
        float[] bestLoss = null;
        for (int r = 0; r < restarts; r++) {
            NDArray candidate = perturb(model, x, loss, labels, norm, eps, settings, random);
            float[] candidateLoss = Autograd.notRecording(() -> loss.apply(model.logits(candidate)))
                    .toType(DataType.FLOAT32, false).toFloatArray();
            boolean[] fooled = Checks.misclassified(model, candidate, labels);
            if (best == null) {
                best = candidate;
                bestFooled = fooled;
                bestLoss = candidateLoss;
                continue;
            }
            boolean[] take = new boolean[fooled.length];
            for (int i = 0; i < take.length; i++) {
                take[i] = !bestFooled[i] && (fooled[i] || candidateLoss[i] > bestLoss[i]);
                if (take[i]) {
                    bestFooled[i] = fooled[i];
                    bestLoss[i] = candidateLoss[i];
                }
            }
            best = Checks.select(take, candidate, best);
        }
        return best;
    }

    /** The per-sample cross-entropy of {@code labels}, as a PGD objective of the logits. */
    public static Function<NDArray, NDArray> crossEntropy(NDArray labels) {
        return logits -> Losses.crossEntropyPerSample(logits, labels);
    }

    /**
     * One PGD run that maximises {@code objective}, a function of the logits {@code (N, K)} giving one
     * value per sample {@code (N)} (their sum is differentiated, so each sample follows its own
     * gradient). The result lies in the {@code norm}-ball of radius {@code eps} around {@code x} and in
     * the model's input box, and carries no graph. The random start draws from {@code random}.
     */
    public static NDArray perturb(
            Classifier model, NDArray x, Function<NDArray, NDArray> objective, Norm norm, double eps,
            Settings settings, Random random) {
        return perturb(model, x, objective, null, norm, eps, settings, random);
    }

    /**
     * As {@link #perturb(Classifier, NDArray, Function, Norm, double, Settings, Random)}; with the true
     * {@code labels}, a sample the model classifies correctly and misclassifies at some iterate returns the
     * latest misclassified iterate, so that with a fixed seed more steps never break fewer points (the attack's setting; adversarial
     * training passes no labels and always takes the last iterate).
     */
    public static NDArray perturb(
            Classifier model, NDArray x, Function<NDArray, NDArray> objective, NDArray labels, Norm norm, double eps,
            Settings settings, Random random) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("PGD eps must be a finite number >= 0, found " + eps);
        }
        NDArray clean = x.stopGradient();
        NDArray adversarial = settings.randomStart()
                ? model.box().clip(clean.add(randomInBall(clean, norm, eps, random)))
                : clean;
        float alpha = (float) settings.stepSize();
        // ℓ∞: the ε-ball around the clean point within the box, as element-wise bounds, so a step is one clamp,
        // taken with the backward pass in one native call (PgdLinfStep)
        NDList linfBounds = norm == Norm.LINF ? linfFeasibleSet(model.box(), clean, eps) : null;
        LatestFooled fooled = labels == null ? null : new LatestFooled(model, clean, adversarial, labels);
        NDArray[] predicted = new NDArray[1];
        for (int step = 0; step < settings.steps(); step++) {
            Function<NDArray, NDArray> value = logits -> {
                if (fooled != null) {
                    predicted[0] = logits.stopGradient().argMax(1);
                }
                return objective.apply(logits).sum();
            };
            NDArray current = adversarial;
            // each step's forward graph, saved activations included, is freed when the step ends, not when the
            // caller's manager closes (a training batch's: ten graphs of a ResNet would stay resident)
            try (NDScope scope = new NDScope()) {
                if (linfBounds != null && model.isDifferentiable() && !model.averagesGradients()) { // backward + step in one call
                    adversarial = Autograd.recording(() -> {
                        NDArray leaf = Autograd.leaf(current);
                        return PgdLinfStep.apply(value.apply(model.logits(leaf)), leaf, alpha, linfBounds.get(0), linfBounds.get(1));
                    });
                } else { // ℓ2 (or a model without gradients, whose inputGradient says so)
                    NDArray gradient = model.inputGradient(current, value);
                    adversarial = Autograd.notRecording(() -> model.box().clip(Perturbations.projectToBall(
                            clean, current.add(adversarialStep(clean, gradient, norm, alpha)), norm, eps)));
                }
                NDScope.unregister(adversarial);
                if (fooled != null && step > 0) {
                    // the forward of this step classified the previous step's point: no forward of its own
                    fooled.observe(predicted[0], current);
                }
            }
        }
        return fooled == null ? adversarial : fooled.keptOr(adversarial);
    }

    /**
     * Per sample of a PGD run with labels: whether it was fooled at some iterate, and the latest iterate at
     * which it was (a sample the model misclassifies unperturbed is never counted as fooled), as AutoAttack's
     * APGD keeps it: on a randomized model the latest is the deepest into the region its draws misclassify,
     * where the first may be one lucky draw. Fooled samples keep being stepped, since the samples are
     * independent.
     */
    private static final class LatestFooled {
        private final boolean[] done;
        private final boolean[] cleanWrong;
        private final long[] truth;
        private NDArray kept;

        LatestFooled(Classifier model, NDArray clean, NDArray start, NDArray labels) {
            cleanWrong = Checks.misclassified(model, clean, labels);
            boolean[] startWrong = Checks.misclassified(model, start, labels);
            done = new boolean[cleanWrong.length];
            for (int i = 0; i < done.length; i++) {
                done[i] = !cleanWrong[i] && startWrong[i];
            }
            truth = labels.toType(DataType.INT64, false).toLongArray();
            kept = start;
        }

        /** Records the predictions {@code predicted} at {@code point}: the samples misclassified there. */
        void observe(NDArray predicted, NDArray point) {
            long[] label = predicted.toType(DataType.INT64, false).toLongArray();
            boolean[] wrong = new boolean[done.length];
            boolean any = false;
            for (int i = 0; i < done.length; i++) {
                wrong[i] = !cleanWrong[i] && label[i] != truth[i];
                done[i] |= wrong[i];
                any |= wrong[i];
            }
            if (any) {
                kept = Checks.select(wrong, point, kept);
                NDScope.unregister(kept); // outlives the step's scope
            }
        }

        /** Each fooled sample's latest misclassified iterate, the others' rows of {@code last}. */
        NDArray keptOr(NDArray last) {
            return Checks.select(done, kept, last);
        }
    }

    /** The points within ℓ∞ distance {@code eps} of {@code clean} and inside {@code box}: their lower and upper bounds. */
    private static NDList linfFeasibleSet(InputBox box, NDArray clean, double eps) {
        NDList bounds = box.bounds(clean);
        return new NDList(clean.sub(eps).maximum(bounds.get(0)), clean.add(eps).minimum(bounds.get(1)));
    }

    /** The step for one iteration: α·sign(g) (Linf) or α·g/‖g‖₂ per sample (L2). */
    private static NDArray adversarialStep(NDArray like, NDArray gradient, Norm norm, float alpha) {
        if (norm == Norm.LINF) {
            return gradient.sign().mul(alpha);
        }
        long n = like.getShape().get(0);
        NDArray norms = Norm.L2.perSample(gradient).add(TINY).reshape(n, 1);
        return gradient.reshape(n, -1).div(norms).mul(alpha).reshape(like.getShape());
    }

    /**
     * A random perturbation per sample, uniform in the {@code norm}-ball of radius {@code eps}: Linf
     * draws every element from U(−ε, ε); L2 draws a Gaussian direction scaled to radius ε·u^(1/d) with
     * u ~ U(0, 1) and d the sample's dimension.
     */
    public static NDArray randomInBall(NDArray like, Norm norm, double eps, Random random) {
        Shape shape = like.getShape();
        int n = (int) shape.get(0);
        int d = (int) (shape.size() / Math.max(1, n));
        float[] values = new float[n * d];
        if (norm == Norm.LINF) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((2 * random.nextDouble() - 1) * eps);
            }
        } else {
            for (int s = 0; s < n; s++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    double g = random.nextGaussian();
                    values[s * d + j] = (float) g;
                    sq += g * g;
                }
                double radius = eps * Math.pow(random.nextDouble(), 1.0 / d);
                double scale = sq > 0 ? radius / Math.sqrt(sq) : 0;
                for (int j = 0; j < d; j++) {
                    values[s * d + j] *= (float) scale;
                }
            }
        }
        return like.getManager().create(values, shape).toType(like.getDataType(), false).toDevice(like.getDevice(), false);
    }
}
