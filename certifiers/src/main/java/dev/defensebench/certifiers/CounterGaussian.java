package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.TorchScript;

/**
 * Counter-based Gaussian noise computed by libtorch on the device of the point it perturbs: element {@code e}
 * of draw {@code d} of a stream with key {@code K} is a pure function of {@code K}, {@code d} and {@code e}, so a
 * draw does not depend on how the draws are batched, on the device, or on the threads.
 *
 * <p>The integer part is SplitMix64 (Steele, Lea, Flood, OOPSLA 2014): counter {@code c} gives the 64-bit word
 * {@code mix64(K + (c + 1)·γ)}, γ = 0x9E3779B97F4A7C15, computed with int64 tensor operations (wrapping
 * multiplication, logical shifts as arithmetic shifts plus masks). These words are exactly those of
 * {@code new java.util.SplittableRandom(K).nextLong()}, call {@code c + 1}. Box–Muller maps each word to two
 * independent N(0, 1) values in float64: its high 32 bits {@code h} give u₁ = (h + 1)·2⁻³² ∈ (0, 1] (never log 0),
 * its low 32 bits {@code l} give θ = 2π·l·2⁻³², and r = √(−2 ln u₁); a draw of P elements takes H = ⌈P/2⌉ words
 * (counters d·H … d·H + H − 1), element e &lt; H is r·cos θ of word e and element H + e is r·sin θ of word e, each
 * rounded to float32 (|z| ≤ 6.66). The rounding to float32 makes the values independent of the transcendental functions' last-bit differences
 * between kernels except when a float64 result lies within one of its ulps of a float32 rounding boundary.
 *
 * <p>An instance is one stream with a cursor: each {@link #noisy} call takes the next draws, so consecutive
 * calls see fresh noise, and the draws are the same however the calls split them.
 */
public final class CounterGaussian {

    private static final String SOURCE = String.join("\n",
            "class CounterGaussian(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            // dtype codes: 4 int64, 6 float32, 7 float64
            // SplitMix64's words of counters first·H + 1 … (first + count)·H, H = ⌈like.numel() / 2⌉: shape (count, H)
            "  def words(self: __torch__.CounterGaussian, like: Tensor, key: int, first: int, count: int) -> Tensor:",
            "    half = (like.numel() + 1) // 2",
            "    draws = torch.arange(first, first + count, dtype=4, device=like.device)",
            "    elements = torch.arange(1, half + 1, dtype=4, device=like.device)",
            "    z = (draws.unsqueeze(1) * half + elements.unsqueeze(0)).mul_(-7046029254386353131).add_(key)",
            "    z = z.bitwise_xor_(torch.bitwise_right_shift(z, 30).bitwise_and_(17179869183)).mul_(-4658895280553007687)",
            "    z = z.bitwise_xor_(torch.bitwise_right_shift(z, 27).bitwise_and_(137438953471)).mul_(-7723592293110705685)",
            "    return z.bitwise_xor_(torch.bitwise_right_shift(z, 31).bitwise_and_(8589934591))",
            // Box–Muller of each word: element e < H is r·cos θ of word e, element H + e is r·sin θ of word e;
            // float32, shape (count, P)
            "  def normals(self: __torch__.CounterGaussian, like: Tensor, key: int, first: int, count: int) -> Tensor:",
            "    w = self.words(like, key, first, count)",
            "    u1 = torch.bitwise_right_shift(w, 32).bitwise_and_(4294967295).add_(1).to(7)",
            "    theta = w.bitwise_and_(4294967295).to(7).mul_(1.4629180792671596e-09)",
            "    r = u1.mul_(2.3283064365386963e-10).log_().mul_(-2.0).sqrt_()",
            "    z = torch.cat([torch.cos(theta).mul_(r).to(6), theta.sin_().mul_(r).to(6)], 1)",
            "    return z[:, 0:like.numel()]",
            // count noisy copies point + σ·z, shape (count, *point.shape), point's dtype
            "  def noisy(self: __torch__.CounterGaussian, point: Tensor, key: int, first: int, count: int,",
            "      sigma: float) -> Tensor:",
            "    z = self.normals(point, key, first, count).to(point.dtype).mul_(sigma)",
            "    shape = [count] + point.size()",
            "    return z.reshape(shape).add_(point.unsqueeze(0))",
            "");

    private final long key;
    private long next;

    private CounterGaussian(long key) {
        this.key = key;
    }

    /**
     * The stream of test point {@code index} under {@code seed}, key {@code mix64(mix64(seed) + index)}: the
     * points of one seed get distinct keys (mix64 is a bijection), and a seed's keys look unrelated to another's.
     */
    public static CounterGaussian forPoint(long seed, long index) {
        return new CounterGaussian(key(seed, index));
    }

    static long key(long seed, long index) {
        return mix64(mix64(seed) + index);
    }

    /** The stream of key {@code key}, at its first draw. */
    static CounterGaussian ofKey(long key) {
        return new CounterGaussian(key);
    }

    /**
     * The next {@code count} noisy copies {@code point + σ·z} (shape {@code (count, *point.shape)}, the point's
     * data type, on its device, owned by its manager); advances the stream by {@code count} draws.
     */
    public NDArray noisy(NDArray point, int count, double sigma) {
        NDArray copies = call("noisy", point, IValue.from((PtNDArray) point), IValue.from(key), IValue.from(next),
                IValue.from((long) count), IValue.from(sigma));
        next += count;
        return copies;
    }

    /** The standard normal values (float32, shape (count, elements of {@code like})) of those draws. */
    static NDArray normals(NDArray like, long key, long first, int count) {
        return call("normals", like, IValue.from((PtNDArray) like), IValue.from(key), IValue.from(first),
                IValue.from((long) count));
    }

    /** The SplitMix64 words (int64, shape (count, elements of {@code like})) of those draws. */
    static NDArray words(NDArray like, long key, long first, int count) {
        return call("words", like, IValue.from((PtNDArray) like), IValue.from(key), IValue.from(first),
                IValue.from((long) count));
    }

    private static NDArray call(String method, NDArray owner, IValue... inputs) {
        return TorchScript.compiledOnce("CounterGaussian", SOURCE).runForTensor(method, (PtNDManager) owner.getManager(),
                inputs);
    }

    /** SplitMix64's (and {@code SplittableRandom}'s) finaliser. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
