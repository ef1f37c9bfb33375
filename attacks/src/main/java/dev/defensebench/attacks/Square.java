package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.TorchScript;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Square Attack (Andriushchenko et al. 2020), Linf and L2, as Croce and Hein's AutoAttack implements it
 * ({@code autoattack/square.py}, margin loss): a score-based black-box random search that needs only the
 * logits (no gradients, so it also scores non-differentiable models). It starts from vertical stripes
 * (Linf) or a grid of pseudo-Gaussian blocks (L2) on the ε-sphere, then runs {@code queries} rounds; each
 * round proposes a change of one random square window (one position for the whole batch, its side
 * shrinking on the schedule of {@code p_init}) to every sample still robust and keeps a sample's proposal
 * when its margin {@code z_y − max_{k≠y} z_k} decreases or it is misclassified; a sample stops at its
 * first misclassification. Each round is one model forward on the robust samples and one call of a
 * TorchScript method ({@link SquareScript}); the random numbers come from the seeded {@link Random}.
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
                ParamSpec.ofDouble("p_init", 0.8, "initial fraction of the image a square window covers"),
                ParamSpec.ofBoolean("rescale_schedule", true, "stretch the window schedule (written for 10,000 "
                        + "rounds) to 'queries' rounds, as the original's default; AutoAttack runs it unstretched"));
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
        if (!(x instanceof PtNDArray)) {
            throw new IllegalArgumentException("square: needs arrays of DJL's PyTorch engine, found " + x.getClass().getName());
        }
        Schedule schedule = new Schedule(pInit, queries, params.getBoolean("rescale_schedule"));
        return new Search(model, x, labels, norm, eps, random, schedule).run();
    }

    /**
     * The window's area fraction p of round {@code it} (0-based), Croce and Hein's {@code p_selection}:
     * {@code p_init} halved at rounds 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of a 10,000-round
     * schedule, which {@code rescale} stretches to {@code queries} rounds.
     */
    record Schedule(double pInit, int queries, boolean rescale) {

        private static final int[] STEPS = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};

        double p(int it) {
            int at = rescale ? (int) ((double) it / queries * 10000) : it;
            double p = pInit;
            for (int step : STEPS) {
                if (at > step) {
                    p /= 2;
                }
            }
            return p;
        }

        /** The window's side in round {@code it} for images of {@code c} channels of {@code h}×{@code w}. */
        int side(int it, Norm norm, int c, int h, int w) {
            int s = (int) Math.rint(Math.sqrt(p(it) * (c * h * w) / c)); // round() of Python 3: half to even
            if (norm == Norm.LINF) {
                s = Math.max(s, 1);
            } else {
                s = Math.max(s, 3);
                s += s % 2 == 0 ? 1 : 0;
            }
            return Math.min(s, Math.min(h, w));
        }
    }

    /** One search over a batch: the state tensors, held by the TorchScript state list. */
    private static final class Search {
        /** Rounds of random numbers drawn at a time. */
        private static final int CHUNK = 250;

        private final Classifier model;
        private final NDArray like;
        private final NDArray labels;
        private final Norm norm;
        private final double eps;
        private final Random random;
        private final Schedule schedule;
        private final int n;
        private final int c;
        private final int h;
        private final int w;
        private final TorchScript script = SquareScript.module();

        Search(Classifier model, NDArray inputs, NDArray labels, Norm norm, double eps, Random random, Schedule schedule) {
            this.model = model;
            this.like = inputs;
            this.labels = labels;
            this.norm = norm;
            this.eps = eps;
            this.random = random;
            this.schedule = schedule;
            Shape s = inputs.getShape();
            n = (int) s.get(0);
            Shape sample = s.slice(1);
            // images are (C, H, W); anything else is treated as one channel of one row
            c = sample.dimension() == 3 ? (int) sample.get(0) : 1;
            h = sample.dimension() == 3 ? (int) sample.get(1) : sample.dimension() == 2 ? (int) sample.get(0) : 1;
            w = (int) (sample.size() / ((long) c * h));
        }

        NDArray run() {
            NDManager m = like.getManager();
            DataType type = like.getDataType();
            Shape image = new Shape(c, h, w);
            InputBox box = model.box();
            try (NDScope scope = new NDScope()) {
                NDArray[] state = new NDArray[SquareScript.SIZE];
                state[SquareScript.X] = like.reshape(new Shape(n).addAll(image));
                NDArray best = state[SquareScript.X].duplicate();
                state[SquareScript.BEST] = best;
                state[SquareScript.MARGIN] = m.full(new Shape(n), Float.POSITIVE_INFINITY, type);
                state[SquareScript.Y] = labels.toType(DataType.INT64, false);
                state[SquareScript.LO] = m.create(box.lower(), image).toType(type, false);
                state[SquareScript.HI] = m.create(box.upper(), image).toType(type, false);
                state[SquareScript.ACTIVE] = m.zeros(new Shape(0), DataType.INT64);
                state[SquareScript.PENDING] = m.zeros(new Shape(0), type);
                state[SquareScript.TABLE] = m.zeros(new Shape(0), DataType.FLOAT32);
                state[SquareScript.ETAS] = m.zeros(new Shape(0), DataType.FLOAT32);
                state[SquareScript.SIGNS] = m.zeros(new Shape(0), DataType.FLOAT32);
                state[SquareScript.COUNTER] = m.create(new long[] {0, 0, schedule.queries()});
                state[SquareScript.EPS] = m.create(new double[] {eps});
                state[SquareScript.WINDOW] = m.zeros(new Shape(3), DataType.INT64);
                state[SquareScript.BEFORE] = m.zeros(new Shape(0), type);
                try (IValue list = IValue.listFrom(Arrays.stream(state).map(a -> (PtNDArray) a)
                                .toArray(PtNDArray[]::new));
                        IValue linf = IValue.from(norm == Norm.LINF)) {
                    search(list, linf);
                }
                NDArray out = best.reshape(like.getShape());
                NDScope.unregister(out);
                return out;
            }
        }

        /** The rounds: a forward on the pending proposals, then one step (accept, propose) until none remain. */
        private void search(IValue state, IValue linf) {
            NDArray proposal = norm == Norm.LINF ? linfStart(state) : l2Start(state);
            NDScope.unregister(proposal);
            try {
                for (int round = 0; proposal.getShape().get(0) > 0; round++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray pending = proposal;
                        NDArray batch = pending.getShape().dimension() == like.getShape().dimension() ? pending
                                : pending.reshape(new Shape(pending.getShape().get(0)).addAll(like.getShape().slice(1)));
                        NDArray logits = Autograd.notRecording(() -> model.logits(batch));
                        if (round % CHUNK == 0 && round < schedule.queries()) {
                            refill(state, round);
                        }
                        proposal = call("step", new IValue[] {state, linf}, IValue.from((PtNDArray) logits));
                        NDScope.unregister(proposal);
                        pending.close();
                    }
                }
            } finally {
                proposal.close();
            }
        }

        /** Linf start: every column of every channel of every sample shifted by ±ε. */
        private NDArray linfStart(IValue state) {
            float[] signs = new float[n * c * w];
            for (int k = 0; k < signs.length; k++) {
                signs[k] = sign();
            }
            NDArray t = like.getManager().create(signs, new Shape(n, c, 1, w));
            return call("linfStart", new IValue[] {state}, IValue.from((PtNDArray) t));
        }

        /** L2 start: a grid of pseudo-Gaussian blocks of side h/5 (one per cell) with signs per sample and channel. */
        private NDArray l2Start(IValue state) {
            int s = Math.max(h / 5, 1);
            int start = (h - s * 5) / 2;
            List<Long> corners = new ArrayList<>();
            for (int i = 0; i < h / s; i++) {
                for (int j = 0; j < w / s; j++) {
                    if (start + i * s < h && start + j * s < w) {
                        corners.add((long) (start + i * s));
                        corners.add((long) (start + j * s));
                    }
                }
            }
            int blocks = corners.size() / 2;
            float[] etas = new float[blocks * s * s];
            float[] signs = new float[blocks * n * c];
            for (int b = 0; b < blocks; b++) {
                System.arraycopy(PseudoGaussianBlock.of(s, random), 0, etas, b * s * s, s * s);
                for (int k = 0; k < n * c; k++) {
                    signs[b * n * c + k] = sign();
                }
            }
            NDManager m = like.getManager();
            return call("l2Start", new IValue[] {state}, IValue.from((PtNDArray) m.create(etas, new Shape(blocks, s, s))),
                    IValue.from((PtNDArray) m.create(signs, new Shape(blocks, n, c))),
                    IValue.listFrom(corners.stream().mapToLong(Long::longValue).toArray()));
        }

        /** The random numbers of rounds {@code from} to {@code from + CHUNK} (at most the budget). */
        private void refill(IValue state, int from) {
            int rounds = Math.min(CHUNK, schedule.queries() - from);
            boolean linf = norm == Norm.LINF;
            int width = linf ? 3 + c : 5;
            int side = Math.min(h, w);
            float[] table = new float[rounds * width];
            float[] etas = new float[linf ? 0 : rounds * side * side];
            float[] signs = new float[linf ? 0 : rounds * n * c];
            for (int r = 0; r < rounds; r++) {
                int s = schedule.side(from + r, norm, c, h, w);
                int o = r * width;
                table[o] = s;
                table[o + 1] = position(h - s);
                table[o + 2] = position(w - s);
                if (linf) {
                    for (int ch = 0; ch < c; ch++) {
                        table[o + 3 + ch] = sign();
                    }
                    continue;
                }
                table[o + 3] = position(h - s);
                table[o + 4] = position(w - s);
                float[] eta = PseudoGaussianBlock.of(s, random);
                for (int q = 0; q < s; q++) {
                    System.arraycopy(eta, q * s, etas, (r * side + q) * side, s);
                }
                for (int k = 0; k < n * c; k++) {
                    signs[r * n * c + k] = sign();
                }
            }
            // the state list keeps these past this round: copies that libtorch owns (create() wraps a Java
            // buffer that is freed when the array is closed)
            NDManager m = like.getManager();
            NDArray t = m.create(table, new Shape(rounds, width)).duplicate();
            NDArray e = linf ? m.zeros(new Shape(0)) : m.create(etas, new Shape(rounds, side, side)).duplicate();
            NDArray g = linf ? m.zeros(new Shape(0)) : m.create(signs, new Shape(rounds, n, c)).duplicate();
            invoke("refill", new IValue[] {state}, IValue.from((PtNDArray) t), IValue.from((PtNDArray) e),
                    IValue.from((PtNDArray) g)).close();
        }

        /** Runs {@code method} on {@code kept} (left open) then {@code owned} (closed after) and returns its tensor. */
        private NDArray call(String method, IValue[] kept, IValue... owned) {
            try (IValue result = invoke(method, kept, owned)) {
                return result.toTensor((PtNDManager) like.getManager());
            }
        }

        private IValue invoke(String method, IValue[] kept, IValue... owned) {
            IValue[] all = new IValue[kept.length + owned.length];
            System.arraycopy(kept, 0, all, 0, kept.length);
            System.arraycopy(owned, 0, all, kept.length, owned.length);
            try {
                return script.run(method, all);
            } finally {
                for (IValue value : owned) {
                    value.close();
                }
            }
        }

        /** A uniform window corner in [0, range) (0 when range is 0), as {@code random_int(0, range)}. */
        private int position(int range) {
            return (int) (range * random.nextDouble());
        }

        private float sign() {
            return random.nextBoolean() ? 1f : -1f;
        }
    }
}
