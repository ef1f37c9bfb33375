package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.TorchScript;

/**
 * APGD's per-sample losses, each one native call written as the original's ({@code autopgd_base.py}): the
 * cross-entropy ({@code nn.CrossEntropyLoss(reduction='none')}), DLR {@code −(z_y − max_{k≠y} z_k) / (z_π1 − z_π3 +
 * 1e-12)} and targeted DLR {@code −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12)}, π the classes sorted by logit.
 * They are differentiated through like any recorded operation. From Java the losses took a dozen and more tensor
 * operations a step (one-hot codes, sorted columns, sums), a step's fixed cost on few points.
 */
final class ApgdLoss {

    private static final String SOURCE = String.join("\n",
            "class ApgdLoss(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def ce(self: __torch__.ApgdLoss, logits: Tensor, y: Tensor) -> Tensor:",
            // reduction 0: none
            "    return torch.cross_entropy_loss(logits, y, None, 0)",
            "  def dlr(self: __torch__.ApgdLoss, logits: Tensor, y: Tensor) -> Tensor:",
            "    sorted, order = torch.sort(logits, 1)",
            "    top = torch.select(sorted, 1, -1)",
            "    hit = torch.eq(torch.select(order, 1, -1), y).to(logits.dtype)",
            "    zy = torch.squeeze(torch.gather(logits, 1, torch.unsqueeze(y, 1)), 1)",
            "    other = torch.select(sorted, 1, -2) * hit + top * (1.0 - hit)",
            "    return -(zy - other) / (top - torch.select(sorted, 1, -3) + 1e-12)",
            "  def dlr_targeted(self: __torch__.ApgdLoss, logits: Tensor, y: Tensor, t: Tensor) -> Tensor:",
            "    sorted = torch.sort(logits, 1)[0]",
            "    zy = torch.squeeze(torch.gather(logits, 1, torch.unsqueeze(y, 1)), 1)",
            "    zt = torch.squeeze(torch.gather(logits, 1, torch.unsqueeze(t, 1)), 1)",
            "    spread = torch.select(sorted, 1, -1) - 0.5 * (torch.select(sorted, 1, -3) + torch.select(sorted, 1, -4))",
            "    return -(zy - zt) / (spread + 1e-12)",
            "");

    private ApgdLoss() {}

    /** The loss {@code loss} per sample (N) of {@code logits} (N, K), labels {@code y} and, for targeted DLR, targets {@code t}. */
    static NDArray of(Apgd.Loss loss, NDArray logits, NDArray y, NDArray t) {
        PtNDManager manager = (PtNDManager) logits.getManager();
        IValue z = IValue.from((PtNDArray) logits);
        IValue labels = IValue.from((PtNDArray) y);
        TorchScript script = TorchScript.compiledOnce("ApgdLoss", SOURCE);
        return switch (loss) {
            case CE -> script.runForTensor("ce", manager, z, labels);
            case DLR -> script.runForTensor("dlr", manager, z, labels);
            case DLR_TARGETED -> script.runForTensor("dlr_targeted", manager, z, labels, IValue.from((PtNDArray) t));
        };
    }
}
