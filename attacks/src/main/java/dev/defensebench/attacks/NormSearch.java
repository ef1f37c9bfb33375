package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Norm;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * The state shared by the min-norm attacks that adapt a norm budget while stepping along the normalised
 * gradient (FMN, DDN): the perturbation δ (kept in the box), per sample the smallest adversarial δ so far,
 * and the largest useful norm (the farthest corner of the box). Each iteration runs in the caller's
 * {@link ai.djl.ndarray.NDScope}; the arrays that carry over are kept past it.
 */
final class NormSearch implements AutoCloseable {

    /** Loss values, per-sample misclassification and the loss's input gradient at x + δ. */
    record Probe(double[] loss, boolean[] adversarial, NDArray gradient) {}

    private final Classifier model;
    private final NDArray x;
    private final NDArray labels;
    private final Norm norm;
    private final Carried carried = new Carried();
    private final int n;
    private final NDArray lo;
    private final NDArray hi;
    private NDArray delta;
    private NDArray bestDelta;
    final double[] bestNorm;
    final double[] worstNorm;

    NormSearch(Classifier model, NDArray x, NDArray labels, Norm norm) {
        this.model = model;
        this.x = x;
        this.labels = labels;
        this.norm = norm;
        this.n = (int) x.getShape().get(0);
        NDManager m = x.getManager();
        Shape batched = new Shape(1).addAll(model.sampleShape());
        this.lo = m.create(model.box().lower(), batched).toType(x.getDataType(), false);
        this.hi = m.create(model.box().upper(), batched).toType(x.getDataType(), false);
        this.worstNorm = Batches.doubles(norm.perSample(x.sub(lo).maximum(hi.sub(x))));
        this.bestNorm = worstNorm.clone();
        this.delta = x.zerosLike();
        this.bestDelta = x.zerosLike();
        carried.keep(delta, bestDelta);
    }

    /**
     * The per-sample loss {@code loss(logits, labels)} at x + δ and its gradient (summed over the batch, so
     * each sample's gradient is its own); misclassification from the same logits.
     */
    Probe probe(BiFunction<NDArray, NDArray, NDArray> loss) {
        NDArray[] out = Autograd.recording(() -> {
            NDArray leaf = Autograd.leaf(x.add(delta));
            NDArray logits = model.logits(leaf);
            NDArray values = loss.apply(logits, labels);
            return new NDArray[] {values.stopGradient(), logits.stopGradient(), Autograd.gradient(values.sum(), leaf, false)};
        });
        long[] predicted = out[1].argMax(1).toLongArray();
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        boolean[] wrong = new boolean[n];
        for (int i = 0; i < n; i++) {
            wrong[i] = predicted[i] != truth[i];
        }
        return new Probe(Batches.doubles(out[0]), wrong, out[2]);
    }

    /** The current δ's per-sample norm. */
    double[] deltaNorm() {
        return Batches.doubles(norm.perSample(delta));
    }

    /** The current δ. */
    NDArray delta() {
        return delta;
    }

    /** Records δ as the best of the samples where it is adversarial and (strictly, or not) smaller. */
    void record(boolean[] adversarial, double[] size, boolean strictly) {
        boolean[] better = new boolean[n];
        for (int i = 0; i < n; i++) {
            better[i] = adversarial[i] && (strictly ? size[i] < bestNorm[i] : size[i] <= bestNorm[i]);
            bestNorm[i] = better[i] ? size[i] : bestNorm[i];
        }
        NDArray next = Checks.select(better, delta, bestDelta);
        if (next != bestDelta) {
            bestDelta = next == delta ? delta.duplicate() : next;
            carried.keep(bestDelta);
            carried.release(delta, bestDelta);
        }
    }

    /**
     * {@code gradient} divided by its per-sample L2 norm; a zero gradient stays zero, or (with a {@code
     * random}) becomes a random normal direction.
     */
    NDArray unitL2(NDArray gradient, Random random) {
        double[] size = Batches.doubles(Norm.L2.perSample(gradient));
        double[] scale = new double[n];
        boolean anyZero = false;
        for (int i = 0; i < n; i++) {
            scale[i] = 1 / Math.max(size[i], 1e-12);
            anyZero |= size[i] == 0;
        }
        NDArray unit = gradient.mul(Batches.perSample(scale, gradient));
        if (!anyZero || random == null) {
            return unit;
        }
        int per = (int) (gradient.getShape().size() / n);
        double[] values = Batches.doubles(unit.reshape(-1));
        for (int i = 0; i < n; i++) {
            if (size[i] == 0) {
                for (int j = 0; j < per; j++) {
                    values[i * per + j] = random.nextGaussian();
                }
            }
        }
        return x.getManager().create(values, gradient.getShape()).toType(gradient.getDataType(), false);
    }

    /** {@code d} times a per-sample {@code factor}. */
    static NDArray scaled(NDArray d, double[] factor) {
        return d.mul(Batches.perSample(factor, d));
    }

    /**
     * {@code direction} with the components that would move x + δ out of the box zeroed: those where x + δ
     * sits on the lower bound and the direction decreases it, or on the upper bound and it increases it.
     */
    NDArray feasible(NDArray direction) {
        NDArray at = x.add(delta);
        NDArray lowStuck = at.lte(lo).logicalAnd(direction.lt(0));
        NDArray highStuck = at.gte(hi).logicalAnd(direction.gt(0));
        return direction.mul(lowStuck.logicalOr(highStuck).logicalNot().toType(direction.getDataType(), false));
    }

    /** Sets δ to {@code next}, clipped so that x + δ stays in the box. */
    void setDelta(NDArray next) {
        NDArray clipped = model.box().clip(x.add(next)).sub(x);
        carried.keep(clipped);
        delta = clipped;
        carried.release(delta, bestDelta);
    }

    /** x + the smallest adversarial δ found (x where none was), outside any iteration scope. */
    NDArray result() {
        return x.add(bestDelta);
    }

    @Override
    public void close() {
        carried.close();
    }
}
