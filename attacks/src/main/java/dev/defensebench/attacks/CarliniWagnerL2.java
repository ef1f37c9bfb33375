package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import dev.defensebench.autograd.Scalars;

/**
 * Carlini and Wagner's L2 attack (2017), min-norm: the box is removed by the change of variables
 * {@code x = lo + (hi − lo)(tanh(w) + 1)/2}, and Adam minimises {@code ‖x − x₀‖₂² + c·max(z_y −
 * max_{k≠y} z_k, −κ)} over w; a binary search per sample over the constant c (×10 until the first
 * success, then bisection) keeps the smallest misclassified x found over all iterations.
 */
public final class CarliniWagnerL2 extends MinNormAttack {

    @Override
    public String name() {
        return "cw-l2";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.minNorm("C&W L2", "steps", false);
    }

    @Override
    public String description() {
        return "Carlini & Wagner L2 (2017), min-norm: tanh box, binary search over c, confidence kappa";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("steps", 100, "Adam steps per binary-search step"),
                ParamSpec.ofInt("binary_search_steps", 9, "binary-search steps over the constant c"),
                ParamSpec.ofDouble("initial_const", 0.01, "the first constant c"),
                ParamSpec.ofDouble("confidence", 0.0, "kappa: the margin the adversarial class must win by"),
                ParamSpec.ofDouble("learning_rate", 0.01, "Adam step size in tanh space"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.L2);
    }

    @Override
    protected NDArray findAdversarial(
            Classifier model, NDArray x, NDArray labels, Norm norm, Hyperparameters params, long seed) {
        Checks.requireGradients(this, model);
        int steps = params.getInt("steps");
        int searches = params.getInt("binary_search_steps");
        double kappa = params.getDouble("confidence");
        double lr = params.getDouble("learning_rate");
        double c0 = params.getDouble("initial_const");
        if (steps < 1 || searches < 1 || !(lr > 0) || !(c0 > 0) || !(kappa >= 0)) {
            throw new IllegalArgumentException("cw-l2: need steps >= 1, binary_search_steps >= 1, learning_rate > 0, "
                    + "initial_const > 0, confidence >= 0; found " + params);
        }
        int n = (int) x.getShape().get(0);
        InputBox box = model.box();
        NDArray lo = box.clip(x.getManager().full(x.getShape(), Float.NEGATIVE_INFINITY, x.getDataType()));
        NDArray hi = box.clip(x.getManager().full(x.getShape(), Float.POSITIVE_INFINITY, x.getDataType()));
        NDArray half = hi.sub(lo).mul(0.5);
        NDArray range = hi.sub(lo).maximum(1e-12);
        NDArray u = x.sub(lo).div(range).mul(2).sub(1).clip(-1 + 1e-6, 1 - 1e-6);
        NDArray w0 = u.add(1).div(u.neg().add(1)).log().mul(0.5); // atanh(u), which DJL's PyTorch engine lacks
        double[] c = new double[n];
        Arrays.fill(c, c0);
        double[] lower = new double[n];
        double[] upper = new double[n];
        Arrays.fill(upper, Double.POSITIVE_INFINITY);
        double[] bestNorm = new double[n];
        Arrays.fill(bestNorm, Double.POSITIVE_INFINITY);
        NDArray best = x.duplicate();
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        try (Carried carry = new Carried()) {
            for (int search = 0; search < searches; search++) {
                NDArray w = w0;
                NDArray m = w.zerosLike();
                NDArray v = w.zerosLike();
                boolean[] succeeded = new boolean[n];
                NDArray constants = Batches.perSample(c, x).reshape(n);
                for (int t = 1; t <= steps; t++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray tanh = w.tanh();
                        NDArray point = lo.add(tanh.add(1).mul(half));
                        NDArray[] margin = new NDArray[1];
                        NDArray hinge = model.inputGradient(point, logits -> {
                            NDArray z = Batches.margin(logits, labels);
                            margin[0] = z.stopGradient().stack(logits.stopGradient().argMax(1).toType(z.getDataType(), false));
                            return z.add(kappa).maximum(Scalars.of(z, 0)).mul(constants).sum();
                        });
                        NDArray delta = point.sub(x);
                        NDArray gradX = delta.mul(2).add(hinge);
                        NDArray gradW = gradX.mul(half).mul(tanh.square().neg().add(1));
                        m = m.mul(0.9).add(gradW.mul(0.1));
                        v = v.mul(0.999).add(gradW.square().mul(0.001));
                        NDArray mHat = m.div(1 - Math.pow(0.9, t));
                        NDArray vHat = v.div(1 - Math.pow(0.999, t));
                        double[] norms = Batches.doubles(Norm.L2.perSample(delta));
                        double[] info = Batches.doubles(margin[0]);
                        boolean[] improved = new boolean[n];
                        for (int i = 0; i < n; i++) {
                            boolean wrong = Math.round(info[n + i]) != truth[i];
                            boolean adversarial = wrong && info[i] <= -kappa;
                            if (adversarial) {
                                succeeded[i] = true;
                                if (norms[i] < bestNorm[i]) {
                                    bestNorm[i] = norms[i];
                                    improved[i] = true;
                                }
                            }
                        }
                        best = Checks.select(improved, point, best);
                        w = w.sub(mHat.div(vHat.sqrt().add(1e-8)).mul(lr));
                        carry.keep(w, m, v, best);
                    }
                    carry.release(w, m, v, best);
                }
                for (int i = 0; i < n; i++) {
                    if (succeeded[i]) {
                        upper[i] = Math.min(upper[i], c[i]);
                        c[i] = (lower[i] + upper[i]) / 2;
                    } else {
                        lower[i] = Math.max(lower[i], c[i]);
                        c[i] = Double.isInfinite(upper[i]) ? c[i] * 10 : (lower[i] + upper[i]) / 2;
                    }
                }
            }
            return best.duplicate();
        }
    }
}
