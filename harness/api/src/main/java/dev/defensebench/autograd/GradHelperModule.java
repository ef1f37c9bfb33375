package dev.defensebench.autograd;

/**
 * The TorchScript module behind {@link Autograd} ({@link TorchScript}): {@code forward(out, inputs,
 * create_graph)} returns {@code torch.autograd.grad([out], inputs, ...)}; {@code jacobian(out, inp)} the
 * per-column gradients.
 */
final class GradHelperModule {

    static final String SOURCE =
            String.join(
                    "\n",
                    "class GradHelper(Module):",
                    "  __parameters__ = []",
                    "  __buffers__ = []",
                    "  training : bool",
                    "  def forward(self: __torch__.GradHelper,",
                    "    out: Tensor,",
                    "    inputs: List[Tensor],",
                    "    create_graph: bool) -> List[Tensor]:",
                    "    grads = torch.autograd.grad([out], inputs, None, create_graph, create_graph, True)",
                    "    result = annotate(List[Tensor], [])",
                    "    for i in range(len(grads)):",
                    "      g = grads[i]",
                    "      if g is None:",
                    "        result.append(torch.zeros_like(inputs[i]))",
                    "      else:",
                    "        result.append(g)",
                    "    return result",
                    "  def jacobian(self: __torch__.GradHelper,",
                    "    out: Tensor,",
                    "    inp: Tensor) -> Tensor:",
                    "    rows = annotate(List[Tensor], [])",
                    "    for k in range(out.size(1)):",
                    "      grads = torch.autograd.grad([out.select(1, k).sum()], [inp], None, True, False, True)",
                    "      g = grads[0]",
                    "      if g is None:",
                    "        rows.append(torch.zeros_like(inp))",
                    "      else:",
                    "        rows.append(g)",
                    "    return torch.stack(rows)",
                    "");

    private GradHelperModule() {}

    static TorchScript instance() {
        return TorchScript.compiledOnce("GradHelper", SOURCE);
    }
}
