package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Square Attack (Andriushchenko et al. 2020), Linf and L2: a score-based black-box random search that
 * needs only the logits (no gradients, so it also scores non-differentiable models). It starts from
 * vertical stripes (Linf) or a grid of pseudo-Gaussian blocks (L2) on the ε-sphere and repeatedly
 * proposes a change of one random square window (its side shrinks on the paper's schedule of {@code
 * p_init}), keeping the proposal when the margin {@code z_y − max_{k≠y} z_k} decreases; a sample stops
 * once misclassified. Every proposal costs one query per still-robust sample; the budget is {@code
 * queries} per sample.
 */
public final class Square extends FixedEpsilonAttack {


    @Override
    public String name() {
        return "square";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("Square", AttackTraits.Access.SCORE, "queries");
    }

    @Override
    public String description() {
        return "Square Attack (Andriushchenko 2020), score-based black-box random search, logits only";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("queries", 5000, "query budget per sample"),
                ParamSpec.ofDouble("p_init", 0.8, "initial fraction of the image a square window covers"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        int queries = params.getInt("queries");
        double pInit = params.getDouble("p_init");
        if (queries < 1) {
            throw new IllegalArgumentException("square: parameter 'queries' must be >= 1, found " + queries);
        }
        if (!(pInit > 0 && pInit <= 1)) {
            throw new IllegalArgumentException("square: parameter 'p_init' must be in (0, 1], found " + pInit);
        }
        return new Search(model, x, labels, norm, eps, random).run(queries, pInit);
    }

    /** The state of one search over a batch, held on the Java heap. */
    private static final class Search {
        private final Classifier model;
        private final NDArray like;
        private final Norm norm;
        private final double eps;
        private final Random random;
        private final int n;
        private final int c;
        private final int h;
        private final int w;
        private final int per;
        private final double[] x;
        private final double[] lo;
        private final double[] hi;
        private final long[] y;

        Search(Classifier model, NDArray inputs, NDArray labels, Norm norm, double eps, Random random) {
            this.model = model;
            this.like = inputs;
            this.norm = norm;
            this.eps = eps;
            this.random = random;
            Shape s = inputs.getShape();
            n = (int) s.get(0);
            per = (int) (s.size() / n);
            Shape sample = s.slice(1);
            // images are (C, H, W); anything else is treated as one channel of one row
            c = sample.dimension() == 3 ? (int) sample.get(0) : 1;
            h = sample.dimension() == 3 ? (int) sample.get(1) : sample.dimension() == 2 ? (int) sample.get(0) : 1;
            w = per / (c * h);
            x = Batches.doubles(inputs);
            InputBox box = model.box();
            lo = toDouble(box.lower());
            hi = toDouble(box.upper());
            y = labels.toType(DataType.INT64, false).toLongArray();
        }

        NDArray run(int queries, double pInit) {
            double[] best = norm == Norm.LINF ? stripes() : gaussianGrid();
            double[] margin = margins(best, all());
            int used = 1;
            for (int it = 1; used < queries; it++) {
                int[] active = robust(margin);
                if (active.length == 0) {
                    break;
                }
                double p = schedule(pInit, it, queries);
                double[] proposal = norm == Norm.LINF ? proposeLinf(best, active, p) : proposeL2(best, active, p);
                double[] candidate = margins(proposal, active);
                for (int a = 0; a < active.length; a++) {
                    int i = active[a];
                    if (candidate[a] < margin[i]) {
                        margin[i] = candidate[a];
                        System.arraycopy(proposal, a * per, best, i * per, per);
                    }
                }
                used++;
            }
            NDManager m = like.getManager();
            return m.create(best, like.getShape()).toType(like.getDataType(), false);
        }

        /** Linf start: every column of every channel shifted by ±ε. */
        private double[] stripes() {
            double[] out = new double[n * per];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int col = 0; col < w; col++) {
                        double sign = random.nextBoolean() ? eps : -eps;
                        for (int row = 0; row < h; row++) {
                            int j = (ch * h + row) * w + col;
                            out[i * per + j] = clip(x[i * per + j] + sign, j);
                        }
                    }
                }
            }
            return out;
        }

        /** L2 start: a grid of pseudo-Gaussian blocks of side h/5 with random signs, scaled to norm ε. */
        private double[] gaussianGrid() {
            double[] delta = new double[n * per];
            int s = Math.max(h / 5, 1);
            int start = (h - s * 5) / 2;
            for (int i = 0; i < n; i++) {
                for (int vh = Math.max(start, 0); vh + s <= h; vh += s) {
                    for (int vw = Math.max(start, 0); vw + s <= w; vw += s) {
                        double[] eta = eta(s, s);
                        for (int ch = 0; ch < c; ch++) {
                            double sign = random.nextBoolean() ? 1 : -1;
                            for (int r = 0; r < s; r++) {
                                for (int q = 0; q < s; q++) {
                                    delta[i * per + (ch * h + vh + r) * w + vw + q] += sign * eta[r * s + q];
                                }
                            }
                        }
                    }
                }
            }
            return fromDelta(delta, all());
        }

        /** Linf proposal: one s×s window per sample set to the ±ε vertex (a sign per channel). */
        private double[] proposeLinf(double[] best, int[] active, double p) {
            int s = Math.min(Math.max((int) Math.round(Math.sqrt(p * per / c)), 1), Math.min(h, w));
            double[] out = new double[active.length * per];
            for (int a = 0; a < active.length; a++) {
                int i = active[a];
                System.arraycopy(best, i * per, out, a * per, per);
                int vh = random.nextInt(h - s + 1);
                int vw = random.nextInt(w - s + 1);
                for (int tries = 0; tries < 10; tries++) {
                    boolean changed = false;
                    for (int ch = 0; ch < c; ch++) {
                        double sign = random.nextBoolean() ? eps : -eps;
                        for (int r = 0; r < s; r++) {
                            for (int q = 0; q < s; q++) {
                                int j = (ch * h + vh + r) * w + vw + q;
                                double v = clip(x[i * per + j] + sign, j);
                                changed |= Math.abs(v - best[i * per + j]) > 1e-7;
                                out[a * per + j] = v;
                            }
                        }
                    }
                    if (changed) {
                        break;
                    }
                }
            }
            return out;
        }

        /**
         * L2 proposal: a new pseudo-Gaussian block in one s×s window (added to the old content of that
         * window, renormalised), another window zeroed so the freed budget moves to the first one.
         */
        private double[] proposeL2(double[] best, int[] active, double p) {
            int s = Math.max((int) Math.round(Math.sqrt(p * per / c)), 3);
            if (s % 2 == 0) {
                s++;
            }
            s = Math.min(s, Math.min(h, w));
            double[] delta = new double[active.length * per];
            for (int a = 0; a < active.length; a++) {
                int i = active[a];
                int o = a * per;
                for (int j = 0; j < per; j++) {
                    delta[o + j] = best[i * per + j] - x[i * per + j];
                }
                int vh = random.nextInt(h - s + 1);
                int vw = random.nextInt(w - s + 1);
                int vh2 = random.nextInt(h - s + 1);
                int vw2 = random.nextInt(w - s + 1);
                double image = 0;
                double windows = 0;
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < h; r++) {
                        for (int q = 0; q < w; q++) {
                            double d = delta[o + (ch * h + r) * w + q];
                            image += d * d;
                            boolean in1 = r >= vh && r < vh + s && q >= vw && q < vw + s;
                            boolean in2 = r >= vh2 && r < vh2 + s && q >= vw2 && q < vw2 + s;
                            if (in1 || in2) {
                                windows += d * d;
                            }
                        }
                    }
                }
                double[] eta = eta(s, s);
                double[] block = new double[c * s * s];
                double blockSq = 0;
                for (int ch = 0; ch < c; ch++) {
                    double old = 0;
                    for (int r = 0; r < s; r++) {
                        for (int q = 0; q < s; q++) {
                            double d = delta[o + (ch * h + vh + r) * w + vw + q];
                            old += d * d;
                        }
                    }
                    old = Math.sqrt(old) + 1e-12;
                    double sign = random.nextBoolean() ? 1 : -1;
                    for (int r = 0; r < s; r++) {
                        for (int q = 0; q < s; q++) {
                            double v = sign * eta[r * s + q] + delta[o + (ch * h + vh + r) * w + vw + q] / old;
                            block[(ch * s + r) * s + q] = v;
                            blockSq += v * v;
                        }
                    }
                }
                double target = Math.sqrt(Math.max(eps * eps - image, 0) / c + windows);
                double scale = target / (Math.sqrt(blockSq) + 1e-12);
                for (int ch = 0; ch < c; ch++) {
                    for (int r = 0; r < s; r++) {
                        for (int q = 0; q < s; q++) {
                            delta[o + (ch * h + vh2 + r) * w + vw2 + q] = 0;
                        }
                    }
                    for (int r = 0; r < s; r++) {
                        for (int q = 0; q < s; q++) {
                            delta[o + (ch * h + vh + r) * w + vw + q] = block[(ch * s + r) * s + q] * scale;
                        }
                    }
                }
            }
            return fromDelta(delta, active);
        }

        /** x + ε·δ/‖δ‖₂ per sample, clipped into the box. */
        private double[] fromDelta(double[] delta, int[] rows) {
            double[] out = new double[rows.length * per];
            for (int a = 0; a < rows.length; a++) {
                int i = rows[a];
                double sq = 0;
                for (int j = 0; j < per; j++) {
                    sq += delta[a * per + j] * delta[a * per + j];
                }
                double scale = eps / (Math.sqrt(sq) + 1e-12);
                for (int j = 0; j < per; j++) {
                    out[a * per + j] = clip(x[i * per + j] + delta[a * per + j] * scale, j);
                }
            }
            return out;
        }

        /** The margins of the candidate images {@code images} (rows of {@code rows}): one query each. */
        private double[] margins(double[] images, int[] rows) {
            double[] logits;
            try (NDScope scope = new NDScope()) {
                NDArray batch = like.getManager().create(images, new Shape(rows.length).addAll(like.getShape().slice(1)))
                        .toType(like.getDataType(), false);
                logits = Batches.doubles(Autograd.notRecording(() -> model.logits(batch)));
            }
            int k = logits.length / rows.length;
            double[] margin = new double[rows.length];
            for (int a = 0; a < rows.length; a++) {
                int label = (int) y[rows[a]];
                double other = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    if (j != label) {
                        other = Math.max(other, logits[a * k + j]);
                    }
                }
                margin[a] = logits[a * k + label] - other;
            }
            return margin;
        }

        private int[] robust(double[] margin) {
            boolean[] fooled = new boolean[n];
            for (int i = 0; i < n; i++) {
                fooled[i] = margin[i] < 0;
            }
            return Batches.where(fooled, false);
        }

        private int[] all() {
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            return rows;
        }

        private double clip(double v, int j) {
            return Math.min(Math.max(v, lo[j]), hi[j]);
        }

        /**
         * The paper's pseudo-Gaussian block of {@code rows}×{@code cols}: nested rectangles with weights
         * 1/(k+1)², the top half positive and the bottom half negative, unit L2 norm; transposed with
         * probability 1/2.
         */
        private double[] eta(int rows, int cols) {
            double[] out = new double[rows * cols];
            double[] top = rectangles(rows / 2, cols);
            double[] bottom = rectangles(rows - rows / 2, cols);
            System.arraycopy(top, 0, out, 0, top.length);
            for (int k = 0; k < bottom.length; k++) {
                out[top.length + k] = -bottom[k];
            }
            normalise(out);
            if (rows == cols && random.nextBoolean()) {
                double[] t = new double[out.length];
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < cols; q++) {
                        t[q * rows + r] = out[r * cols + q];
                    }
                }
                out = t;
            }
            return out;
        }

        private static double[] rectangles(int rows, int cols) {
            double[] out = new double[rows * cols];
            if (rows == 0) {
                return out;
            }
            int xc = rows / 2 + 1;
            int yc = cols / 2 + 1;
            int r0 = xc - 1;
            int c0 = yc - 1;
            for (int k = 0; k < Math.max(xc, yc); k++) {
                for (int r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, rows); r++) {
                    for (int q = Math.max(c0, 0); q < Math.min(c0 + 2 * k + 1, cols); q++) {
                        out[r * cols + q] += 1.0 / ((k + 1) * (k + 1));
                    }
                }
                r0--;
                c0--;
            }
            normalise(out);
            return out;
        }

        private static void normalise(double[] v) {
            double sq = 0;
            for (double d : v) {
                sq += d * d;
            }
            double norm = Math.sqrt(sq);
            if (norm > 0) {
                for (int k = 0; k < v.length; k++) {
                    v[k] /= norm;
                }
            }
        }

        private static double[] toDouble(float[] values) {
            double[] out = new double[values.length];
            for (int k = 0; k < values.length; k++) {
                out[k] = values[k];
            }
            return out;
        }
    }

    /** The paper's schedule of the window's area fraction, rescaled to a 10,000-query budget. */
    static double schedule(double pInit, int iteration, int queries) {
        int it = (int) ((long) iteration * 10000 / queries);
        if (it <= 10) {
            return pInit;
        } else if (it <= 50) {
            return pInit / 2;
        } else if (it <= 200) {
            return pInit / 4;
        } else if (it <= 500) {
            return pInit / 8;
        } else if (it <= 1000) {
            return pInit / 16;
        } else if (it <= 2000) {
            return pInit / 32;
        } else if (it <= 4000) {
            return pInit / 64;
        } else if (it <= 6000) {
            return pInit / 128;
        } else if (it <= 8000) {
            return pInit / 256;
        }
        return pInit / 512;
    }
}
