package dev.defensebench.attacks;

import dev.defensebench.autograd.TorchScript;

/**
 * The TorchScript half of {@link Square}: the acceptance of one round of proposals and the next round's
 * proposals for every sample still robust, as one native call per query round (the model's forward is
 * the only other call). The search state is a list of tensors that lives across calls (indices {@code
 * X}, {@code BEST}, ...); the random numbers come from Java in chunks ({@code TABLE}, {@code ETAS},
 * {@code SIGNS}), so a seeded {@link java.util.Random} fixes the whole search.
 *
 * <p>Every operation follows Croce and Hein's {@code autoattack/square.py} ({@code attack_single_run}):
 * one window position, one per-channel sign (ℓ∞) or one pseudo-Gaussian block (ℓ2) per round shared by
 * the batch, per-sample signs (ℓ2), acceptance when the margin decreases or the sample is misclassified.
 */
final class SquareScript {

    /** Clean inputs (N, C, H, W). */
    static final int X = 0;
    /** Best points so far (N, C, H, W), updated in place. */
    static final int BEST = 1;
    /** Best margin per sample (N), updated in place; +inf before the first query. */
    static final int MARGIN = 2;
    /** Labels (N), int64. */
    static final int Y = 3;
    /** The input box's lower and upper bounds (C, H, W). */
    static final int LO = 4;
    static final int HI = 5;
    /** Rows of the samples the pending proposals belong to (M), int64. */
    static final int ACTIVE = 6;
    /**
     * The pending proposals (M, C, H, W). ℓ∞ changes them in place: they are the robust samples' best
     * points with the last window proposed, restored where rejected, written back when the set changes.
     */
    static final int PENDING = 7;
    /** Per round of the current chunk: s, vh, vw (and vh2, vw2 for ℓ2), then (ℓ∞) the C channel signs. */
    static final int TABLE = 8;
    /** ℓ2: per round of the chunk, the s×s pseudo-Gaussian block padded to (S, S). */
    static final int ETAS = 9;
    /** ℓ2: per round of the chunk, one sign per sample and channel (R, N, C). */
    static final int SIGNS = 10;
    /** int64 (3): the next round, the first round of the current chunk, the rounds allowed. */
    static final int COUNTER = 11;
    /** ε, one value. */
    static final int EPS = 12;
    /** int64 (3): the window (s, vh, vw) of the pending ℓ∞ proposals; s = 0 before the first round. */
    static final int WINDOW = 13;
    /** ℓ∞: the content of the pending proposals' window before the proposal (M, C, s, s). */
    static final int BEFORE = 14;
    /** Number of state entries. */
    static final int SIZE = 15;

