package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import java.util.Set;

/**
 * DeepFool, L2 and Linf (Moosavi-Dezfooli et al. 2016): linearise the classifier around the current
 * point and step to the nearest linearised decision boundary, repeat until the label changes; the
 * returned perturbation is {@code (1 + overshoot) Σ r_i}. The distance to a linearised boundary is
 * measured in the dual norm of the gradient difference: {@code |f'_k| / ‖w'_k‖₂} with the step along
 * {@code w'_k} (L2), or {@code |f'_k| / ‖w'_k‖₁} with the step along {@code sign(w'_k)} (Linf).
 *
 * <p>The same unroll serves the attack suite and Deep Defense's regularizer ({@link #unroll} with
 * {@code keepGraph}): then the perturbation stays differentiable with respect to the model's
 * parameters, through the input gradients (second order), the logits at every perturbed point and the
 * earlier steps. The choice of the nearest class, the reference class and the per-sample "already
 * fooled" mask are constants, as in the paper's code.
 */
public final class DeepFool extends MinNormAttack {

    /** Added to squared norms so that a zero gradient difference never divides by zero. */
    static final double TINY = 1e-12;

    /** How the chosen step is made differentiable (both give the same gradient; see the tests). */
    public enum Route {
        /**
         * All class gradients without a graph (only to pick k*), then the chosen difference z_k* − z_l
         * re-derived with a graph: one double-backward pass per step.
         */
        CHOSEN_DIFFERENCE,
        /** The whole Jacobian with a graph, then k* selected from it (reference; slower). */
        FULL_JACOBIAN
    }

    /**
     * Settings of one unroll.
     *
     * @param maxIterations the most DeepFool steps
     * @param overshoot the final perturbation is {@code (1 + overshoot)} times the sum of the steps
     * @param keepGraph keep the graph to the parameters (Deep Defense) or not (attack)
     * @param route how the graph of the chosen step is built when {@code keepGraph}
     * @param box when not null, every iterate is clipped into this box (Foolbox semantics: the attack
     *     searches among valid inputs); null leaves the perturbation unconstrained (the Deep Defense
     *     paper's regularizer and its reported ρ2)
     * @param norm the norm whose nearest boundary each step moves to (L2 or Linf)
     */
    public record Settings(int maxIterations, double overshoot, boolean keepGraph, Route route, InputBox box, Norm norm) {

        /** Unconstrained L2 settings (no box), as Deep Defense's regularizer uses them. */
        public Settings(int maxIterations, double overshoot, boolean keepGraph, Route route) {
            this(maxIterations, overshoot, keepGraph, route, null, Norm.L2);
        }

        /** L2 settings. */
        public Settings(int maxIterations, double overshoot, boolean keepGraph, Route route, InputBox box) {
            this(maxIterations, overshoot, keepGraph, route, box, Norm.L2);
        }

        public Settings {
            if (maxIterations < 1) {
                throw new IllegalArgumentException("DeepFool max_iter must be >= 1, found " + maxIterations);
            }
            if (!(overshoot >= 0)) {
                throw new IllegalArgumentException("DeepFool overshoot must be >= 0, found " + overshoot);
            }
            java.util.Objects.requireNonNull(norm, "DeepFool norm");
        }
    }

    /**
     * What an unroll produced.
     *
     * @param perturbation Δx, shaped like the inputs (carries a graph when the unroll kept one)
     * @param fooled per sample, whether the stop condition was reached within the iterations (constant)
     * @param wasCorrect per sample, whether the model classified the clean input correctly (constant);
     *     all true when no true labels were given
     * @param iterations the steps actually taken
     */
    public record Unroll(NDArray perturbation, boolean[] fooled, boolean[] wasCorrect, int iterations) {}

    @Override
    public String name() {
        return "deepfool";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.minNorm("DeepFool", "max_iter", true);
    }

    @Override
    public String description() {
        return "DeepFool L2 and Linf (Moosavi-Dezfooli 2016), min-norm; reports rho2 = mean ||dx||2/||x||2";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("max_iter", 50, "maximum DeepFool steps"),
                ParamSpec.ofDouble("overshoot", 0.02, "final perturbation is (1 + overshoot) times the sum of steps"),
                ParamSpec.ofBoolean("clip", true, "keep every iterate in the valid input box (false: unconstrained, "
                        + "as the DeepFool and Deep Defense papers measure rho2)"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.L2, Norm.LINF);
    }

