package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.StageOutcome;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * An AutoAttack-style ensemble (Croce and Hein 2020, "standard" without FAB-T), Linf and L2:
 * APGD-CE on every point, then APGD-T (targeted DLR) on the points still robust, then Square on the
 * points still robust after that; a point counts as broken when any of them breaks it. On a model
 * without input gradients only Square runs. Each stage's robust accuracy and time are reported
 * ({@link StageOutcome}), as the original prints them.
 */
public final class AutoAttack extends FixedEpsilonAttack {

    /** False: on a logits-only model it runs Square alone. */
    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    public String name() {
        return "autoattack";
    }

    @Override
    public String description() {
        return "ensemble: APGD-CE, APGD-T (targeted DLR), Square, each on the points still robust";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "APGD iterations (per restart and target)"),
                ParamSpec.ofInt("restarts", 1, "APGD restarts"),
                ParamSpec.ofInt("targets", 9, "APGD-T target classes (0 skips APGD-T)"),
                ParamSpec.ofInt("queries", 5000, "Square query budget per sample (0 skips Square)"),
                ParamSpec.ofDouble("p_init", 0.8, "Square's initial window fraction"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        return perturb(model, x, labels, norm, eps, params, random, new java.util.ArrayList<>());
    }

    @Override
    protected NDArray perturb(Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params,
            Random random, List<StageOutcome> stages) {
        StageClock clock = new StageClock(model, labels, eps, stages);
        int steps = params.getInt("steps");
        int restarts = params.getInt("restarts");
        int targets = params.getInt("targets");
        int queries = params.getInt("queries");
        if (targets < 0 || queries < 0) {
            throw new IllegalArgumentException("autoattack: 'targets' and 'queries' must be >= 0, found " + params);
        }
        // APGD-CE draws from the same stream an apgd-ce entry with this seed and these settings would, so
        // the ensemble is never weaker than that entry on any point
        boolean white = model.isDifferentiable();
        NDArray adversarial = !white ? x.duplicate() : Apgd.attack(model, x, labels, norm, eps,
                new Apgd.Settings(steps, restarts, Apgd.Loss.CE, 0, 0.75, 0.75), random);
        clock.mark("apgd-ce", adversarial);
        long base = random.nextLong();
        adversarial = onRobust(model, x, labels, adversarial, sub -> !white || targets == 0 || model.numClasses() < 4 ? null
                : Apgd.attack(model, sub.x(), sub.y(), norm, eps,
                        new Apgd.Settings(steps, restarts, Apgd.Loss.DLR_TARGETED, targets, 0.75, 0.75),
                        new Random(base + 1)));
        clock.mark("apgd-t", adversarial);
        Square square = new Square();
        Hyperparameters squareParams = Hyperparameters.resolve("attack 'square'", square.parameters(),
                java.util.Map.of("queries", Math.max(queries, 1), "p_init", params.getDouble("p_init")));
        adversarial = onRobust(model, x, labels, adversarial, sub -> queries == 0 ? null
                : square.perturb(model, sub.x(), sub.y(), norm, eps, squareParams, new Random(base + 2)));
        clock.mark("square", adversarial);
        return adversarial;
    }

    /** The clean inputs and labels of the points still robust. */
    private record Subset(NDArray x, NDArray y) {}

    /** Runs {@code stage} on the points {@code adversarial} does not yet break, keeping what it breaks. */
    private static NDArray onRobust(Classifier model, NDArray x, NDArray labels, NDArray adversarial,
            java.util.function.Function<Subset, NDArray> stage) {
        int[] robust = Batches.where(Checks.misclassified(model, adversarial, labels), false);
        if (robust.length == 0) {
            return adversarial;
        }
        NDArray ys = Batches.rows(labels, robust);
        NDArray found = stage.apply(new Subset(Batches.rows(x, robust), ys));
        if (found == null) {
            return adversarial;
        }
        boolean[] broke = Checks.misclassified(model, found, ys);
        int[] keep = java.util.Arrays.stream(Batches.where(broke, true)).map(i -> robust[i]).toArray();
        int[] keepLocal = Batches.where(broke, true);
        return Batches.withRows(adversarial, keep, Batches.rows(found, keepLocal));
    }
}
