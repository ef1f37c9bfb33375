package dev.defensebench.defenses;

import java.util.Arrays;

/**
 * Euclidean projection onto the probability simplex {@code {w : w ≥ 0, Σw = 1}} (the sort-based algorithm
 * of Duchi et al. 2008): {@code w = max(v − θ, 0)} with θ chosen so that the result sums to one.
 */
final class SimplexProjection {

    private SimplexProjection() {}

    /** The projection of {@code v} (not modified). */
    static float[] project(float[] v) {
        float[] sorted = v.clone();
        Arrays.sort(sorted);
        double cumulative = 0;
        double theta = 0;
        for (int j = 1; j <= sorted.length; j++) {
            float u = sorted[sorted.length - j];
            cumulative += u;
            double candidate = (cumulative - 1) / j;
            if (u - candidate > 0) {
                theta = candidate;
            }
        }
        float[] w = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            w[i] = (float) Math.max(v[i] - theta, 0);
        }
        return w;
    }
}
