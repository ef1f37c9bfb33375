package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.PassCounter;
import dev.defensebench.autograd.TorchScript;

/**
 * One ℓ∞ PGD step as a single native call: the input gradient of the objective (the backward pass of its
 * recorded graph), the signed step of size α and the clamp into the feasible set (the ε-ball around the
 * clean point within the input box, as element-wise bounds), in one TorchScript method instead of a
 * backward call and five tensor operations from Java.
 */
final class PgdLinfStep {

    private static final String SOURCE = String.join("\n",
            "class PgdLinfStep(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.PgdLinfStep, value: Tensor, x: Tensor, alpha: float,",
            "      lower: Tensor, upper: Tensor) -> Tensor:",
            "    grads = torch.autograd.grad([value], [x], None, False, False, True)",
            "    g = grads[0]",
            "    if g is None:",
            "      return torch.clamp(torch.detach(x), lower, upper)",
            "    return torch.clamp(torch.add(torch.detach(x), torch.sign(g), alpha=alpha), lower, upper)",
            "");

    private PgdLinfStep() {}

    /**
     * {@code clamp(x + α·sign(∇ₓ value), lower, upper)}, without a graph. {@code value} is a scalar recorded
     * from the leaf {@code x}.
     */
    static NDArray apply(NDArray value, NDArray x, double alpha, NDArray lower, NDArray upper) {
        PassCounter.backward(x.getShape().get(0));
        return TorchScript.compiledOnce("PgdLinfStep", SOURCE).runForTensor("forward", (PtNDManager) x.getManager(),
                IValue.from((PtNDArray) value.reshape()), IValue.from((PtNDArray) x), IValue.from(alpha),
                IValue.from((PtNDArray) lower), IValue.from((PtNDArray) upper));
    }
}
