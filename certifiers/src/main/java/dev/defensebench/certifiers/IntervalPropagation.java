package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import dev.defensebench.model.IntervalBounded;
import dev.defensebench.model.ResidualSum;
import dev.defensebench.spi.NotCertifiableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Interval bound propagation (Gowal et al. 2018) through a network of DJL blocks, in inference mode:
 * affine layers (Linear, Conv2d, BatchNorm with its running statistics) map the centre through the layer
 * and the half-width through the absolute values of its weights; monotone non-decreasing layers (ReLU,
 * max and average pooling, flattening, identity, memory layout) map each end through the layer itself;
 * a residual sum {@code a₀·shortcut + a₁·branch} adds the centres and the |a|-weighted half-widths; a block that
 * bounds itself ({@link IntervalBounded}: an imported ONNX graph, node by node) is asked for its bounds. Any
 * other block is refused with "not certifiable: operator X". The bounds are sound for every input in the
 * interval, up to the arithmetic's rounding (compute in float64 for exact comparisons).
 */
public final class IntervalPropagation {

    /** The names of the DJL lambda blocks that are monotone non-decreasing element-wise or over windows. */
    static final Set<String> MONOTONE = Set.of("ReLU", "maxPool1d", "maxPool2d", "maxPool3d", "avgPool1d",
            "avgPool2d", "avgPool3d", "globalMaxPool1d", "globalMaxPool2d", "globalMaxPool3d", "globalAvgPool1d",
            "globalAvgPool2d", "globalAvgPool3d", "batchFlatten", "identity", "channelsLast");

    private final ParameterStore store = new ParameterStore();

    /** The bounds of {@code block}'s output for inputs in {@code in}. */
    public Interval through(Block block, Interval in) {
        if (block instanceof SequentialBlock) {
            Interval v = in;
            for (Block child : block.getChildren().values()) {
                v = through(child, v);
            }
            return v;
        }
        if (block instanceof Linear) {
            return affine(in, c -> Linear.linear(c, weight(block), bias(block)).head(),
                    r -> Linear.linear(r, weight(block).abs()).head());
        }
        if (block instanceof Conv2d conv) {
            return affine(in, c -> convolve(conv, c, weight(block), bias(block)),
                    r -> convolve(conv, r, weight(block).abs(), null));
        }
        if (block instanceof BatchNorm) {
            return affine(in, c -> forward(block, c), r -> forward(block, in.center().add(r)).sub(forward(block, in.center())).abs());
        }
        if (block instanceof ResidualSum sum) {
            return residual(sum, in);
        }
        if (block instanceof IntervalBounded bounded) {
            NDList out = bounded.outputBounds(in.lower(), in.upper());
            return new Interval(out.get(0), out.get(1));
        }
        if (block instanceof LambdaBlock lambda && MONOTONE.contains(lambda.getName())) {
            return new Interval(forward(block, in.lower()), forward(block, in.upper()));
        }
        throw new NotCertifiableException(refusal(block));
    }

    /**
     * Why interval bound propagation cannot bound {@code block} ("not certifiable: operator X ..."), or null when it
     * can; decided from the blocks' structure alone, so it can run on an uninitialised network before any work.
     */
    public static String whyNot(Block block) {
        if (block instanceof SequentialBlock) {
            for (Block child : block.getChildren().values()) {
                String why = whyNot(child);
                if (why != null) {
                    return why;
                }
            }
            return null;
        }
        if (block instanceof ResidualSum sum) {
            String why = whyNot(sum.shortcut());
            return why != null ? why : whyNot(sum.branch());
        }
        if (block instanceof IntervalBounded bounded) {
            return bounded.whyNotBounded();
        }
        boolean known = block instanceof Linear || block instanceof Conv2d || block instanceof BatchNorm
                || block instanceof LambdaBlock lambda && MONOTONE.contains(lambda.getName());
        return known ? null : refusal(block);
    }

    private static String refusal(Block block) {
        return "not certifiable: operator " + describe(block) + " (interval bound propagation handles Linear, Conv2d, "
                + "BatchNorm, residual sums, imported ONNX graphs and the monotone " + MONOTONE + ")";
    }

    /**
     * Lower bounds {@code (N, classes)} of the margins {@code z_y − z_j} over the interval, {@code y} the
     * {@code labels}; column y is +∞. When the network ends with a Linear layer it is elided into the
     * margins (Gowal et al. 2018, Eq. 10): row y minus row j of its weights acts on the penultimate
     * interval, which is tighter than {@code lower_y − upper_j}; when it ends with a block that bounds itself
     * (an imported ONNX graph), that block gets the margins as its specification and elides its own last layer.
     */
    public NDArray marginLowerBounds(Block block, Interval in, long[] labels) {
        NDArray margins = margins(block, in, labels);
        NDArray own = own(margins, labels);
        return NDArrays.where(own, margins.onesLike().mul(Double.POSITIVE_INFINITY), margins);
    }

