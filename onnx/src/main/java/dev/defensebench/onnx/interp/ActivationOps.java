package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import java.util.Map;
import dev.defensebench.autograd.Scalars;

/** Activation functions; parameters and defaults as in the ONNX operator specification. */
final class ActivationOps {

    private ActivationOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("Relu", call -> OpCall.of(Activation.relu(call.in(0))));
        ops.put("Sigmoid", call -> OpCall.of(Activation.sigmoid(call.in(0))));
        ops.put("Tanh", call -> OpCall.of(Activation.tanh(call.in(0))));
        ops.put("LeakyRelu", call -> OpCall.of(Activation.leakyRelu(call.in(0), call.attrFloat("alpha", 0.01f))));
        ops.put("Elu", call -> OpCall.of(Activation.elu(call.in(0), call.attrFloat("alpha", 1f))));
        ops.put("PRelu", ActivationOps::prelu);
        ops.put("Selu", ActivationOps::selu);
        ops.put("HardSigmoid", call -> OpCall.of(hardSigmoid(call.in(0), call.attrFloat("alpha", 0.2f), call.attrFloat("beta", 0.5f))));
        ops.put("HardSwish", call -> OpCall.of(call.in(0).mul(hardSigmoid(call.in(0), 1f / 6, 0.5f))));
        ops.put("Softplus", call -> OpCall.of(Activation.softPlus(call.in(0))));
        ops.put("Gelu", ActivationOps::gelu);
        ops.put("Softsign", call -> OpCall.of(call.in(0).div(call.in(0).abs().add(1))));
        ops.put("Shrink", ActivationOps::shrink);
        ops.put("Celu", ActivationOps::celu);
        ops.put("Mish", call -> OpCall.of(call.in(0).mul(Activation.softPlus(call.in(0)).tanh())));
        ops.put("ThresholdedRelu", call -> OpCall.of(call.in(0).mul(call.in(0).gt(call.attrFloat("alpha", 1f))
                .toType(call.in(0).getDataType(), false))));
        ops.put("Clip", ActivationOps::clip);
        ops.put("Softmax", call -> softmax(call, false));
        ops.put("LogSoftmax", call -> softmax(call, true));
    }

    private static NDList prelu(OpCall call) {
        NDArray x = call.in(0);
        NDArray zero = Scalars.of(x, 0);
        return OpCall.of(x.maximum(zero).add(call.in(1).mul(x.minimum(zero))));
    }

    private static NDList selu(OpCall call) {
        NDArray x = call.in(0);
        float alpha = call.attrFloat("alpha", 1.67326319217681884765625f);
        float gamma = call.attrFloat("gamma", 1.05070102214813232421875f);
        NDArray zero = Scalars.of(x, 0);
        return OpCall.of(x.maximum(zero).add(x.minimum(zero).exp().sub(1).mul(Scalars.of(x, alpha))).mul(Scalars.of(x, gamma)));
    }

    /** Shrink: x + bias below −lambd, x − bias above lambd, 0 between. */
    private static NDList shrink(OpCall call) {
        NDArray x = call.in(0);
        float lambd = call.attrFloat("lambd", 0.5f);
        float bias = call.attrFloat("bias", 0f);
        NDArray below = x.lt(-lambd).toType(x.getDataType(), false);
        NDArray above = x.gt(lambd).toType(x.getDataType(), false);
        return OpCall.of(x.add(bias).mul(below).add(x.sub(bias).mul(above)));
    }

    /** Celu: max(0, x) + min(0, alpha · (exp(x / alpha) − 1)). */
    private static NDList celu(OpCall call) {
        NDArray x = call.in(0);
        float alpha = call.attrFloat("alpha", 1f);
        NDArray zero = Scalars.of(x, 0);
        NDArray a = Scalars.of(x, alpha);
        return OpCall.of(x.maximum(zero).add(x.minimum(zero).div(a).exp().sub(1).mul(a)));
    }

    private static NDArray hardSigmoid(NDArray x, float alpha, float beta) {
        return x.mul(Scalars.of(x, alpha)).add(beta).clip(0, 1);
    }

    private static NDList gelu(OpCall call) {
        NDArray x = call.in(0);
        String approximate = call.attrString("approximate", "none");
        if (approximate.equals("tanh")) {
            NDArray inner = x.add(x.mul(x).mul(x).mul(Scalars.of(x, 0.044715))).mul(Scalars.of(x, Math.sqrt(2 / Math.PI)));
            return OpCall.of(x.mul(inner.tanh().add(1)).mul(Scalars.of(x, 0.5)));
        }
        if (!approximate.equals("none")) {
            throw call.unsupported("approximate '" + approximate + "' is not 'none' or 'tanh'");
        }
        return OpCall.of(x.mul(x.div(Scalars.of(x, Math.sqrt(2))).erf().add(1)).mul(Scalars.of(x, 0.5)));
    }

    /** Clip: bounds as attributes (opset < 11) or as optional scalar inputs (opset 11 on). */
    private static NDList clip(OpCall call) {
        NDArray x = call.in(0);
        double min = call.opset() < 11 ? call.attrFloat("min", Float.NEGATIVE_INFINITY)
                : call.has(1) ? call.scalar(1) : Double.NEGATIVE_INFINITY;
        double max = call.opset() < 11 ? call.attrFloat("max", Float.POSITIVE_INFINITY)
                : call.has(2) ? call.scalar(2) : Double.POSITIVE_INFINITY;
        if (Double.isInfinite(min) && Double.isInfinite(max)) {
            return OpCall.of(x);
        }
        if (Double.isInfinite(min)) {
            return OpCall.of(x.minimum(Scalars.of(x, max)));
        }
        if (Double.isInfinite(max)) {
            return OpCall.of(x.maximum(Scalars.of(x, min)));
        }
        return OpCall.of(x.clip(min, max));
    }

    /** Softmax / LogSoftmax: opset 13 on, over one axis (default -1); before, over the flattened axes from {@code axis} (default 1). */
    private static NDList softmax(OpCall call, boolean log) {
        NDArray x = call.in(0);
        int rank = x.getShape().dimension();
        if (call.opset() >= 13) {
            int axis = call.axis(call.attrInt("axis", -1), rank);
            return OpCall.of(log ? x.logSoftmax(axis) : x.softmax(axis));
        }
        int axis = call.axis(call.attrInt("axis", 1), rank);
        NDArray flat = x.reshape(x.getShape().slice(0, axis).size(), -1);
        NDArray y = log ? flat.logSoftmax(1) : flat.softmax(1);
        return OpCall.of(y.reshape(x.getShape()));
    }
}
