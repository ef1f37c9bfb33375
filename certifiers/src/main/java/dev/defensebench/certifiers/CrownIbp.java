package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.NotCertifiableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CROWN-IBP lower bounds of margins (Zhang et al., ICLR 2020): interval bound propagation forward gives the bounds
 * [l, u] of every ReLU's input; then CROWN's backward pass carries the margin specification from the logits to the
 * input as a linear function, through affine layers exactly (Linear, Conv2d by its adjoint (the transposed convolution, computed as a gradient), BatchNorm
 * with its running statistics, flattening) and through each ReLU by a linear relaxation: for a negative coefficient
 * the upper line {@code u/(u − l)·(z − l)}, for a positive one the lower line {@code a·z} with {@code a = 1} when
 * {@code u > −l}, else 0 (CROWN's adaptive slope); stable units pass exactly. The linear function's minimum over the
 * input box is the bound. Sound for every input in the box, up to rounding; networks of other blocks (pooling,
 * residual sums, imported ONNX graphs) are refused: they have interval bounds only.
 */
public final class CrownIbp {

    /** The DJL lambda blocks the backward pass crosses as the identity on values (reshaped to their input). */
    private static final Set<String> RESHAPES = Set.of("batchFlatten", "identity");

    private final ParameterStore store = new ParameterStore();

    /**
     * Why CROWN-IBP cannot bound {@code block} ("not certifiable by CROWN-IBP: operator X ..."), or null when it can;
     * from the blocks' structure alone.
     */
    public static String whyNot(Block block) {
        for (Block layer : IntervalPropagation.layers(block)) {
            boolean known = layer instanceof Linear || layer instanceof Conv2d || layer instanceof BatchNorm
                    || layer instanceof LambdaBlock l && (l.getName().equals("ReLU") || RESHAPES.contains(l.getName()));
            if (!known) {
                return "not certifiable by CROWN-IBP: operator " + (layer instanceof LambdaBlock l ? l.getName()
                        : layer.getClass().getSimpleName()) + " (CROWN-IBP handles sequential networks of Linear, Conv2d, "
                        + "BatchNorm, ReLU and flattening; use bound 'ibp' for the others)";
            }
        }
        return null;
    }

    /**
     * Lower bounds {@code (N, classes)} of the margins {@code z_y − z_j} over the interval, {@code y} the
     * {@code labels}; column y is +∞, as {@link IntervalPropagation#marginLowerBounds}.
     */
    public NDArray marginLowerBounds(Block block, Interval in, long[] labels) {
        String why = whyNot(block);
        if (why != null) {
            throw new NotCertifiableException(why);
        }
        List<Block> layers = IntervalPropagation.layers(block);
        List<Interval> inputs = new ArrayList<>(layers.size());
        IntervalPropagation ibp = new IntervalPropagation();
        Interval v = in;
        for (Block layer : layers) {
            inputs.add(v);
            v = ibp.through(layer, v);
        }
        int classes = (int) v.lower().getShape().get(1);
        NDArray eye = in.lower().getManager().eye(classes).toType(in.lower().getDataType(), false);
        NDArray own = eye.get(new NDIndex("{}", in.lower().getManager().create(labels)));
        NDArray a = own.expandDims(1).sub(eye.expandDims(0)); // (N, classes, classes): row j is e_y − e_j
        NDArray bias = a.zerosLike().sum(new int[] {2});
        for (int i = layers.size() - 1; i >= 0; i--) {
            NDList step = backward(layers.get(i), inputs.get(i), a);
            a = step.get(0);
            bias = bias.add(step.get(1));
        }
        NDArray lower = flatMul(a, in.center().expandDims(1)).sub(flatMul(a.abs(), in.radius().expandDims(1))).add(bias);
        return NDArrays.where(own.gt(0), lower.onesLike().mul(Double.POSITIVE_INFINITY), lower);
    }

    /**
     * The specification {@code a} (N, K, output...) carried back through {@code layer} whose input lies in {@code pre}:
     * the new {@code a} (N, K, input...) and the offset (N, K) collected on the way.
     */
    private NDList backward(Block layer, Interval pre, NDArray a) {
        Shape inputShape = pre.lower().getShape();
        long n = inputShape.get(0);
        long k = a.getShape().get(1);
        if (layer instanceof Linear) {
            NDArray w = parameter(layer, "weight");
            NDArray b = layer.getDirectParameters().get("bias") == null ? null : parameter(layer, "bias");
            // on the last axis, whatever the input's rank
            return new NDList(a.matMul(w), b == null ? a.zerosLike().sum(flatAxes(a)) : flatMul(a, b));
        }
        if (layer instanceof Conv2d conv) {
            NDArray w = parameter(layer, "weight");
            NDArray flat = a.reshape(new Shape(n * k).addAll(a.getShape().slice(2)));
            NDArray b = layer.getDirectParameters().get("bias") == null ? null : parameter(layer, "bias");
            NDArray offset = b == null ? a.zerosLike().sum(new int[] {2, 3, 4})
                    : a.mul(b.reshape(1, 1, -1, 1, 1)).sum(new int[] {2, 3, 4});
            // the adjoint of the convolution (its transposed convolution) as the gradient of <flat, conv(h)> in h
            NDArray back = Autograd.recording(() -> {
                NDArray h = Autograd.leaf(flat.getManager().zeros(new Shape(n * k).addAll(inputShape.slice(1)), flat.getDataType()));
                NDArray image = IntervalPropagation.convolve(conv, h, w, null);
                return Autograd.gradient(image.mul(flat).sum(), h, false);
            });
            return new NDList(back.reshape(new Shape(n, k).addAll(inputShape.slice(1))), offset);
        }
        if (layer instanceof BatchNorm) { // y = s·x + t per channel, read off the layer at 0 and 1
            NDArray zero = pre.lower().get(new NDIndex("0:1")).zerosLike();
            NDArray t = forward(layer, zero);
            NDArray s = forward(layer, zero.onesLike()).sub(t);
            return new NDList(a.mul(s), flatMul(a, t));
        }
        LambdaBlock lambda = (LambdaBlock) layer;
        if (lambda.getName().equals("ReLU")) {
            return relu(pre, a);
        }
        return new NDList(a.reshape(new Shape(n, k).addAll(inputShape.slice(1))), a.zerosLike().sum(flatAxes(a)));
    }

    /** The ReLU's relaxation: upper line for negative coefficients, adaptive lower line for positive ones. */
    private static NDList relu(Interval pre, NDArray a) {
        NDArray l = pre.lower().expandDims(1);
        NDArray u = pre.upper().expandDims(1);
        NDArray zero = l.zerosLike();
        NDArray one = l.onesLike();
        NDArray active = l.gte(0);
        NDArray dead = u.lte(0);
        NDArray unstable = active.logicalOr(dead).logicalNot();
        NDArray width = NDArrays.where(unstable, u.sub(l), one);
        NDArray slope = NDArrays.where(dead, zero, NDArrays.where(active, one, u.div(width)));
        NDArray intercept = NDArrays.where(unstable, slope.mul(l).neg(), zero);
        NDArray lowerSlope = NDArrays.where(dead, zero, NDArrays.where(active, one, u.gt(l.neg()).toType(l.getDataType(), false)));
        NDArray pos = a.maximum(0);
        NDArray neg = a.minimum(0);
        return new NDList(pos.mul(lowerSlope).add(neg.mul(slope)), flatMul(neg, intercept));
    }

    /** Sum over every axis after the first two of {@code a·b} (broadcast): (N, K). */
    private static NDArray flatMul(NDArray a, NDArray b) {
        NDArray p = a.mul(b);
        return p.sum(flatAxes(p));
    }

    private static int[] flatAxes(NDArray a) {
        int[] axes = new int[a.getShape().dimension() - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return axes;
    }

    private NDArray forward(Block block, NDArray x) {
        return block.forward(store, new NDList(x), false).singletonOrThrow();
    }

    private static NDArray parameter(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        return p.getArray();
    }
}
