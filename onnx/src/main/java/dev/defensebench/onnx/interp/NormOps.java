package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Map;
import dev.defensebench.autograd.Scalars;

/**
 * Normalisations other than BatchNormalization: LayerNormalization (opset 17), GroupNormalization (18; per-channel
 * scale from 21), InstanceNormalization and LRN. Statistics are the biased mean and variance over the normalised
 * axes, as the ONNX specification and PyTorch compute them.
 */
final class NormOps {

    private NormOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("LayerNormalization", NormOps::layerNorm);
        ops.put("GroupNormalization", NormOps::groupNorm);
        ops.put("InstanceNormalization", NormOps::instanceNorm);
        ops.put("LRN", NormOps::lrn);
    }

    /** A tensor normalised over its last axis: (x − mean) / sqrt(var + eps), with the mean and 1 / sqrt(var + eps). */
    private record Normalised(NDArray y, NDArray mean, NDArray invStd) {

        static Normalised lastAxis(NDArray x, double eps) {
            NDArray mean = x.mean(new int[] {-1}, true);
            NDArray centred = x.sub(mean);
            NDArray invStd = Scalars.of(x, 1).div(centred.mul(centred).mean(new int[] {-1}, true).add(eps).sqrt());
            return new Normalised(centred.mul(invStd), mean, invStd);
        }
    }

    /** LayerNormalization: normalised over axes [axis, rank), then Scale and B broadcast over those axes. */
    private static NDList layerNorm(OpCall call) {
        NDArray x = call.in(0);
        Shape s = x.getShape();
        int axis = call.axis(call.attrInt("axis", -1), s.dimension());
        Shape outer = s.slice(0, axis);
        Normalised n = Normalised.lastAxis(x.reshape(outer.add(-1)), call.attrFloat("epsilon", 1e-5f));
        NDArray y = n.y().reshape(s).mul(call.in(1));
        if (call.has(2)) {
            y = y.add(call.in(2));
        }
        long[] statShape = s.getShape().clone();
        Arrays.fill(statShape, axis, statShape.length, 1);
        return new NDList(y, n.mean().reshape(new Shape(statShape)), n.invStd().reshape(new Shape(statShape)));
    }

    /**
     * GroupNormalization: channels split into num_groups groups, each normalised over its channels and spatial axes;
     * the scale and bias hold one value per group (opset 18) or per channel (opset 21), told apart by their length.
     */
    private static NDList groupNorm(OpCall call) {
        NDArray x = call.in(0);
        Shape s = x.getShape();
        long channels = s.get(1);
        long groups = call.attrInt("num_groups", -1);
        if (groups <= 0 || channels % groups != 0) {
            throw call.unsupported("num_groups " + groups + " does not divide the " + channels + " channels");
        }
        NDArray y = Normalised.lastAxis(x.reshape(s.get(0), groups, -1), call.attrFloat("epsilon", 1e-5f)).y();
        NDArray scale = call.in(1);
        NDArray bias = call.in(2);
        if (scale.size() == groups && groups != channels) {
            y = y.reshape(s.get(0), groups, channels / groups, -1);
            return OpCall.of(y.mul(scale.reshape(1, groups, 1, 1)).add(bias.reshape(1, groups, 1, 1)).reshape(s));
        }
        if (scale.size() != channels) {
            throw call.unsupported("scale has " + scale.size() + " values for " + groups + " groups of " + channels + " channels");
        }
        return OpCall.of(perChannel(y.reshape(s), scale, bias));
    }

    /** InstanceNormalization: each channel of each sample normalised over its spatial axes, then scale and B per channel. */
    private static NDList instanceNorm(OpCall call) {
        NDArray x = call.in(0);
        Shape s = x.getShape();
        NDArray y = Normalised.lastAxis(x.reshape(s.get(0), s.get(1), -1), call.attrFloat("epsilon", 1e-5f)).y();
        return OpCall.of(perChannel(y.reshape(s), call.in(1), call.in(2)));
    }

    /** {@code y * scale + bias} with one scale and bias per channel (axis 1). */
    private static NDArray perChannel(NDArray y, NDArray scale, NDArray bias) {
        long[] shape = new long[y.getShape().dimension()];
        Arrays.fill(shape, 1);
        shape[1] = -1;
        return y.mul(scale.reshape(new Shape(shape))).add(bias.reshape(new Shape(shape)));
    }

    /**
     * LRN across channels: y = x / (bias + alpha / size · Σ x²)^beta, the sum over the channels
     * [c − ⌊(size − 1) / 2⌋, c + ⌈(size − 1) / 2⌉] that exist.
     */
    private static NDList lrn(OpCall call) {
        NDArray x = call.in(0);
        long size = call.attrInt("size", -1);
        if (size <= 0) {
            throw call.unsupported("size " + size + " is not a positive window");
        }
        double alpha = call.attrFloat("alpha", 1e-4f);
        double beta = call.attrFloat("beta", 0.75f);
        double bias = call.attrFloat("bias", 1f);
        int rank = x.getShape().dimension();
        long before = (size - 1) / 2;
        long[] begin = new long[rank - 1];
        long[] end = new long[rank - 1];
        begin[0] = before;
        end[0] = size - 1 - before;
        NDArray squares = Padding.padSpatial(x.mul(x), begin, end, 0);
        long channels = x.getShape().get(1);
        NDArray sum = null;
        for (long k = 0; k < size; k++) {
            NDArray window = squares.get(new ai.djl.ndarray.index.NDIndex().addAllDim().addSliceDim(k, k + channels));
            sum = sum == null ? window : sum.add(window);
        }
        return OpCall.of(x.div(sum.mul(Scalars.of(sum, alpha / size)).add(bias).pow(Scalars.of(sum, beta))));
    }
}
