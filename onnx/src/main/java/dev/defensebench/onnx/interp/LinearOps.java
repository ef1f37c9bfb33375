package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.BatchNorm;
import java.util.Map;
import dev.defensebench.autograd.Scalars;

/** MatMul, Gemm and BatchNormalization. */
final class LinearOps {

    private LinearOps() {}

    static void register(Map<String, Operator> ops) {
        ops.put("MatMul", call -> OpCall.of(call.in(0).matMul(call.in(1))));
        ops.put("Gemm", LinearOps::gemm);
        ops.put("BatchNormalization", LinearOps::batchNorm);
    }

    /** Y = alpha * A' B' + beta * C, A' and B' transposed when transA / transB are set. */
    private static NDList gemm(OpCall call) {
        NDArray a = call.attrInt("transA", 0) == 1 ? call.in(0).transpose() : call.in(0);
        NDArray b = call.attrInt("transB", 0) == 1 ? call.in(1).transpose() : call.in(1);
        float alpha = call.attrFloat("alpha", 1f);
        float beta = call.attrFloat("beta", 1f);
        NDArray y = a.matMul(b);
        if (alpha != 1f) {
            y = y.mul(Scalars.of(y, alpha));
        }
        if (call.has(2) && beta != 0f) {
            y = y.add(beta == 1f ? call.in(2) : call.in(2).mul(Scalars.of(y, beta)));
        }
        return OpCall.of(y);
    }

    /**
     * Batch normalisation over axis 1: with the running statistics, or (in a training pass of a trainable block) with
     * the batch's, the running ones updated in place by the node's {@code momentum} (ONNX's rule
     * {@code r ← momentum·r + (1 − momentum)·batch} is DJL's). A node that itself asks for training mode (running
     * statistics as outputs) is refused.
     */
    private static NDList batchNorm(OpCall call) {
        if (call.attrInt("training_mode", 0) == 1 || call.node().outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw call.unsupported("training-mode BatchNormalization (with running-statistics outputs) is not supported");
        }
        float eps = call.attrFloat("epsilon", 1e-5f);
        float momentum = call.attrFloat("momentum", 0.9f);
        return BatchNorm.batchNorm(call.in(0), call.in(3), call.in(4), call.in(1), call.in(2), 1, momentum, eps,
                call.training());
    }
}
