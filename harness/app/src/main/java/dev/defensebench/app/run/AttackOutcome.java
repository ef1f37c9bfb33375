package dev.defensebench.app.run;

import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Norm;
import java.util.List;

/**
 * One attack entry's per-sample results on the whole test subset, the input of the worst case and the
 * sanity checks.
 *
 * @param attack the attack id, e.g. "fgsm"
 * @param traits what the attack declares it is
 * @param norm the threat model's norm
 * @param epsilons the entry's ε grid
 * @param success per ε of the grid, per sample: broken (misclassified clean points count as broken)
 * @param distances for a min-norm attack, per sample the norm of the adversarial perturbation found
 *     (+Inf where none was found); null for a fixed-ε attack
 * @param seconds wall-clock time of the whole run
 * @param claims how many of the attack's claims the harness checked ({@link AttackClaims})
 * @param falseClaims how many of them failed the check (and count as not fooled)
 */
public record AttackOutcome(String attack, AttackTraits traits, Norm norm, List<Double> epsilons, boolean[][] success,
        float[] distances, double seconds, int claims, int falseClaims) {

    public AttackOutcome {
        epsilons = List.copyOf(epsilons);
        if (success.length != epsilons.size()) {
            throw new IllegalArgumentException(
                    attack + ": " + success.length + " success rows for " + epsilons.size() + " epsilons");
        }
    }

    /** Whether the attack is min-norm (its distances can be thresholded at any ε). */
    public boolean isMinNorm() {
        return distances != null;
    }

    /** The number of test points. */
    public int samples() {
        return success.length > 0 ? success[0].length : distances == null ? 0 : distances.length;
    }

    /**
     * Per sample, whether this attack breaks the point within budget {@code eps}: a min-norm attack when
     * its distance is at most ε; a fixed-ε attack when it broke the point at the largest ε of its grid
     * that is at most {@code eps} (a perturbation inside a smaller ball is inside the larger one). A
     * point misclassified without attack ({@code cleanWrong}) is always broken. Null when a fixed-ε
     * attack has no grid point at or below {@code eps}.
     */
    public boolean[] brokenWithin(double eps, boolean[] cleanWrong) {
        int n = cleanWrong.length;
        boolean[] broken = new boolean[n];
        if (isMinNorm()) {
            for (int i = 0; i < n; i++) {
                broken[i] = cleanWrong[i] || distances[i] <= eps;
            }
            return broken;
        }
        int best = -1;
        for (int e = 0; e < epsilons.size(); e++) {
            if (epsilons.get(e) <= eps && (best < 0 || epsilons.get(e) > epsilons.get(best))) {
                best = e;
            }
        }
        if (best < 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            broken[i] = cleanWrong[i] || success[best][i];
        }
        return broken;
    }

    /** Robust accuracy at grid index {@code e}. */
    public double robustAccuracy(int e) {
        int robust = 0;
        for (boolean s : success[e]) {
            if (!s) {
                robust++;
            }
        }
        return (double) robust / success[e].length;
    }

    /** The median distance over the points where {@code use} is true (+Inf counts as not found); NaN without any. */
    public double medianDistance(boolean[] use) {
        double[] picked = java.util.stream.IntStream.range(0, distances.length).filter(i -> use[i])
                .mapToDouble(i -> distances[i]).sorted().toArray();
        if (picked.length == 0) {
            return Double.NaN;
        }
        int mid = picked.length / 2;
        return picked.length % 2 == 1 ? picked[mid] : (picked[mid - 1] + picked[mid]) / 2;
    }
}