    /**
     * Gowal et al.'s worst-case logits ẑ over the interval, relative to the label: {@code ẑ_j = −(lower
     * bound of z_y − z_j)} and {@code ẑ_y = 0}; their cross-entropy is the robust term of IBP training.
     * Differentiable in the network's parameters when recorded.
     */
    public NDArray worstCaseLogits(Block block, Interval in, long[] labels) {
        NDArray margins = margins(block, in, labels);
        return NDArrays.where(own(margins, labels), margins.zerosLike(), margins.neg());
    }

    private NDArray margins(Block block, Interval in, long[] labels) {
        List<Block> layers = layers(block);
        Block last = layers.get(layers.size() - 1);
        NDArray y = in.lower().getManager().create(labels);
        if (last instanceof Linear || last instanceof IntervalBounded) {
            Interval penultimate = in;
            for (Block layer : layers.subList(0, layers.size() - 1)) {
                penultimate = through(layer, penultimate);
            }
            if (last instanceof IntervalBounded bounded) {
                NDArray spec = marginSpec(in.lower(), labels, (int) forward(block, in.lower().get(new NDIndex("0:1"))).getShape().get(1));
                return bounded.specLowerBounds(penultimate.lower(), penultimate.upper(), spec);
            }
            NDArray w = weight(last);
            NDArray b = bias(last);
            NDArray wd = w.get(new NDIndex("{}", y)).expandDims(1).sub(w.expandDims(0));
            NDArray c = penultimate.center().reshape(labels.length, 1, -1);
            NDArray r = penultimate.radius().reshape(labels.length, 1, -1);
            NDArray margins = wd.mul(c).sum(new int[] {2}).sub(wd.abs().mul(r).sum(new int[] {2}));
            return b == null ? margins : margins.add(b.get(new NDIndex("{}", y)).expandDims(1).sub(b.expandDims(0)));
        }
        Interval logits = through(block, in);
        NDArray lowerY = logits.lower().mul(own(logits.lower(), labels).toType(logits.lower().getDataType(), false)).sum(new int[] {1});
        return lowerY.expandDims(1).sub(logits.upper());
    }

    /**
     * The specification of the margins {@code z_y − z_j}: {@code (N, classes, classes)}, row j of sample n
     * {@code e_y − e_j} (zero at j = y).
     */
    private static NDArray marginSpec(NDArray like, long[] labels, int classes) {
        NDArray eye = like.getManager().eye(classes).toType(like.getDataType(), false);
        NDArray own = eye.get(new NDIndex("{}", like.getManager().create(labels))); // (N, classes)
        return own.expandDims(1).sub(eye.expandDims(0));
    }

    /** The (N, classes) mask of each row's label. */
    private static NDArray own(NDArray like, long[] labels) {
        NDArray y = like.getManager().create(labels);
        return like.getManager().eye((int) like.getShape().get(1)).get(new NDIndex("{}", y)).gt(0);
    }

    /** The blocks of {@code block} in order, nested sequential blocks opened. */
    static List<Block> layers(Block block) {
        List<Block> out = new ArrayList<>();
        if (block instanceof SequentialBlock) {
            for (Block child : block.getChildren().values()) {
                out.addAll(layers(child));
            }
        } else {
            out.add(block);
        }
        return out;
    }

    private Interval residual(ResidualSum sum, Interval in) {
        Interval s = through(sum.shortcut(), in);
        Interval b = through(sum.branch(), in);
        double[] a = sum.aggregation().getArray().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
        NDArray center = s.center().mul(a[0]).add(b.center().mul(a[1]));
        NDArray radius = s.radius().mul(Math.abs(a[0])).add(b.radius().mul(Math.abs(a[1])));
        return Interval.ofCenter(center, radius);
    }

    private static Interval affine(Interval in, java.util.function.UnaryOperator<NDArray> center,
            java.util.function.UnaryOperator<NDArray> radius) {
        return Interval.ofCenter(center.apply(in.center()), radius.apply(in.radius()));
    }

    private NDArray forward(Block block, NDArray x) {
        return block.forward(store, new NDList(x), false).singletonOrThrow();
    }

    /** {@code conv}'s convolution of {@code x} with weight {@code w} and bias {@code b} (none when null). */
    static NDArray convolve(Conv2d conv, NDArray x, NDArray w, NDArray b) {
        NDArray bias = b != null ? b : x.getManager().zeros(new ai.djl.ndarray.types.Shape(w.getShape().get(0)), x.getDataType());
        return Conv2d.conv2d(x, w, bias, conv.getStride(), conv.getPadding(), conv.getDilation(), conv.getGroups()).head();
    }

    private static NDArray weight(Block block) {
        return parameter(block, "weight");
    }

    private static NDArray bias(Block block) {
        Parameter p = block.getDirectParameters().get("bias");
        return p == null ? null : p.getArray();
    }

    private static NDArray parameter(Block block, String name) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null) {
            throw new NotCertifiableException("not certifiable: " + describe(block) + " has no parameter '" + name + "'");
        }
        return p.getArray();
    }

    private static String describe(Block block) {
        return block instanceof LambdaBlock lambda ? lambda.getName() : block.getClass().getSimpleName();
    }
}
