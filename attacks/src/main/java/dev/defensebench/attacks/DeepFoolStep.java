package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.PassCounter;
import dev.defensebench.autograd.TorchScript;
import dev.defensebench.spi.Norm;

/**
 * The math of one DeepFool step around the network, as a single native call: from the logits of the active
 * samples (recorded from their iterates), the gradients of the candidate differences {@code z_k − z_l} without
 * a graph (one backward pass per candidate, only to pick k*), the argmin of {@code |f'_k| / ‖w'_k‖} over the
 * unblocked candidates, and the step r along the chosen difference, re-derived with a graph (one
 * double-backward-ready pass) when the unroll keeps one. The same operations, in the same order and
 * precision, as the tensor calls they replace; one TorchScript method instead of about fifty operations and
 * two gradient calls issued one by one from Java.
 */
final class DeepFoolStep {

    private static final String SOURCE = String.join("\n",
            "class DeepFoolStep(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.DeepFoolStep, logits: Tensor, point: Tensor, classes: Tensor,",
            "      blocked: Tensor, linf: bool, keep_graph: bool, tiny: float) -> Tensor:",
            "    n = classes.size(1)",
            "    z = torch.gather(logits, 1, classes)",
            "    zc = torch.detach(z)",
            // the candidates' input gradients without a graph: w (N-1, A, D)
            "    differences = torch.sub(torch.narrow(z, 1, 1, n - 1), torch.narrow(z, 1, 0, 1))",
            "    rows = annotate(List[Tensor], [])",
            "    for k in range(n - 1):",
            "      grads = torch.autograd.grad([torch.sum(torch.select(differences, 1, k))], [point], None, True, False, True)",
            "      g = grads[0]",
            "      if g is None:",
            "        rows.append(torch.zeros_like(point))",
            "      else:",
            "        rows.append(g)",
            "    w = torch.stack(rows)",
            "    f = torch.sub(torch.narrow(zc, 1, 1, n - 1), torch.narrow(zc, 1, 0, 1))",
            "    if linf:",
            "      dual = torch.add(torch.sum(torch.abs(w), [2]), tiny)",
            "    else:",
            "      dual = torch.sqrt(torch.add(torch.sum(torch.square(w), [2]), tiny))",
            // blocked columns (no candidate) leave the argmin
            "    off = torch.mul(torch.to(torch.narrow(blocked, 1, 1, n - 1), 7), 1e300)",
            "    ratio = torch.add(torch.to(torch.div(torch.abs(f), torch.t(dual)), 7), off)",
            "    chosen = torch.type_as(torch.one_hot(torch.argmin(ratio, 1), n - 1), f)",
            "    reference = torch.type_as(torch.one_hot(torch.zeros_like(torch.select(classes, 1, 0)), n), f)",
            "    difference = torch.sub(torch.cat([torch.zeros_like(torch.narrow(f, 1, 0, 1)), chosen], 1), reference)",
            "    if keep_graph:",
            "      f_star = torch.sum(torch.mul(z, difference), [1])",
            "      grads = torch.autograd.grad([torch.sum(f_star)], [point], None, True, True, True)",
            "      g = grads[0]",
            "      if g is None:",
            "        w_star = torch.zeros_like(point)",
            "      else:",
            "        w_star = g",
            "    else:",
            "      f_star = torch.sum(torch.mul(zc, difference), [1])",
            "      w_star = torch.sum(torch.mul(w, torch.unsqueeze(torch.t(chosen), 2)), [0])",
            "    if linf:",
            "      scale = torch.div(torch.abs(f_star), torch.add(torch.sum(torch.abs(w_star), [1]), tiny))",
            "      return torch.mul(torch.sign(torch.detach(w_star)), torch.unsqueeze(scale, 1))",
            "    scale = torch.div(torch.abs(f_star), torch.add(torch.sum(torch.square(w_star), [1]), tiny))",
            "    return torch.mul(w_star, torch.unsqueeze(scale, 1))",
            "");

    private DeepFoolStep() {}

    /**
     * The step r (A, D) of the active samples.
     *
     * @param logits (A, K), recorded from {@code point}
     * @param point the iterates (A, D) the logits were computed at, requiring gradient
     * @param classes (A, N) int64, per sample its candidate classes with the reference class l in column 0; an
     *     index whose memory libtorch owns (the gather saves it for the backward pass)
     * @param blocked (A, N) int64, 1 where a column is no candidate for the nearest boundary
     * @param norm L2 (step along w'_k*) or Linf (along its sign)
     * @param keepGraph whether r stays differentiable with respect to the parameters
     */
    static NDArray apply(NDArray logits, NDArray point, NDArray classes, NDArray blocked, Norm norm, boolean keepGraph) {
        long rows = point.getShape().get(0);
        PassCounter.backward(rows * (classes.getShape().get(1) - 1));
        if (keepGraph) {
            PassCounter.backward(rows);
        }
        return TorchScript.compiledOnce("DeepFoolStep", SOURCE).runForTensor("forward", (PtNDManager) point.getManager(),
                IValue.from((PtNDArray) logits), IValue.from((PtNDArray) point), IValue.from((PtNDArray) classes),
                IValue.from((PtNDArray) blocked), IValue.from(norm == Norm.LINF), IValue.from(keepGraph),
                IValue.from(DeepFool.TINY));
    }
}