    @Override
    protected NDArray findAdversarial(
            Classifier model, NDArray x, NDArray labels, Norm norm, Hyperparameters params, long seed) {
        Settings settings = new Settings(params.getInt("max_iter"), params.getDouble("overshoot"), false,
                Route.CHOSEN_DIFFERENCE, params.getBoolean("clip") ? model.box() : null, norm);
        return x.add(unroll(model, x, null, settings).perturbation());
    }

    @Override
    protected boolean clipsToBox(Hyperparameters params) {
        return params.getBoolean("clip");
    }

    /**
     * Runs DeepFool on a batch. Without {@code labels} every sample starts from its predicted class and
     * moves to the nearest other class (the attack, and ρ2). With {@code labels} (Deep Defense), a
     * correctly classified sample does the same, while a misclassified one steps towards its true label
     * (candidates: the current prediction, re-read each step, and the true label) and is "fooled" once
     * it is classified correctly.
     */
    public static Unroll unroll(Classifier model, NDArray x, NDArray labels, Settings settings) {
        int batch = (int) x.getShape().get(0);
        int classes = model.numClasses();
        Shape inputShape = x.getShape();
        NDArray flat0 = x.reshape(batch, -1);
        long[] reference = model.predict(x).toLongArray();
        long[] truth = labels == null ? reference : labels.toType(DataType.INT64, false).toLongArray();
        boolean[] correct = new boolean[batch];
        for (int i = 0; i < batch; i++) {
            correct[i] = reference[i] == truth[i];
        }
        boolean[] fooled = new boolean[batch];
        float[] active = new float[batch];
        java.util.Arrays.fill(active, 1f);
        // With a graph, the unroll differentiates with respect to the points x_i = x + Σr, so x itself
        // must be part of the graph: a fresh leaf (its own gradient is never asked for).
        NDArray start = settings.keepGraph() ? Autograd.recording(() -> Autograd.leaf(flat0)) : flat0.stopGradient();
        NDArray total = start.zerosLike();
        int iterations = 0;
        for (int it = 0; it < settings.maxIterations() && anyActive(active); it++) {
            iterations++;
            NDArray xi = clip(start.add(total), settings.box(), inputShape);
            NDArray step = step(model, xi, inputShape, reference, truth, correct, settings);
            NDArray mask = x.getManager().create(active).toType(x.getDataType(), false).reshape(batch, 1);
            total = total.add(step.mul(mask));
            NDArray probe = clip(start.add(total.mul(1 + settings.overshoot())), settings.box(), inputShape).reshape(inputShape);
            long[] now = model.predict(probe.stopGradient()).toLongArray();
            for (int i = 0; i < batch; i++) {
                boolean done = correct[i] ? now[i] != reference[i] : now[i] == truth[i];
                if (active[i] > 0 && done) {
                    active[i] = 0f;
                    fooled[i] = true;
                }
            }
        }
        NDArray perturbation = clip(start.add(total.mul(1 + settings.overshoot())), settings.box(), inputShape)
                .sub(start).reshape(inputShape);
        return new Unroll(perturbation, fooled, correct, iterations);
    }

