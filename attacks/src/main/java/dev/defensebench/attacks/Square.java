package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.ArrayList;
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

    /** False: score-based: logits only. */
    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    public String name() {
        return "square";
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

    /**
     * One search over a batch, on the engine's device. The samples still robust form one compacted
     * sub-batch; every query proposes a window for all of them at once (window masks from index
     * comparisons, no per-sample loop) and one forward pass scores the proposals; a sample leaves the
     * sub-batch as soon as it is fooled, so its queries stop. Window positions and signs are drawn on the
     * host from {@code random} (a few numbers per sample and query), as are the starting points.
     */
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
        private final NDArray lower;
        private final NDArray upper;
        private final NDArray rowIndex;
        private final NDArray colIndex;
        private final NDArray labels;

        /** The samples still robust: their global indices, clean inputs, best points, margins and labels. */
        private final class Active {
            int[] ids;
            NDArray x;
            NDArray best;
            NDArray margin;
            NDArray y;
            final List<int[]> doneIds = new ArrayList<>();
            final List<NDArray> doneRows = new ArrayList<>();

            /** Moves the fooled samples (margin < 0) out of the sub-batch. */
            void settle() {
                try (NDScope scope = new NDScope()) {
                    NDArray fooled = margin.lt(0);
                    if (!fooled.any().getBoolean()) {
                        return;
                    }
                    boolean[] flags = fooled.toBooleanArray();
                    int[] out = Batches.where(flags, true);
                    int[] keep = Batches.where(flags, false);
                    doneIds.add(java.util.Arrays.stream(out).map(a -> ids[a]).toArray());
                    doneRows.add(keep(Batches.rows(best, out)));
                    int[] kept = java.util.Arrays.stream(keep).map(a -> ids[a]).toArray();
                    replace(kept, Batches.rows(x, keep), Batches.rows(best, keep), Batches.rows(margin, keep), Batches.rows(y, keep));
                }
            }

            /** Takes new state arrays (moved out of the current scope), freeing the old ones. */
            void replace(int[] newIds, NDArray newX, NDArray newBest, NDArray newMargin, NDArray newY) {
                NDArray[] old = {x, best, margin, y, label, others, up, down};
                boolean moved = newX != x;
                ids = newIds;
                x = keep(newX);
                best = keep(newBest);
                margin = keep(newMargin);
                y = keep(newY);
                if (moved) { // per sub-batch constants: the label column, a mask that hides it, the two Linf vertices
                    label = keep(y.reshape(-1, 1));
                    others = keep(y.oneHot(model.numClasses()).toType(x.getDataType(), false).mul(-1e30f));
                    up = keep(clip(x.add(eps)));
                    down = keep(clip(x.sub(eps)));
                }
                for (NDArray a : old) {
                    if (a != null && a != x && a != best && a != margin && a != y && a != label && a != others
                            && a != up && a != down) {
                        a.close();
                    }
                }
            }

            NDArray label;
            NDArray others;
            NDArray up;
            NDArray down;

            /** The margins z_y − max_{k≠y} z_k of {@code images} (one per active sample): one query each. */
            NDArray margins(NDArray images) {
                NDArray z = Autograd.notRecording(() -> model.logits(images.reshape(
                        new Shape(images.getShape().get(0)).addAll(like.getShape().slice(1)))));
                return z.gather(label, 1).reshape(-1).sub(z.add(others).max(new int[] {1}));
            }

            /** Every sample's best point, in the batch's order. */
            NDArray result() {
                doneIds.add(ids);
                doneRows.add(best);
                int[] order = doneIds.stream().flatMapToInt(java.util.Arrays::stream).toArray();
                int[] where = new int[order.length];
                for (int k = 0; k < order.length; k++) {
                    where[order[k]] = k;
                }
                NDArray rows = doneRows.size() == 1 ? doneRows.get(0) : NDArrays.concat(new NDList(doneRows));
                return Batches.rows(rows, where);
            }
        }

        Search(Classifier model, NDArray inputs, NDArray labels, Norm norm, double eps, Random random) {
            this.model = model;
            this.like = inputs;
            this.norm = norm;
            this.eps = eps;
            this.random = random;
            Shape s = inputs.getShape();
            n = (int) s.get(0);
            int per = (int) (s.size() / n);
            Shape sample = s.slice(1);
            // images are (C, H, W); anything else is treated as one channel of one row
            c = sample.dimension() == 3 ? (int) sample.get(0) : 1;
            h = sample.dimension() == 3 ? (int) sample.get(1) : sample.dimension() == 2 ? (int) sample.get(0) : 1;
            w = per / (c * h);
            NDManager m = inputs.getManager();
            InputBox box = model.box();
            lower = m.create(box.lower(), new Shape(1, c, h, w)).toType(inputs.getDataType(), false);
            upper = m.create(box.upper(), new Shape(1, c, h, w)).toType(inputs.getDataType(), false);
            rowIndex = m.arange(h).toType(DataType.INT64, false).reshape(1, 1, h, 1);
            colIndex = m.arange(w).toType(DataType.INT64, false).reshape(1, 1, 1, w);
            this.labels = labels.toType(DataType.INT64, true); // a copy: the search frees the arrays it replaces
        }

        NDArray run(int queries, double pInit) {
            NDArray clean = like.reshape(n, c, h, w);
            NDArray start = norm == Norm.LINF ? stripes(clean) : fromDelta(gaussianGrid(), clean);
            Active active = new Active();
            active.replace(all(), clean, start, null, labels);
            active.margin = keep(active.margins(start));
            active.settle();
            for (int it = 1, used = 1; used < queries && active.ids.length > 0; it++, used++) {
                double p = schedule(pInit, it, queries);
                try (NDScope scope = new NDScope()) {
                    NDArray proposal = norm == Norm.LINF ? proposeLinf(active, p) : proposeL2(active, p);
                    NDArray candidate = active.margins(proposal);
                    NDArray better = candidate.lt(active.margin);
                    NDArray best = where(better.reshape(-1, 1, 1, 1), proposal, active.best);
                    active.replace(active.ids, active.x, best, active.margin.minimum(candidate), active.y);
                }
                active.settle();
            }
            return active.result().reshape(like.getShape());
        }

        /** Linf start: every column of every channel shifted by ±ε. */
        private NDArray stripes(NDArray clean) {
            float[] signs = new float[n * c * w];
            for (int k = 0; k < signs.length; k++) {
                signs[k] = random.nextBoolean() ? 1f : -1f;
            }
            NDArray shift = clean.getManager().create(signs, new Shape(n, c, 1, w)).toType(clean.getDataType(), false);
            return clip(clean.add(shift.mul(eps)));
        }

        /** L2 start: a grid of pseudo-Gaussian blocks of side h/5 with random signs (the direction; scaled to ε after). */
        private NDArray gaussianGrid() {
            double[] delta = new double[n * c * h * w];
            int s = Math.max(h / 5, 1);
            int start = (h - s * 5) / 2;
            for (int i = 0; i < n; i++) {
                for (int vh = Math.max(start, 0); vh + s <= h; vh += s) {
                    for (int vw = Math.max(start, 0); vw + s <= w; vw += s) {
                        double[] eta = eta(s, s, random.nextBoolean());
                        for (int ch = 0; ch < c; ch++) {
                            double sign = random.nextBoolean() ? 1 : -1;
                            for (int r = 0; r < s; r++) {
                                for (int q = 0; q < s; q++) {
                                    delta[((i * c + ch) * h + vh + r) * w + vw + q] += sign * eta[r * s + q];
                                }
                            }
                        }
                    }
                }
            }
            return like.getManager().create(delta, new Shape(n, c, h, w)).toType(like.getDataType(), false);
        }

        /** Linf proposal: one s×s window per sample set to the ±ε vertex (a sign per channel). */
        private NDArray proposeLinf(Active a, double p) {
            int s = Math.min(Math.max((int) Math.round(Math.sqrt(p * h * w)), 1), Math.min(h, w));
            NDArray window = window(positions(a.ids.length, h - s + 1), positions(a.ids.length, w - s + 1), s)
                    .broadcast(a.x.getShape());
            NDArray proposal = where(window, vertex(a), a.best);
            // a window already at the drawn vertex changes nothing: draw its signs again (up to 10 times)
            for (int tries = 1; tries < 10; tries++) {
                NDArray changed = proposal.neq(a.best).sum(new int[] {1, 2, 3});
                if (changed.min().getLong() > 0) {
                    break;
                }
                NDArray redraw = window.logicalAnd(changed.eq(0).reshape(-1, 1, 1, 1).broadcast(a.x.getShape()));
                proposal = where(redraw, vertex(a), proposal);
            }
            return proposal;
        }

        /** Per sample, the vertex x ± ε (clipped) with a random sign per channel. */
        private NDArray vertex(Active a) {
            return where(signs(a.ids.length).gt(0), a.up, a.down);
        }

        /**
         * L2 proposal: a new pseudo-Gaussian block in one s×s window (added to the old content of that
         * window, renormalised), another window zeroed so the freed budget moves to the first one.
         */
        private NDArray proposeL2(Active a, double p) {
            int s = Math.max((int) Math.round(Math.sqrt(p * h * w)), 3);
            if (s % 2 == 0) {
                s++;
            }
            s = Math.min(s, Math.min(h, w));
            int rows = a.ids.length;
            NDArray vh = positions(rows, h - s + 1);
            NDArray vw = positions(rows, w - s + 1);
            DataType type = a.x.getDataType();
            NDArray first = window(vh, vw, s).toType(type, false);
            NDArray second = window(positions(rows, h - s + 1), positions(rows, w - s + 1), s).toType(type, false);
            NDArray delta = a.best.sub(a.x);
            NDArray squared = delta.square();
            NDArray image = squared.sum(new int[] {1, 2, 3});
            NDArray windows = squared.mul(first.maximum(second)).sum(new int[] {1, 2, 3});
            NDArray inFirst = delta.mul(first);
            NDArray old = inFirst.square().sum(new int[] {2, 3}, true).sqrt().add(1e-12); // (A, C, 1, 1)
            NDArray block = signs(rows).mul(etaMap(vh, vw, s, type).mul(first)).add(inFirst.div(old));
            NDArray target = image.neg().add(eps * eps).maximum(0).div(c).add(windows).sqrt();
            NDArray scale = target.div(block.square().sum(new int[] {1, 2, 3}).sqrt().add(1e-12)).reshape(-1, 1, 1, 1);
            NDArray outside = first.neg().add(1).mul(second.neg().add(1));
            return fromDelta(delta.mul(outside).add(block.mul(scale)), a.x);
        }

        /** x + ε·δ/‖δ‖₂ per sample, clipped into the box. */
        private NDArray fromDelta(NDArray delta, NDArray x) {
            NDArray length = delta.square().sum(new int[] {1, 2, 3}, true).sqrt().add(1e-12);
            return clip(x.add(delta.div(length).mul(eps)));
        }

        /** The s×s windows at rows {@code vh}, columns {@code vw} (each (A, 1, 1, 1)): a boolean (A, 1, H, W) mask. */
        private NDArray window(NDArray vh, NDArray vw, int s) {
            if (s != windowSide) {
                if (rowWindows != null) {
                    rowWindows.close();
                    colWindows.close();
                }
                windowSide = s;
                rowWindows = keep(bands(h, s).reshape(h - s + 1, 1, h, 1));
                colWindows = keep(bands(w, s).reshape(w - s + 1, 1, 1, w));
            }
            return rowWindows.get(new NDIndex("{}", vh.reshape(-1))).logicalAnd(colWindows.get(new NDIndex("{}", vw.reshape(-1))));
        }

        private int windowSide = -1;
        private NDArray rowWindows;
        private NDArray colWindows;

        /** Row v of the result (one per start v in [0, size − s]) is true on [v, v + s). */
        private NDArray bands(int size, int s) {
            boolean[] v = new boolean[(size - s + 1) * size];
            for (int start = 0; start + s <= size; start++) {
                java.util.Arrays.fill(v, start * size + start, start * size + start + s, true);
            }
            return like.getManager().create(v, new Shape(size - s + 1, size));
        }

        /**
         * The paper's pseudo-Gaussian s×s block placed at each sample's window (zero elsewhere is up to the
         * caller's mask), transposed for a random half of the samples: (A, 1, H, W).
         */
        private NDArray etaMap(NDArray vh, NDArray vw, int s, DataType type) {
            int rows = (int) vh.getShape().get(0);
            float[] flips = new float[rows];
            for (int k = 0; k < rows; k++) {
                flips[k] = random.nextBoolean() ? 1 : 0;
            }
            NDManager m = vh.getManager();
            NDArray r = rowIndex.sub(vh).clip(0, s - 1);
            NDArray q = colIndex.sub(vw).clip(0, s - 1);
            NDArray straight = r.mul(s).add(q);
            NDArray flipped = q.mul(s).add(r);
            NDArray flip = m.create(flips, new Shape(rows, 1, 1, 1)).gt(0);
            NDArray index = where(flip, flipped, straight);
            return m.create(eta(s, s, false)).toType(type, false).take(index);
        }

        /** Per sample, a window position in [0, bound): (A, 1, 1, 1) int64. */
        private NDArray positions(int rows, int bound) {
            long[] v = new long[rows];
            for (int k = 0; k < rows; k++) {
                v[k] = random.nextInt(bound);
            }
            return like.getManager().create(v, new Shape(rows, 1, 1, 1));
        }

        /** Per sample and channel, a random sign: (A, C, 1, 1). */
        private NDArray signs(int rows) {
            float[] v = new float[rows * c];
            for (int k = 0; k < v.length; k++) {
                v[k] = random.nextBoolean() ? 1f : -1f;
            }
            return like.getManager().create(v, new Shape(rows, c, 1, 1)).toType(like.getDataType(), false);
        }

        private NDArray clip(NDArray images) {
            return images.maximum(lower).minimum(upper);
        }

        private int[] all() {
            int[] rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = i;
            }
            return rows;
        }

        /** {@code a} where {@code condition} (broadcast to a's shape) holds, else {@code b} (shaped like a). */
        private static NDArray where(NDArray condition, NDArray a, NDArray b) {
            return NDArrays.where(condition.broadcast(a.getShape()), a, b);
        }

        /** {@code array} moved out of the current scope (the caller owns it from now on). */
        private static NDArray keep(NDArray array) {
            NDScope.unregister(array);
            return array;
        }

        /**
         * The paper's pseudo-Gaussian block of {@code rows}×{@code cols}: nested rectangles with weights
         * 1/(k+1)², the top half positive and the bottom half negative, unit L2 norm; transposed when
         * {@code transpose} (square blocks only).
         */
        private static double[] eta(int rows, int cols, boolean transpose) {
            double[] out = new double[rows * cols];
            double[] top = rectangles(rows / 2, cols);
            double[] bottom = rectangles(rows - rows / 2, cols);
            System.arraycopy(top, 0, out, 0, top.length);
            for (int k = 0; k < bottom.length; k++) {
                out[top.length + k] = -bottom[k];
            }
            normalise(out);
            if (rows == cols && transpose) {
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
