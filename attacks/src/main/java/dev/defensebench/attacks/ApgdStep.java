package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.TorchScript;

/**
 * APGD's update as one native call: the step {@code z = P(x + η·d)} along the norm's steepest-ascent direction d
 * (sign(g) for ℓ∞, g/‖g‖₂ for ℓ2), then the momentum step {@code P(x + a·(z − x) + (1 − a)·(x − x_prev))} (z itself
 * at the first iteration), P the projection onto the ε-ball around the clean point within the input box, in the
 * original's order of operations. APGD's steps on a small network spent a third of their time in the dozen and more
 * tensor operations, each a new array, that the update took from Java; here ℓ∞ takes eight passes over the batch and
 * two new arrays (with a new array per operation it took about 1.4 times as long on 619 MNIST-sized points).
 */
final class ApgdStep {

    private static final String SOURCE = String.join("\n",
            "class ApgdStep(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def linf(self: __torch__.ApgdStep, x: Tensor, previous: Tensor, gradient: Tensor, step: Tensor,",
            "      lower: Tensor, upper: Tensor, a: float, first: bool) -> Tensor:",
            // two new arrays (the iterate and x − previous), every other pass written into the iterate
            "    z = torch.sign(gradient)",
            "    z = torch.addcmul(x, z, step, out=z)",
            "    z = torch.clamp_(z, lower, upper)",
            "    if first:",
            "      return z",
            "    z = torch.sub(z, x, out=z)",
            "    z = torch.add(x, z, alpha=a, out=z)",
            "    z = torch.add(z, torch.sub(x, previous), alpha=1.0 - a, out=z)",
            "    return torch.clamp_(z, lower, upper)",
            "  def l2(self: __torch__.ApgdStep, clean: Tensor, x: Tensor, previous: Tensor, gradient: Tensor, step: Tensor,",
            "      lower: Tensor, upper: Tensor, eps: float, a: float, first: bool) -> Tensor:",
            "    n = x.size(0)",
            "    flat = gradient.reshape([n, -1])",
            "    norms = flat.square().sum([1], True).sqrt()",
            "    direction = (flat / (norms + 1e-12)).reshape(x.shape)",
            "    z = self.project(clean, x + direction * step, lower, upper, eps)",
            "    if first:",
            "      return z",
            "    moved = torch.add(x, torch.sub(z, x), alpha=a)",
            "    return self.project(clean, torch.add(moved, torch.sub(x, previous), alpha=1.0 - a), lower, upper, eps)",
            "  def project(self: __torch__.ApgdStep, clean: Tensor, point: Tensor, lower: Tensor, upper: Tensor,",
            "      eps: float) -> Tensor:",
            "    n = point.size(0)",
            "    delta = (point - clean).reshape([n, -1])",
            "    norms = delta.square().sum([1], True).sqrt()",
            "    inside = delta / (norms + 1e-12) * torch.clamp_max(norms, eps)",
            "    return torch.clamp(clean + inside.reshape(point.shape), lower, upper)",
            "");

    private ApgdStep() {}

    /**
     * The ℓ∞ update from {@code x} (the previous iterate {@code previous}, the gradient at x, the per-sample step
     * sizes {@code step} broadcastable to x), the feasible set {@code [lower, upper]} element-wise; {@code first}:
     * the projected step alone.
     */
    static NDArray linf(NDArray x, NDArray previous, NDArray gradient, NDArray step, NDArray lower, NDArray upper,
            double a, boolean first) {
        return script().runForTensor("linf", (PtNDManager) x.getManager(), IValue.from((PtNDArray) x),
                IValue.from((PtNDArray) previous), IValue.from((PtNDArray) gradient), IValue.from((PtNDArray) step),
                IValue.from((PtNDArray) lower), IValue.from((PtNDArray) upper), IValue.from(a), IValue.from(first));
    }

    /**
     * The ℓ2 update, the ε-ball around {@code clean}, the box {@code [lower, upper]} (broadcastable to x); as
     * {@link #linf} otherwise.
     */
    static NDArray l2(NDArray clean, NDArray x, NDArray previous, NDArray gradient, NDArray step, NDArray lower,
            NDArray upper, double eps, double a, boolean first) {
        return script().runForTensor("l2", (PtNDManager) x.getManager(), IValue.from((PtNDArray) clean),
                IValue.from((PtNDArray) x), IValue.from((PtNDArray) previous), IValue.from((PtNDArray) gradient),
                IValue.from((PtNDArray) step), IValue.from((PtNDArray) lower), IValue.from((PtNDArray) upper),
                IValue.from(eps), IValue.from(a), IValue.from(first));
    }

    private static TorchScript script() {
        return TorchScript.compiledOnce("ApgdStep", SOURCE);
    }
}