    /** One DeepFool step r (B, D) at the points {@code xi} (B, D). */
    private static NDArray step(
            Classifier model, NDArray xi, Shape inputShape, long[] reference, long[] truth, boolean[] correct,
            Settings settings) {
        int batch = (int) xi.getShape().get(0);
        int classes = model.numClasses();
        NDArray detached = xi.stopGradient();
        ClassGradients gradients = settings.keepGraph() && settings.route() == Route.FULL_JACOBIAN
                ? classGradients(model, xi, inputShape, classes, true)
                : classGradients(model, detached, inputShape, classes, false);
        NDArray jacobian = gradients.jacobian();
        // Constants of the step: reference class l and candidates per sample, then k* by argmin.
        NDArray logits = gradients.logits().stopGradient();
        long[] current = logits.argMax(1).toLongArray();
        long[] refClass = new long[batch];
        boolean[][] candidate = new boolean[batch][classes];
        for (int i = 0; i < batch; i++) {
            if (correct[i]) {
                refClass[i] = reference[i];
                for (int k = 0; k < classes; k++) {
                    candidate[i][k] = k != reference[i];
                }
            } else {
                refClass[i] = current[i];
                candidate[i][(int) truth[i]] = true;
            }
        }
        NDArray jac = jacobian.stopGradient().transpose(1, 0, 2); // (B, K, D)
        NDArray ref = oneHot(xi, refClass, classes); // (B, K)
        NDArray f = logits.sub(logits.mul(ref).sum(new int[] {1}, true)); // (B, K)
        NDArray w = jac.sub(jac.mul(ref.expandDims(2)).sum(new int[] {1}, true)); // (B, K, D)
        NDArray dual = settings.norm() == Norm.LINF ? w.abs().sum(new int[] {2}).add(TINY) : w.square().sum(new int[] {2}).add(TINY).sqrt();
        double[] ratio = f.abs().div(dual).toType(DataType.FLOAT64, false).toDoubleArray();
        long[] chosen = new long[batch];
        for (int i = 0; i < batch; i++) {
            double best = Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int k = 0; k < classes; k++) {
                double v = ratio[i * classes + k];
                if (candidate[i][k] && (arg < 0 || v < best)) {
                    best = v;
                    arg = k;
                }
            }
            chosen[i] = arg;
        }
        NDArray difference = oneHot(xi, chosen, classes).sub(ref); // e_k* − e_l, (B, K)
        NDArray fStar;
        NDArray wStar;
        if (!settings.keepGraph()) {
            fStar = f.mul(oneHot(xi, chosen, classes)).sum(new int[] {1});
            wStar = w.mul(oneHot(xi, chosen, classes).expandDims(2)).sum(new int[] {1});
        } else if (settings.route() == Route.FULL_JACOBIAN) {
            NDArray z = model.logits(xi.reshape(inputShape));
            fStar = z.mul(difference).sum(new int[] {1});
            wStar = jacobian.transpose(1, 0, 2).mul(difference.expandDims(2)).sum(new int[] {1});
        } else {
            NDArray z = model.logits(xi.reshape(inputShape));
            fStar = z.mul(difference).sum(new int[] {1});
            wStar = Autograd.gradient(fStar.sum(), xi, true);
        }
        if (settings.norm() == Norm.LINF) {
            NDArray scale = fStar.abs().div(wStar.abs().sum(new int[] {1}).add(TINY));
            return wStar.stopGradient().sign().mul(scale.expandDims(1));
        }
        NDArray scale = fStar.abs().div(wStar.square().sum(new int[] {1}).add(TINY));
        return wStar.mul(scale.expandDims(1));
    }

    /** The logits (B, K) at the points and every logit's input gradient (K, B, D). */
    record ClassGradients(NDArray logits, NDArray jacobian) {}

    /**
     * Gradients of every logit with respect to the input. Without a graph: one forward pass and K
     * backward passes ({@link Autograd#jacobian}). With a graph (the reference route): the batch repeated
     * K times, copy k differentiating logit k, in one double-backward-ready pass.
     */
    static ClassGradients classGradients(Classifier model, NDArray xi, Shape inputShape, int classes, boolean keepGraph) {
        int batch = (int) xi.getShape().get(0);
        return Autograd.recording(() -> {
            if (!keepGraph) {
                NDArray leaf = Autograd.leaf(xi);
                NDArray z = model.logits(leaf.reshape(inputShape));
                return new ClassGradients(z, Autograd.jacobian(z, leaf).reshape(classes, batch, -1));
            }
            NDArray repeated = xi.tile(new long[] {classes, 1});
            NDArray z = model.logits(repeated.reshape(new Shape(classes * (long) batch).addAll(inputShape.slice(1))));
            NDArray rowClass = xi.getManager().arange(classes).repeat(batch);
            NDArray pick = rowClass.oneHot(classes).toType(z.getDataType(), false);
            NDArray grad = Autograd.gradient(z.mul(pick).sum(), repeated, true);
            return new ClassGradients(z.get("0:" + batch), grad.reshape(classes, batch, -1));
        });
    }

    /** {@code flat} (B, D) clipped into {@code box}, or unchanged without a box. */
    private static NDArray clip(NDArray flat, InputBox box, Shape inputShape) {
        if (box == null) {
            return flat;
        }
        return box.clip(flat.reshape(inputShape)).reshape(flat.getShape());
    }

    private static NDArray oneHot(NDArray like, long[] classes, int k) {
        return like.getManager().create(classes).oneHot(k).toType(like.getDataType(), false);
    }

    private static boolean anyActive(float[] active) {
        for (float a : active) {
            if (a > 0) {
                return true;
            }
        }
        return false;
    }
}