    static final String SOURCE = String.join("\n",
            "class SquareSearch(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def margins(self: __torch__.SquareSearch, logits: Tensor, y: Tensor) -> Tensor:",
            "    yy = y.unsqueeze(1)",
            "    own = logits.gather(1, yy).squeeze(1)",
            "    others = logits.scatter(1, yy, float('-inf')).amax(1)",
            "    return own - others",
            // accept the pending proposals the logits belong to; then the next round's proposals
            "  def step(self: __torch__.SquareSearch, state: List[Tensor], linf: bool, logits: Tensor) -> Tensor:",
            "    margin = state[2]",
            "    active = state[6]",
            "    m = self.margins(logits, state[3].index_select(0, active)).to(margin.dtype)",
            "    improved = (m < margin.index_select(0, active)) | (m <= 0.0)",
            "    rows = active[improved]",
            "    margin.index_copy_(0, rows, m[improved])",
            "    best = state[1]",
            "    if linf:",
            "      self.keepOrRestore(state, improved)",
            "    else:",
            "      best.index_copy_(0, rows, state[7][improved])",
            "    following = (margin > 0.0).nonzero().squeeze(1)",
            "    counter = state[11]",
            "    it = int(counter[0])",
            "    done = following.size(0) == 0 or it >= int(counter[2])",
            "    if linf and (done or following.size(0) != active.size(0)):",
            "      # the compact rows go back to the batch; the samples still robust are gathered again",
            "      best.index_copy_(0, active, state[7])",
            "      state[7] = best.index_select(0, following)",
            "    if done:",
            "      empty = best[0:0]",
            "      state[6] = following[0:0]",
            "      state[7] = empty",
            "      return empty",
            "    counter[0] = it + 1",
            "    r = it - int(counter[1])",
            "    state[6] = following",
            "    if linf:",
            "      proposal = self.linf(state, following, r)",
            "    else:",
            "      proposal = self.l2(state, following, r)",
            "      state[7] = proposal",
            "    return proposal",
            // ℓ∞: the rows of the robust samples (state[7]) are their best points but for the window of the
            // last proposal: a rejected proposal's window gets its old content back
            "  def keepOrRestore(self: __torch__.SquareSearch, state: List[Tensor], improved: Tensor):",
            "    window = state[13]",
            "    s = int(window[0])",
            "    if s > 0:",
            "      vh = int(window[1])",
            "      vw = int(window[2])",
            "      w = state[7][:, :, vh:vh + s, vw:vw + s]",
            "      w.copy_(torch.where(improved.view(-1, 1, 1, 1), w, state[14]))",
            // ℓ∞: one s×s window for the batch, each channel moved to its ±ε vertex there, written in place
            "  def linf(self: __torch__.SquareSearch, state: List[Tensor], active: Tensor, r: int) -> Tensor:",
            "    row = state[8][r]",
            "    s = int(row[0])",
            "    vh = int(row[1])",
            "    vw = int(row[2])",
            "    window = state[13]",
            "    window[0] = s",
            "    window[1] = vh",
            "    window[2] = vw",
            "    current = state[7]",
            "    w = current[:, :, vh:vh + s, vw:vw + s]",
            "    state[14] = w.clone()",
            "    xw = state[0][:, :, vh:vh + s, vw:vw + s].index_select(0, active)",
            "    c = xw.size(1)",
            "    eps = float(state[12])",
            "    signs = row[3:3 + c].to(xw.dtype).view(1, c, 1, 1)",
            "    proposed = torch.min(torch.max(w + 2.0 * eps * signs, xw - eps), xw + eps)",
            "    w.copy_(torch.max(torch.min(proposed, state[5][:, vh:vh + s, vw:vw + s]), state[4][:, vh:vh + s, vw:vw + s]))",
            "    return current",
            // ℓ2: a new block in window 1 on top of its old content, window 2 emptied, renormalised to ε
            "  def l2(self: __torch__.SquareSearch, state: List[Tensor], active: Tensor, r: int) -> Tensor:",
            "    row = state[8][r]",
            "    s = int(row[0])",
            "    vh = int(row[1])",
            "    vw = int(row[2])",
            "    vh2 = int(row[3])",
            "    vw2 = int(row[4])",
            "    x = state[0].index_select(0, active)",
            "    delta = state[1].index_select(0, active) - x",
            "    c = x.size(1)",
            "    eps = float(state[12])",
            "    norms_window_1 = (delta[:, :, vh:vh + s, vw:vw + s] ** 2).sum(dim=[-2, -1], keepdim=True).sqrt()",
            "    mask = torch.zeros_like(x[0:1, 0:1])",
            "    mask[:, :, vh:vh + s, vw:vw + s] = 1.0",
            "    mask[:, :, vh2:vh2 + s, vw2:vw2 + s] = 1.0",
            "    norms_image = (delta ** 2).sum(dim=[1, 2, 3], keepdim=True).sqrt()",
            "    norms_windows = ((delta * mask) ** 2).sum(dim=[-2, -1], keepdim=True).sqrt()",
            "    eta = state[9][r][0:s, 0:s].to(x.dtype).view(1, 1, s, s)",
            "    signs = state[10][r].index_select(0, active).to(x.dtype).view(-1, c, 1, 1)",
            "    new = eta * signs + delta[:, :, vh:vh + s, vw:vw + s] / (1e-12 + norms_window_1)",
            "    budget = (torch.clamp(eps * eps - norms_image ** 2, min=0.0) / c + norms_windows ** 2).sqrt()",
            "    new = new / (1e-12 + (new ** 2).sum(dim=[-2, -1], keepdim=True).sqrt()) * budget",
            "    delta[:, :, vh2:vh2 + s, vw2:vw2 + s] = 0.0",
            "    delta[:, :, vh:vh + s, vw:vw + s] = new",
            "    return self.onSphere(x, delta, eps, state[4], state[5])",
            // x + ε·δ/‖δ‖₂ clipped into the box
            "  def onSphere(self: __torch__.SquareSearch, x: Tensor, delta: Tensor, eps: float, lo: Tensor, hi: Tensor) -> Tensor:",
            "    norms = (delta ** 2).sum(dim=[1, 2, 3], keepdim=True).sqrt()",
            "    return torch.max(torch.min(x + delta / (norms + 1e-12) * eps, hi), lo)",
            // ℓ2 start: the grid of blocks (one block per cell, shared; signs per sample and channel)
            "  def l2Start(self: __torch__.SquareSearch, state: List[Tensor], blocks: Tensor, signs: Tensor, corners: List[int]) -> Tensor:",
            "    x = state[0]",
            "    delta = torch.zeros_like(x)",
            "    s = blocks.size(1)",
            "    for b in range(len(corners) // 2):",
            "      vh = corners[2 * b]",
            "      vw = corners[2 * b + 1]",
            "      block = blocks[b].to(x.dtype).view(1, 1, s, s) * signs[b].to(x.dtype).view(x.size(0), x.size(1), 1, 1)",
            "      delta[:, :, vh:vh + s, vw:vw + s] += block[:, :, 0:x.size(2) - vh, 0:x.size(3) - vw]",
            "    return self.start(state, self.onSphere(x, delta, float(state[12]), state[4], state[5]))",
            // ℓ∞ start: vertical stripes, every column of every channel at x ± ε
            "  def linfStart(self: __torch__.SquareSearch, state: List[Tensor], signs: Tensor) -> Tensor:",
            "    x = state[0]",
            "    start = x + float(state[12]) * signs.to(x.dtype)",
            "    return self.start(state, torch.max(torch.min(start, state[5]), state[4]))",
            "  def start(self: __torch__.SquareSearch, state: List[Tensor], points: Tensor) -> Tensor:",
            "    state[6] = torch.arange(points.size(0), device=points.device)",
            "    state[7] = points",
            "    return points",
            // a new chunk of random numbers, starting at the next round
            "  def refill(self: __torch__.SquareSearch, state: List[Tensor], table: Tensor, etas: Tensor, signs: Tensor) -> int:",
            "    state[8] = table",
            "    state[9] = etas",
            "    state[10] = signs",
            "    state[11][1] = state[11][0]",
            "    return int(state[11][0])",
            "");

    private SquareScript() {}

    /** The compiled module (compiled once per JVM). */
    static TorchScript module() {
        return TorchScript.compiledOnce("SquareSearch", SOURCE);
    }
}
