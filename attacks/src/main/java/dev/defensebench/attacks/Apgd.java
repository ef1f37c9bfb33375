package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Norm;
import java.util.Random;

/**
 * Auto-PGD (Croce and Hein 2020), Linf and L2: PGD with momentum 0.75 whose step size starts at 2ε and
 * is halved at checkpoints (after 22% of the steps, then ever closer, at least 6% apart) when fewer
 * than 75% of the steps since the last checkpoint increased the loss, or when neither the step size
 * nor the best loss changed since then; a halving restarts from the best point. Per sample it keeps the
 * latest misclassified iterate (as the original; on a randomized model the deepest, not the first lucky draw). Losses: cross-entropy, DLR, and targeted DLR against the t-th most
 * likely classes; the targets can run together on few points ({@link Settings#targetRows}, {@link TargetGroups}).
 * Used by {@link ApgdCe}, {@link ApgdDlr} and {@link AutoAttack}.
 */
public final class Apgd {

    /** The loss APGD maximises. */
    public enum Loss {
        /** Softmax cross-entropy. */
        CE,
        /** Difference of logits ratio {@code −(z_y − max_{k≠y} z_k) / (z_π1 − z_π3)}. */
        DLR,
        /** Targeted DLR {@code −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2)}. */
        DLR_TARGETED
    }

    /**
     * Settings of one APGD run.
     *
     * @param steps iterations per restart (and per target)
     * @param restarts random restarts, each only on the points still robust
     * @param loss the loss to maximise
     * @param targets for {@link Loss#DLR_TARGETED}: the number of target classes (the 2nd to the
     *     (targets+1)-th most likely classes of the clean input), each run on the points still robust
     * @param rho the fraction of increasing steps below which the step size is halved (0.75)
     * @param momentum the weight of the new step against the previous one (0.75)
     * @param targetRows for {@link Loss#DLR_TARGETED}: the most rows one run may take by attacking several
     *     targets at once when few points are left (1: one target at a time, as the original)
     */
    public record Settings(int steps, int restarts, Loss loss, int targets, double rho, double momentum, int targetRows) {

        /** One target at a time, as the original. */
        public Settings(int steps, int restarts, Loss loss, int targets, double rho, double momentum) {
            this(steps, restarts, loss, targets, rho, momentum, 1);
        }

        public Settings {
            if (steps < 1) {
                throw new IllegalArgumentException("APGD steps must be >= 1, found " + steps);
            }
            if (restarts < 1) {
                throw new IllegalArgumentException("APGD restarts must be >= 1, found " + restarts);
            }
            if (loss == Loss.DLR_TARGETED && targets < 1) {
                throw new IllegalArgumentException("targeted APGD needs targets >= 1, found " + targets);
            }
            if (targetRows < 1) {
                throw new IllegalArgumentException("APGD target rows must be >= 1, found " + targetRows);
            }
        }
    }

    private Apgd() {}

    /**
     * Attacks {@code x} (labels {@code labels}) within the {@code norm}-ball of radius {@code eps};
     * returns the adversarial batch (in the ball and the box). Points already misclassified are left as
     * they are.
     */
    public static NDArray attack(Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Settings settings,
            Random random) {
        int classes = model.numClasses();
        if (settings.loss() == Loss.DLR && classes < 3) {
            throw new IllegalArgumentException("the DLR loss needs at least 3 classes, the model has " + classes);
        }
        if (settings.loss() == Loss.DLR_TARGETED && classes < 4) {
            throw new IllegalArgumentException("the targeted DLR loss needs at least 4 classes, the model has " + classes);
        }
        boolean[] broken = Checks.misclassified(model, x, labels);
        NDArray best = x.duplicate();
        long[] order = null;
        if (settings.loss() == Loss.DLR_TARGETED) {
            order = model.logits(x).argSort(1, false).toType(DataType.INT64, false).toLongArray();
        }
        int rounds = settings.loss() == Loss.DLR_TARGETED ? Math.min(settings.targets(), classes - 1) : 1;
        for (int target = 0; target < rounds; ) {
            int group = order == null ? 1 : TargetGroups.size(rounds - target,
                    Batches.where(broken, false).length, settings.targetRows());
            for (int restart = 0; restart < settings.restarts(); restart++) {
                int[] todo = Batches.where(broken, false);
                if (todo.length == 0) {
                    return best;
                }
                best = runGroup(model, x, labels, order, classes, target, group, todo, broken, best, norm, eps, settings,
                        random);
            }
            target += group;
        }
        return best;
    }

