package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
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
import dev.defensebench.autograd.Scalars;

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

    /** The default number of candidate classes: all classes up to 10, the 10 top-scoring above that. */
    public static final int DEFAULT_CANDIDATES = 10;

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
     * @param candidates the classes considered per sample: the {@code candidates} top-scoring ones at the
     *     clean input (the predicted class among them), as the DeepFool paper does for ImageNet; all
     *     classes when there are no more than this
     */
    public record Settings(int maxIterations, double overshoot, boolean keepGraph, Route route, InputBox box, Norm norm,
            int candidates) {

        /** Unconstrained L2 settings (no box, default candidates), as Deep Defense's regularizer uses them. */
        public Settings(int maxIterations, double overshoot, boolean keepGraph, Route route) {
            this(maxIterations, overshoot, keepGraph, route, null, Norm.L2, DEFAULT_CANDIDATES);
        }

        /** L2 settings with the default candidates. */
        public Settings(int maxIterations, double overshoot, boolean keepGraph, Route route, InputBox box) {
            this(maxIterations, overshoot, keepGraph, route, box, Norm.L2, DEFAULT_CANDIDATES);
        }

        public Settings {
            if (maxIterations < 1) {
                throw new IllegalArgumentException("DeepFool max_iter must be >= 1, found " + maxIterations);
            }
            if (!(overshoot >= 0)) {
                throw new IllegalArgumentException("DeepFool overshoot must be >= 0, found " + overshoot);
            }
            if (candidates < 2) {
                throw new IllegalArgumentException("DeepFool candidates must be >= 2 (the predicted class and one other), found "
                        + candidates);
            }
            java.util.Objects.requireNonNull(norm, "DeepFool norm");
        }

        /** The same settings with {@code candidates} classes. */
        public Settings withCandidates(int candidates) {
            return new Settings(maxIterations, overshoot, keepGraph, route, box, norm, candidates);
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
                ParamSpec.ofInt("candidates", DEFAULT_CANDIDATES, "classes considered per sample: the top-scoring ones "
                        + "at the clean input (all classes when there are no more)"),
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
                Route.CHOSEN_DIFFERENCE, params.getBoolean("clip") ? model.box() : null, norm, params.getInt("candidates"));
        return x.add(unroll(model, x, null, settings).perturbation());
    }

    @Override
    protected boolean clipsToBox(Hyperparameters params) {
        return params.getBoolean("clip");
    }

    /**
     * Runs DeepFool on a batch. Without {@code labels} every sample starts from its predicted class and
     * moves to the nearest other candidate class (the attack, and ρ2). With {@code labels} (Deep Defense),
     * a correctly classified sample does the same, while a misclassified one steps towards its true label
     * (candidates: the current prediction, re-read each step, and the true label) and is "fooled" once
     * it is classified correctly. The predicted class is read at the first iterate (the clean input,
     * clipped into the box when there is one).
     *
     * <p>Each step runs on the samples still active only: one forward pass at their iterates, one
     * backward pass per candidate class on that forward's graph (the class gradients), then, with a
     * graph, one double-backward-ready pass for the chosen difference on the same forward.
     */
    public static Unroll unroll(Classifier model, NDArray x, NDArray labels, Settings settings) {
        return unroll(model, x, labels, settings, null);
    }

    /**
     * The clean inputs' graph, when the caller has already run the network on them (Deep Defense's
     * cross-entropy): {@code leaf}, the inputs flattened to (B, D) as a fresh leaf, and {@code logits}, the
     * network's output at {@code leaf} reshaped to the inputs' shape, computed in a mode that gives the same
     * values as the unroll's model. The unroll then starts from {@code leaf} and, when no box clips the first
     * iterate, reuses {@code logits} for its first step instead of a second forward pass at the same point.
     */
    public record Start(NDArray leaf, NDArray logits) {}

    /**
     * {@link #unroll(Classifier, NDArray, NDArray, Settings)} from a graph the caller already has ({@code start},
     * null for none); only with {@code keepGraph}.
     */
    public static Unroll unroll(Classifier model, NDArray x, NDArray labels, Settings settings, Start start) {
        if (start != null && !settings.keepGraph()) {
            throw new IllegalArgumentException("DeepFool: a given start graph needs keepGraph");
        }
        return settings.keepGraph()
                ? Autograd.recording(() -> Autograd.secondOrder(() -> run(model, x, labels, settings, start)))
                : run(model, x, labels, settings, null);
    }

    private static Unroll run(Classifier model, NDArray x, NDArray labels, Settings settings, Start given) {
        int batch = (int) x.getShape().get(0);
        Shape inputShape = x.getShape();
        // With a graph, the unroll differentiates with respect to the points x_i = x + Σr, so x itself
        // must be part of the graph: a fresh leaf (its own gradient is never asked for).
        NDArray flat0 = x.reshape(batch, -1);
        NDArray start = given != null ? given.leaf() : settings.keepGraph() ? Autograd.leaf(flat0) : flat0.stopGradient();
        // the first iterate is the leaf itself (all samples active, x + 0): the caller's logits are the ones there
        NDArray firstLogits = given != null && settings.box() == null && settings.route() == Route.CHOSEN_DIFFERENCE
                ? given.logits() : null;
        State state = new State(batch, Math.min(settings.candidates(), model.numClasses()), labels);
        NDArray total = start.zerosLike();
        int iterations = 0;
        while (iterations < settings.maxIterations() && state.active.length > 0) {
            iterations++;
            int[] rows = state.active;
            NDArray index = ownedIndex(x.getManager(), rows);
            NDArray step;
            try (NDScope scope = new NDScope()) {
                NDArray known = iterations == 1 ? firstLogits : null;
                NDArray xi = known != null ? start
                        : clip(start.get(new NDIndex("{}", index)).add(total.get(new NDIndex("{}", index))), settings.box(), inputShape);
                step = step(model, xi, known, inputShape, state, settings);
                NDScope.unregister(step);
            }
            NDScope.register(step); // with the caller's scope, if any
            NDArray next = total.add(spread(step, rows, batch));
            if (!settings.keepGraph()) { // nothing refers to the previous sum: free it now, not at the caller's scope end
                total.close();
                step.close();
            }
            total = next;
            try (NDScope scope = new NDScope()) {
                NDArray probe = start.get(new NDIndex("{}", index)).stopGradient()
                        .add(total.get(new NDIndex("{}", index)).stopGradient().mul(1 + settings.overshoot()));
                state.afterStep(model.predict(clip(probe, settings.box(), inputShape).reshape(shapeOf(rows.length, inputShape)))
                        .toLongArray());
            }
            index.close();
        }
        NDArray perturbation = clip(start.add(total.mul(Scalars.of(total, 1 + settings.overshoot()))), settings.box(), inputShape)
                .sub(start).reshape(inputShape);
        return new Unroll(perturbation, state.fooled, state.correct, iterations);
    }

    /**
     * Per-sample bookkeeping on the host: the reference and true classes, the candidate table, which
     * samples are still active and which were fooled.
     */
    private static final class State {
        final int candidates;
        final long[] truthGiven;
        long[] reference;
        long[] truth;
        boolean[] correct;
        boolean[] fooled;
        /** Per sample, its candidate classes, the predicted one first (row-major, {@code candidates} a row). */
        long[] table;
        int[] active;

        State(int batch, int candidates, NDArray labels) {
            this.candidates = candidates;
            this.truthGiven = labels == null ? null : labels.toType(DataType.INT64, false).toLongArray();
            this.fooled = new boolean[batch];
            this.correct = new boolean[batch]; // set at the first step; stays empty for an empty batch
            this.active = new int[batch];
            for (int i = 0; i < batch; i++) {
                active[i] = i;
            }
        }

        /** At the first step: the predicted classes and, per sample, its top-scoring candidates. */
        void start(NDArray logits) {
            int batch = active.length;
            table = logits.stopGradient().argSort(1, false).get(":, 0:" + candidates).toType(DataType.INT64, false)
                    .toLongArray();
            reference = new long[batch];
            correct = new boolean[batch];
            for (int i = 0; i < batch; i++) {
                reference[i] = table[i * candidates];
            }
            truth = truthGiven == null ? reference : truthGiven;
            for (int i = 0; i < batch; i++) {
                correct[i] = reference[i] == truth[i];
            }
        }

        /**
         * The class table (A, N) of the active samples at this step and the mask of the columns that are
         * candidates for the nearest boundary (column 0 is the reference class l); {@code current}, the
         * active samples' predictions, is read only when labels were given.
         */
        long[][] step(long[] current) {
            long[] classes = new long[active.length * candidates];
            long[] blocked = new long[active.length * candidates];
            for (int a = 0; a < active.length; a++) {
                int i = active[a];
                int o = a * candidates;
                if (correct[i]) {
                    System.arraycopy(table, i * candidates, classes, o, candidates);
                    blocked[o] = 1;
                } else {
                    // towards the true label from the current prediction
                    java.util.Arrays.fill(classes, o, o + candidates, truth[i]);
                    java.util.Arrays.fill(blocked, o, o + candidates, 1);
                    classes[o] = current[a];
                    blocked[o + 1] = 0;
                }
            }
            return new long[][] {classes, blocked};
        }

        /** Marks the samples the probe predictions {@code now} (one per active sample) show done. */
        void afterStep(long[] now) {
            int kept = 0;
            for (int a = 0; a < active.length; a++) {
                int i = active[a];
                boolean done = correct[i] ? now[a] != reference[i] : now[a] == truth[i];
                if (done) {
                    fooled[i] = true;
                } else {
                    active[kept++] = i;
                }
            }
            active = java.util.Arrays.copyOf(active, kept);
        }
    }

    /**
     * One DeepFool step r (A, D) at the iterates {@code xi} (A, D) of the active samples: the forward pass and
     * the host-side choice of candidates here, the rest in one native call ({@link DeepFoolStep}), or, on the
     * full-Jacobian reference route, in tensor operations issued one by one ({@link #fullJacobianStep}).
     * {@code known}, when not null, are the logits at {@code xi}, recorded from it.
     */
    private static NDArray step(Classifier model, NDArray xi, NDArray known, Shape inputShape, State state, Settings settings) {
        if (settings.keepGraph() && settings.route() == Route.FULL_JACOBIAN) {
            return Autograd.recording(() -> fullJacobianStep(model, xi, inputShape, state, settings));
        }
        int rows = (int) xi.getShape().get(0);
        return Autograd.recording(() -> {
            NDArray point = settings.keepGraph() ? xi : Autograd.leaf(xi);
            NDArray logits = known != null ? known : model.logits(point.reshape(shapeOf(rows, inputShape)));
            Plan plan = plan(logits, state, xi.getManager());
            return DeepFoolStep.apply(logits, point, plan.classes(), plan.blocked(), settings.norm(), settings.keepGraph());
        });
    }

    /**
     * The active samples' candidate classes (A, N), the reference class l in column 0, as an index libtorch
     * owns, and the mask (A, N) of the columns that are no candidate for the nearest boundary.
     */
    private record Plan(NDArray classes, NDArray blocked) {}

    private static Plan plan(NDArray logits, State state, NDManager m) {
        if (state.table == null) {
            state.start(logits);
        }
        long[][] plan = state.step(state.truthGiven == null ? null : logits.stopGradient().argMax(1).toLongArray());
        Shape shape = new Shape(logits.getShape().get(0), state.candidates);
        return new Plan(ownedIndex(m.create(plan[0], shape)), m.create(plan[1], shape));
    }

    /**
     * The step from every candidate's input gradient taken with a graph (the reference route; slower): the
     * batch repeated N times, forward, one double-backward-ready pass for all candidates, then k* selected
     * from the resulting Jacobian.
     */
    private static NDArray fullJacobianStep(Classifier model, NDArray xi, Shape inputShape, State state, Settings settings) {
        int rows = (int) xi.getShape().get(0);
        int n = state.candidates;
        NDArray repeated = xi.tile(new long[] {n, 1});
        NDArray allLogits = model.logits(repeated.reshape(shapeOf(repeated.getShape().get(0), inputShape)));
        NDArray logits = allLogits.get("0:" + rows);
        Plan plan = plan(logits, state, xi.getManager());
        NDArray z = logits.gather(plan.classes(), 1); // (A, N): column 0 the reference class l
        NDArray jacobian = tiledGradients(allLogits, plan.classes(), repeated, rows, n); // with a graph
        NDArray w = jacobian.stopGradient().get("1:").sub(jacobian.stopGradient().get("0:1"));
        NDArray f = z.stopGradient().get(":, 1:").sub(z.stopGradient().get(":, 0:1")); // (A, N−1)
        NDArray dual = settings.norm() == Norm.LINF ? w.abs().sum(new int[] {2}).add(TINY)
                : w.square().sum(new int[] {2}).add(TINY).sqrt();
        // columns that are no candidate (all but the true label, for a misclassified sample) leave the argmin
        NDArray blocked = plan.blocked().get(":, 1:").toType(DataType.FLOAT64, false).mul(1e300);
        NDArray ratio = f.abs().div(dual.transpose()).toType(DataType.FLOAT64, false).add(blocked);
        NDArray chosen = ratio.argMin(1).oneHot(n - 1).toType(f.getDataType(), false); // (A, N−1)
        NDManager m = xi.getManager();
        NDArray reference = m.zeros(new Shape(rows), DataType.INT64).oneHot(n).toType(f.getDataType(), false);
        NDArray difference = m.zeros(new Shape(rows, 1), f.getDataType()).concat(chosen, 1).sub(reference); // e_k* − e_l
        NDArray fStar = z.mul(difference).sum(new int[] {1});
        NDArray wStar = jacobian.mul(difference.transpose().expandDims(2)).sum(new int[] {0});
        if (settings.norm() == Norm.LINF) {
            NDArray scale = fStar.abs().div(wStar.abs().sum(new int[] {1}).add(TINY));
            return wStar.stopGradient().sign().mul(scale.expandDims(1));
        }
        NDArray scale = fStar.abs().div(wStar.square().sum(new int[] {1}).add(TINY));
        return wStar.mul(scale.expandDims(1));
    }

    /**
     * The candidate classes' input gradients with a graph (the reference route): the batch repeated N
     * times, copy j differentiating each sample's candidate j, in one double-backward-ready pass.
     */
    private static NDArray tiledGradients(NDArray allLogits, NDArray classes, NDArray repeated, int rows, int n) {
        NDArray perCopy = classes.transpose().reshape(-1, 1); // row j·A + a picks candidate j of sample a
        NDArray picked = allLogits.gather(perCopy, 1);
        return Autograd.gradient(picked.sum(), repeated, true).reshape(n, rows, -1);
    }

    /** The logits (B, K) at the points and every logit's input gradient (K, B, D). */
    record ClassGradients(NDArray logits, NDArray jacobian) {}

    /**
     * Every logit's gradient with respect to the input, without a graph (used by FAB): one forward pass
     * and K backward passes ({@link Autograd#jacobian}).
     */
    static ClassGradients classGradients(Classifier model, NDArray xi, Shape inputShape, int classes) {
        int batch = (int) xi.getShape().get(0);
        return Autograd.recording(() -> {
            NDArray leaf = Autograd.leaf(xi);
            NDArray z = model.logits(leaf.reshape(inputShape));
            return new ClassGradients(z, Autograd.jacobian(z, leaf).reshape(classes, batch, -1));
        });
    }

    /**
     * {@code values} as an index array whose memory libtorch owns. DJL's {@code create} wraps a Java
     * buffer that is freed when the array is closed, but gather and indexing save their index for the
     * backward pass: Deep Defense's outer gradient, taken after this step's scope has closed, then read
     * freed memory ("index 140679983723792 is out of bounds"). A libtorch copy lives as long as the graph.
     */
    private static NDArray ownedIndex(NDManager manager, int[] values) {
        return ownedIndex(manager.create(values));
    }

    private static NDArray ownedIndex(NDArray wrapped) {
        NDArray owned = wrapped.duplicate();
        wrapped.close();
        return owned;
    }

    /** The rows {@code step} (A, D) of the samples {@code rows} placed in a (B, D) array of zeros elsewhere. */
    private static NDArray spread(NDArray step, int[] rows, int batch) {
        if (rows.length == batch) {
            return step;
        }
        int[] where = new int[batch];
        java.util.Arrays.fill(where, rows.length);
        for (int a = 0; a < rows.length; a++) {
            where[rows[a]] = a;
        }
        NDArray padded = step.concat(step.getManager().zeros(new Shape(1, step.getShape().get(1)), step.getDataType()));
        return padded.get(new NDIndex("{}", ownedIndex(step.getManager(), where)));
    }

    private static Shape shapeOf(long rows, Shape inputShape) {
        return new Shape(rows).addAll(inputShape.slice(1));
    }

    /** {@code flat} (B, D) clipped into {@code box}, or unchanged without a box. */
    private static NDArray clip(NDArray flat, InputBox box, Shape inputShape) {
        if (box == null) {
            return flat;
        }
        return box.clip(flat.reshape(shapeOf(flat.getShape().get(0), inputShape))).reshape(flat.getShape());
    }
}
