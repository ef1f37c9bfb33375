package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * FAB, the fast adaptive boundary attack (Croce and Hein 2020), L2 and Linf, untargeted and targeted
 * (FAB-T): at the current iterate, linearise the classifier, take the nearest linearised boundary
 * (untargeted: over every other class; FAB-T: the one towards the target class), project both the
 * iterate and the clean point onto it inside the input box, and step to a convex combination of the two
 * projections (weight of the clean point's {@code min(a1/(a1+a2), alpha_max)}) extrapolated by
 * {@code eta}; once the iterate is adversarial it is recorded if smaller than the best so far and pulled
 * back towards the clean point by {@code beta}. FAB-T runs once per target, the 2nd to the
 * (targets+1)-th most likely classes of the clean input. As a min-norm attack every run attacks every
 * correctly classified point and the smallest perturbation wins; inside {@link AutoAttack} ({@link
 * #attack} with a finite ε) each run attacks the points not yet broken within ε, as the original does.
 * Restarts after the first start from a random point at half the best distance so far (at most ε/2).
 *
 * <p>Unlike the original, which runs one target after the other, the targets run together in groups (one
 * batch of points × targets, see {@link #ROWS}): a run's iterations on a point depend on that point
 * alone, so with one restart (FAB-T's setting in AutoAttack) every point is found or missed exactly as
 * sequentially; the group only attacks, with the later targets, points an earlier target of the same
 * group already broke. With more restarts, a restart follows a group of targets rather than each one.
 */
public final class Fab extends MinNormAttack {

    /**
     * FAB-T attacks several targets in one batch (the samples are independent, so each target's run on a
     * point ends as it would alone): as many as fit in the larger of the caller's batch and this many rows.
     */
    private static final int ROWS = 512;

    /**
     * Settings of one FAB attack.
     *
     * @param steps iterations per run
     * @param restarts runs per target (the first from the clean point)
     * @param targets 0: untargeted; n: FAB-T with n target classes
     * @param alphaMax the largest weight of the clean point's projection
     * @param eta the extrapolation factor of the projections
     * @param beta the pull-back factor towards the clean point after a success
     */
    public record Settings(int steps, int restarts, int targets, double alphaMax, double eta, double beta) {

        public Settings {
            if (steps < 1 || restarts < 1 || targets < 0) {
                throw new IllegalArgumentException("FAB needs steps >= 1, restarts >= 1 and targets >= 0, found steps="
                        + steps + ", restarts=" + restarts + ", targets=" + targets);
            }
            if (!(alphaMax >= 0 && alphaMax <= 1) || !(eta >= 1) || !(beta > 0 && beta <= 1)) {
                throw new IllegalArgumentException("FAB needs alpha_max in [0, 1], eta >= 1 and beta in (0, 1], found "
                        + "alpha_max=" + alphaMax + ", eta=" + eta + ", beta=" + beta);
            }
        }

        /** The settings an attack entry resolved to. */
        static Settings of(Hyperparameters p) {
            return new Settings(p.getInt("steps"), p.getInt("restarts"), p.getInt("targets"), p.getDouble("alpha_max"),
                    p.getDouble("eta"), p.getDouble("beta"));
        }
    }

    @Override
    public String name() {
        return "fab";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.minNorm("FAB", "steps", false);
    }

    @Override
    public String description() {
        return "FAB L2 and Linf (Croce & Hein 2020), min-norm; targets > 0 runs FAB-T";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "iterations per run"),
                ParamSpec.ofInt("restarts", 1, "runs per target; after the first, from a random point at half the best distance"),
                ParamSpec.ofInt("targets", 0, "0: untargeted FAB; n: FAB-T against the n most likely other classes"),
                ParamSpec.ofDouble("alpha_max", 0.1, "largest weight of the clean point's projection"),
                ParamSpec.ofDouble("eta", 1.05, "extrapolation of the projections"),
                ParamSpec.ofDouble("beta", 0.9, "pull-back towards the clean point after a success"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.L2, Norm.LINF);
    }

    @Override
    protected NDArray findAdversarial(
            Classifier model, NDArray x, NDArray labels, Norm norm, Hyperparameters params, long seed) {
        Checks.requireGradients(this, model);
        return attack(model, x, labels, norm, Settings.of(params), Double.POSITIVE_INFINITY, new Random(seed));
    }

    /**
     * FAB on a batch: the adversarial batch (the clean point where nothing was found; with a finite
     * {@code eps}, where nothing was found within ε).
     */
    public static NDArray attack(Classifier model, NDArray x, NDArray labels, Norm norm, Settings s, double eps,
            Random random) {
        int n = (int) x.getShape().get(0);
        int d = (int) (x.getShape().size() / Math.max(n, 1));
        double[] clean = Batches.doubles(x.reshape(n, -1));
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        NDArray logits = Autograd.notRecording(() -> model.logits(x));
        long[] order = logits.argSort(1, false).toType(DataType.INT64, false).toLongArray();
        int classes = model.numClasses();
        double[] best = new double[n];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        double[] found = clean.clone();
        int rounds = s.targets() == 0 ? 1 : Math.min(s.targets(), classes - 1);
        for (int first = 0; first < rounds; ) {
            int remaining = todo(order, truth, classes, best, eps).length;
            int group = TargetGroups.size(rounds - first, remaining, Math.max(n, ROWS));
            for (int restart = 0; restart < s.restarts(); restart++) {
                int[] todo = todo(order, truth, classes, best, eps);
                if (todo.length == 0) {
                    return result(x, found, best, eps);
                }
                int[] point = new int[todo.length * group];
                long[] target = s.targets() > 0 ? new long[point.length] : null;
                for (int g = 0; g < group; g++) {
                    for (int i = 0; i < todo.length; i++) {
                        point[g * todo.length + i] = todo[i];
                        if (target != null) {
                            target[g * todo.length + i] = order[todo[i] * classes + first + g + 1];
                        }
                    }
                }
                Run run = new Run(model, x.getManager(), x.getDataType(), Batches.rowsOf(clean, d, point),
                        Batches.rows(truth, point), target, norm, s);
                run.start(restart == 0 ? null : radii(best, point, eps), random);
                run.iterate();
                for (int row = 0; row < point.length; row++) {
                    if (run.best[row] < best[point[row]]) {
                        best[point[row]] = run.best[row];
                        System.arraycopy(run.adversarial, row * d, found, point[row] * d, d);
                    }
                }
            }
            first += group;
        }
        return result(x, found, best, eps);
    }

    /** The found points, where each is within ε (the clean point elsewhere), shaped like {@code x}. */
    private static NDArray result(NDArray x, double[] found, double[] best, double eps) {
        int n = best.length;
        int d = found.length / Math.max(n, 1);
        double[] clean = Batches.doubles(x.reshape(n, -1));
        for (int i = 0; i < n; i++) {
            if (!(best[i] <= eps)) {
                System.arraycopy(clean, i * d, found, i * d, d);
            }
        }
        return Batches.array(x.getManager(), found, x.getShape()).toType(x.getDataType(), false);
    }

    /** The correctly classified points still to attack: all (min-norm) or those not broken within ε. */
    private static int[] todo(long[] order, long[] truth, int classes, double[] best, double eps) {
        boolean[] run = new boolean[truth.length];
        for (int i = 0; i < truth.length; i++) {
            run[i] = order[i * classes] == truth[i] && (Double.isInfinite(eps) || !(best[i] <= eps));
        }
        return Batches.where(run, true);
    }

    /** Random-start radii of a restart: half the best distance so far, at most ε/2. */
    private static double[] radii(double[] best, int[] todo, double eps) {
        double[] r = new double[todo.length];
        for (int i = 0; i < todo.length; i++) {
            double b = Math.min(best[todo[i]], eps);
            r[i] = Double.isFinite(b) ? 0.5 * b : 0;
        }
        return r;
    }

    /**
     * One FAB run on a sub-batch, in flat double arrays (the model is called on NDArrays): per iteration
     * one forward and backward pass for the boundary (FAB-T; untargeted: one forward and K backward) and
     * one forward for the prediction, the rest in loops over the samples that allocate nothing.
     */
    private static final class Run {
        private final Classifier model;
        private final NDManager manager;
        private final DataType type;
        private final double[] clean;
        private final long[] labels;
        private final Norm norm;
        private final Settings s;
        private final int n;
        private final int d;
        private final float[] lo;
        private final float[] hi;
        private final Shape shape;
        private final Workspace[] workspaces;
        private final NDArray pick;
        /** The boundary per sample, {@code w·z = b}: w (N, D) and b (N). */
        private final double[] w;
        private final double[] b;
        private double[] current;
        private double[] next;
        final double[] adversarial;
        final double[] best;

        Run(Classifier model, NDManager manager, DataType type, double[] clean, long[] labels, long[] targets, Norm norm,
                Settings s) {
            this.model = model;
            this.manager = manager;
            this.type = type;
            this.clean = clean;
            this.labels = labels;
            this.norm = norm;
            this.s = s;
            this.n = labels.length;
            this.d = clean.length / n;
            InputBox box = model.box();
            this.lo = box.lower();
            this.hi = box.upper();
            this.shape = new Shape(n).addAll(model.sampleShape());
            this.workspaces = new Workspace[Math.max(1, JniUtils.getNumThreads())];
            for (int k = 0; k < workspaces.length; k++) {
                workspaces[k] = new Workspace(new BoxProjection(lo, hi, norm), new double[d], new double[d]);
            }
            int classes = model.numClasses();
            this.pick = targets == null ? null
                    : manager.create(targets).oneHot(classes).sub(manager.create(labels).oneHot(classes));
            this.w = new double[n * d];
            this.b = new double[n];
            this.current = clean.clone();
            this.next = new double[n * d];
            this.adversarial = clean.clone();
            this.best = new double[n];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
        }

        /** Moves the start to a random point at {@code radius} per sample (null: the clean point). */
        void start(double[] radius, Random random) {
            if (radius == null) {
                return;
            }
            double[] t = new double[d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    t[j] = norm == Norm.LINF ? 2 * random.nextDouble() - 1 : random.nextGaussian();
                }
                double size = norm(t, 0, d);
                for (int j = 0; j < d; j++) {
                    current[i * d + j] = size > 0 ? clean[i * d + j] + radius[i] * t[j] / size : clean[i * d + j];
                }
            }
            clip(current);
        }

        void iterate() {
            try {
                for (int step = 0; step < s.steps(); step++) {
                    try (NDScope scope = new NDScope()) {
                        boundary();
                        move();
                        long[] predicted = model.predict(array(current)).toLongArray();
                        record(predicted);
                    }
                }
            } finally {
                if (pick != null) {
                    pick.close();
                }
            }
        }

        /** Per sample, the linearised boundary to project on, into {@link #w} and {@link #b}. */
        private void boundary() {
            NDArray at = array(current);
            if (pick != null) {
                NDArray[] seen = new NDArray[1];
                NDArray choose = pick.toType(DataType.FLOAT32, false);
                NDArray g = model.inputGradient(at, z -> {
                    NDArray picked = z.mul(choose.toType(z.getDataType(), false));
                    seen[0] = picked.stopGradient().sum(new int[] {1});
                    return picked.sum();
                });
                // an EOT model's gradient is an average over draws, not the gradient of one forward's logits
                NDArray f = model.averagesGradients()
                        ? Autograd.notRecording(() -> model.logits(at).mul(choose).sum(new int[] {1})) : seen[0];
                copyInto(g, w);
                double[] fs = Batches.doubles(f);
                for (int i = 0; i < n; i++) {
                    b[i] = -fs[i] + dot(w, i * d, current, i * d);
                }
                return;
            }
            int classes = model.numClasses();
            DeepFool.ClassGradients grads = DeepFool.classGradients(model, at.reshape(n, -1), shape, classes);
            double[] z = Batches.doubles(grads.logits());
            double[] jac = Batches.doubles(grads.jacobian()); // (K, n, d)
            for (int i = 0; i < n; i++) {
                nearest(i, z, jac, classes);
            }
        }

        /** Untargeted: the boundary of sample i nearest in the linear approximation, over the other classes. */
        private void nearest(int i, double[] z, double[] jac, int classes) {
            int y = (int) labels[i];
            double nearest = Double.POSITIVE_INFINITY;
            int chosen = -1;
            for (int k = 0; k < classes; k++) {
                if (k == y) {
                    continue;
                }
                double dual = 0;
                for (int j = 0; j < d; j++) {
                    double v = jac[(k * n + i) * d + j] - jac[(y * n + i) * d + j];
                    dual = norm == Norm.LINF ? dual + Math.abs(v) : dual + v * v;
                }
                dual = norm == Norm.LINF ? dual : Math.sqrt(dual);
                double dist = Math.abs(z[i * classes + k] - z[i * classes + y]) / (1e-12 + dual);
                if (chosen < 0 || dist < nearest) {
                    nearest = dist;
                    chosen = k;
                }
            }
            for (int j = 0; j < d; j++) {
                w[i * d + j] = jac[(chosen * n + i) * d + j] - jac[(y * n + i) * d + j];
            }
            b[i] = -(z[i * classes + chosen] - z[i * classes + y]) + dot(w, i * d, current, i * d);
        }

        /**
         * The FAB step: projections of the iterate and of the clean point, combined and extrapolated. The
         * samples are independent; they are split over as many threads as torch's intra-op ones.
         */
        private void move() {
            int parts = Math.min(workspaces.length, n);
            if (parts <= 1) {
                move(workspaces[0], 0, n);
            } else {
                IntStream.range(0, parts).parallel().forEach(p -> move(workspaces[p], p * n / parts, (p + 1) * n / parts));
            }
            double[] previous = current;
            current = next;
            next = previous;
        }

        private void move(Workspace work, int from, int to) {
            for (int i = from; i < to; i++) {
                int row = i * d;
                double a1 = Math.max(work.projection.step(current, row, w, row, b[i], work.d1, 0), 1e-8);
                double a2 = Math.max(work.projection.step(clean, row, w, row, b[i], work.d2, 0), 1e-8);
                double alpha = Math.min(Math.max(a1 / (a1 + a2), 0), s.alphaMax());
                for (int j = 0; j < d; j++) {
                    double v = (current[row + j] + s.eta() * work.d1[j]) * (1 - alpha)
                            + (clean[row + j] + s.eta() * work.d2[j]) * alpha;
                    next[row + j] = Math.min(Math.max(v, lo[j]), hi[j]);
                }
            }
        }

        /** One thread's projection and step buffers. */
        private record Workspace(BoxProjection projection, double[] d1, double[] d2) {}

        /** Keeps the adversarial iterates smaller than the best so far and pulls them back by beta. */
        private void record(long[] predicted) {
            for (int i = 0; i < n; i++) {
                if (predicted[i] == labels[i]) {
                    continue;
                }
                double size = distance(current, clean, i * d);
                if (size < best[i]) {
                    best[i] = size;
                    System.arraycopy(current, i * d, adversarial, i * d, d);
                }
                for (int j = i * d; j < (i + 1) * d; j++) {
                    current[j] = clean[j] + (current[j] - clean[j]) * s.beta();
                }
            }
        }

        private NDArray array(double[] values) {
            return Batches.array(manager, values, shape).toType(type, false);
        }

        /** The values of {@code g} (N, sample...) into {@code into}, as doubles. */
        private static void copyInto(NDArray g, double[] into) {
            float[] values = g.toType(DataType.FLOAT32, false).toFloatArray();
            for (int k = 0; k < values.length; k++) {
                into[k] = values[k];
            }
        }

        private void clip(double[] values) {
            for (int at = 0; at < values.length; at++) {
                int j = at % d;
                values[at] = Math.min(Math.max(values[at], lo[j]), hi[j]);
            }
        }

        private double norm(double[] v, int offset, int length) {
            double acc = 0;
            for (int j = offset; j < offset + length; j++) {
                acc = norm == Norm.LINF ? Math.max(acc, Math.abs(v[j])) : acc + v[j] * v[j];
            }
            return norm == Norm.LINF ? acc : Math.sqrt(acc);
        }

        private double distance(double[] a, double[] c, int offset) {
            double acc = 0;
            for (int j = offset; j < offset + d; j++) {
                double v = a[j] - c[j];
                acc = norm == Norm.LINF ? Math.max(acc, Math.abs(v)) : acc + v * v;
            }
            return norm == Norm.LINF ? acc : Math.sqrt(acc);
        }

        private double dot(double[] w, int wFrom, double[] x, int xFrom) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += w[wFrom + j] * x[xFrom + j];
            }
            return s;
        }
    }
}