    /**
     * One APGD run of targets {@code target} to {@code target + group - 1} together on the points {@code todo}, the
     * points stacked once per target. A point counts as broken when any target breaks it and keeps the first such
     * target's example, as when the targets run one after the other, each on the points the earlier ones left; a
     * point no target breaks keeps the last target's. Updates {@code broken}; returns {@code best} updated.
     */
    private static NDArray runGroup(Classifier model, NDArray x, NDArray labels, long[] order, int classes, int target,
            int group, int[] todo, boolean[] broken, NDArray best, Norm norm, double eps, Settings settings,
            Random random) {
        int n = todo.length;
        int[] stacked = new int[group * n];
        long[] t = order == null ? null : new long[group * n];
        for (int g = 0; g < group; g++) {
            for (int i = 0; i < n; i++) {
                stacked[g * n + i] = todo[i];
                if (t != null) {
                    t[g * n + i] = order[todo[i] * classes + target + g + 1];
                }
            }
        }
        NDArray ts = t == null ? null : x.getManager().create(t);
        Run run = single(model, Batches.rows(x, stacked), Batches.rows(labels, stacked), ts, norm, eps, settings, random);
        int[] pick = new int[n];
        for (int i = 0; i < n; i++) {
            int g = 0;
            while (g < group && !run.fooled()[g * n + i]) {
                g++;
            }
            broken[todo[i]] = g < group;
            pick[i] = Math.min(g, group - 1) * n + i;
        }
        return Batches.withRows(best, todo, group == 1 ? run.adversarial() : Batches.rows(run.adversarial(), pick));
    }

    /** One APGD run on a sub-batch: per sample the latest misclassified iterate (else the best-loss one). */
    private record Run(NDArray adversarial, boolean[] fooled) {}

    /** Loss values, logits and the input gradient at one point. */
    private record Probe(double[] loss, boolean[] wrong, NDArray gradient) {}

    private static Run single(Classifier model, NDArray x, NDArray y, NDArray targets, Norm norm, double eps,
            Settings s, Random random) {
        int n = (int) x.getShape().get(0);
        Feasible feasible = Feasible.of(x, norm, eps, model);
        NDArray current = feasible.project(x.add(randomStart(x, norm, eps, random)));
        Probe probe = probe(model, current, y, targets, s.loss());
        double[] step = new double[n];
        java.util.Arrays.fill(step, 2 * eps);
        double[] lossBest = probe.loss().clone();
        NDArray xBest = current;
        NDArray gradBest = probe.gradient();
        NDArray gradient = probe.gradient();
        boolean[] fooled = probe.wrong().clone();
        NDArray xBestAdv = current;
        NDArray previous = current;
        double[][] lossSteps = new double[s.steps()][];
        int window = Math.max((int) Math.ceil(0.22 * s.steps()), 1);
        int minWindow = Math.max((int) Math.ceil(0.06 * s.steps()), 1);
        int decrease = Math.max((int) Math.ceil(0.03 * s.steps()), 1);
        int counter = 0;
        boolean[] reducedLastCheck = new boolean[n];
        double[] lossBestLastCheck = lossBest.clone();
        try (Carried carry = new Carried()) {
            carry.keep(current, gradient, gradBest, xBest, xBestAdv);
            for (int it = 0; it < s.steps(); it++) {
                try (NDScope scope = new NDScope()) {
                    NDArray next = feasible.next(current, previous, gradient, Batches.perSample(step, x),
                            it == 0 ? 1.0 : s.momentum(), it == 0);
                    previous = current;
                    current = next;
                    probe = probe(model, current, y, targets, s.loss());
                    gradient = probe.gradient();
                    boolean[] improved = new boolean[n];
                    for (int i = 0; i < n; i++) {
                        fooled[i] |= probe.wrong()[i];
                        improved[i] = probe.loss()[i] > lossBest[i];
                        if (improved[i]) {
                            lossBest[i] = probe.loss()[i];
                        }
                    }
                    // the latest misclassified iterate, as the original (x_best_adv[pred == 0] = x_adv): on a randomized
                    // model it is the one deepest into the region the draws misclassify, not the first lucky draw
                    xBestAdv = Checks.select(probe.wrong(), current, xBestAdv);
                    xBest = Checks.select(improved, current, xBest);
                    gradBest = Checks.select(improved, gradient, gradBest);
                    lossSteps[it] = probe.loss();
                    counter++;
                    if (counter == window) {
                        boolean[] halve = new boolean[n];
                        for (int i = 0; i < n; i++) {
                            int increases = 0;
                            for (int j = it; j > it - window && j >= 1; j--) {
                                if (lossSteps[j][i] > lossSteps[j - 1][i]) {
                                    increases++;
                                }
                            }
                            boolean oscillating = increases <= window * s.rho();
                            boolean stalled = !reducedLastCheck[i] && lossBestLastCheck[i] >= lossBest[i];
                            halve[i] = oscillating || stalled;
                            reducedLastCheck[i] = halve[i];
                            lossBestLastCheck[i] = lossBest[i];
                            if (halve[i]) {
                                step[i] /= 2;
                            }
                        }
                        current = Checks.select(halve, xBest, current);
                        gradient = Checks.select(halve, gradBest, gradient);
                        window = Math.max(window - decrease, minWindow);
                        counter = 0;
                    }
                    carry.keep(current, previous, gradient, gradBest, xBest, xBestAdv);
                }
                carry.release(current, previous, gradient, gradBest, xBest, xBestAdv);
            }
            // a copy: the carried arrays are closed when this block ends
            return new Run(Checks.select(fooled, xBestAdv, xBest).duplicate(), fooled);
        }
    }

    /** The loss per sample and its input gradient at {@code x}, and which samples are misclassified. */
    private static Probe probe(Classifier model, NDArray x, NDArray y, NDArray targets, Loss loss) {
        NDArray[] seen = new NDArray[1];
        NDArray gradient = model.inputGradient(x, logits -> {
            NDArray perSample = loss(logits, y, targets, loss);
            seen[0] = perSample.stopGradient();
            NDArray predicted = logits.stopGradient().argMax(1);
            seen[0] = seen[0].stack(predicted.toType(seen[0].getDataType(), false));
            return perSample.sum();
        });
        double[] values = Batches.doubles(seen[0]);
        int n = values.length / 2;
        long[] truth = y.toType(DataType.INT64, false).toLongArray();
        double[] lossValues = new double[n];
        boolean[] wrong = new boolean[n];
        for (int i = 0; i < n; i++) {
            lossValues[i] = values[i];
            wrong[i] = Math.round(values[n + i]) != truth[i];
        }
        return new Probe(lossValues, wrong, gradient);
    }

    /** The per-sample loss (N) that APGD maximises. */
    static NDArray loss(NDArray logits, NDArray y, NDArray targets, Loss loss) {
        return ApgdLoss.of(loss, logits, y.toType(DataType.INT64, false), targets);
    }

    /**
     * Projection onto the intersection of the ε-ball and the input box, and APGD's update within it. For Linf both
     * are boxes, so {@code low} and {@code high} are their intersection's bounds, computed once; for L2 they are the
     * box's.
     */
    private record Feasible(NDArray x, Norm norm, double eps, NDArray low, NDArray high) {

        static Feasible of(NDArray x, Norm norm, double eps, Classifier model) {
            if (norm != Norm.LINF) {
                NDList box = model.box().bounds(x);
                return new Feasible(x, norm, eps, box.get(0), box.get(1));
            }
            NDArray low = model.box().clip(x.sub(eps));
            NDArray high = model.box().clip(x.add(eps));
            return new Feasible(x, norm, eps, low, high);
        }

        NDArray project(NDArray point) {
            NDArray inBall = norm == Norm.LINF ? point : Perturbations.projectToBall(x, point, norm, eps);
            return inBall.maximum(low).minimum(high);
        }

        /**
         * APGD's update from {@code current}: the step of size {@code stepSize} (per sample) along the norm's
         * steepest-ascent direction, projected, then momentum {@code a} with the previous iterate, projected
         * ({@code first}: the projected step alone).
         */
        NDArray next(NDArray current, NDArray previous, NDArray gradient, NDArray stepSize, double a, boolean first) {
            return norm == Norm.LINF
                    ? ApgdStep.linf(current, previous, gradient, stepSize, low, high, a, first)
                    : ApgdStep.l2(x, current, previous, gradient, stepSize, low, high, eps, a, first);
        }
    }

    /** A uniform start in the Linf ball, or a random direction on the L2 sphere, of radius ε. */
    static NDArray randomStart(NDArray x, Norm norm, double eps, Random random) {
        int n = (int) x.getShape().get(0);
        int per = (int) (x.getShape().size() / n);
        double[] values = new double[n * per];
        for (int i = 0; i < n; i++) {
            double max = 0;
            double sq = 0;
            for (int j = 0; j < per; j++) {
                double v = norm == Norm.LINF ? 2 * random.nextDouble() - 1 : random.nextGaussian();
                values[i * per + j] = v;
                max = Math.max(max, Math.abs(v));
                sq += v * v;
            }
            double scale = eps / Math.max(norm == Norm.LINF ? max : Math.sqrt(sq), 1e-12);
            for (int j = 0; j < per; j++) {
                values[i * per + j] *= scale;
            }
        }
        return Batches.array(x.getManager(), values, x.getShape()).toType(x.getDataType(), false);
    }
}
