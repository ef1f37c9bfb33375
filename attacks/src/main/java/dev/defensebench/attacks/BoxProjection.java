package dev.defensebench.attacks;

import dev.defensebench.spi.Norm;
import java.util.Arrays;

/**
 * The smallest step from a point onto a hyperplane {@code w·z = b} that stays inside a box, in L2 or
 * Linf (FAB's projection, Croce and Hein 2020), solved exactly per sample. Each coordinate moves in the
 * direction that brings {@code w·z} towards {@code b}, by {@code min(τ·u_i, room_i)} with {@code u_i = 1}
 * (Linf: every coordinate moves by the same amount until it hits the box) or {@code u_i = |w_i|} (L2: the
 * KKT solution of the box-constrained projection); the gain in {@code w·z} is piecewise linear in τ,
 * so one sort of the breakpoints {@code room_i / u_i} finds τ. When the box holds no point of the
 * hyperplane, the step is the unconstrained projection (the caller clips into the box, as the original
 * does).
 */
final class BoxProjection {

    private BoxProjection() {}

    /**
     * The step d (length D) from {@code t[offset..offset+D)}; {@code lo}/{@code hi} are the box bounds.
     */
    static double[] step(double[] t, int offset, double[] w, double b, float[] lo, float[] hi, Norm norm) {
        int d = w.length;
        double c = b;
        for (int i = 0; i < d; i++) {
            c -= w[i] * t[offset + i];
        }
        double[] step = new double[d];
        if (c == 0) {
            return step;
        }
        double sign = Math.signum(c);
        double need = Math.abs(c);
        double[] direction = new double[d];
        double[] rate = new double[d];
        double[] room = new double[d];
        double slope = 0;
        for (int i = 0; i < d; i++) {
            direction[i] = sign * Math.signum(w[i]);
            double a = Math.abs(w[i]);
            rate[i] = norm == Norm.LINF ? 1 : a;
            double x = t[offset + i];
            room[i] = direction[i] > 0 ? Math.max(0, hi[i] - x) : direction[i] < 0 ? Math.max(0, x - lo[i]) : 0;
            slope += a * rate[i];
        }
        double unconstrained = need / slope;
        double tau = Double.isFinite(unconstrained) ? solve(need, w, rate, room) : 0;
        boolean feasible = !Double.isNaN(tau);
        for (int i = 0; i < d; i++) {
            double move = feasible ? Math.min(tau * rate[i], room[i]) : unconstrained * rate[i];
            step[i] = direction[i] * move;
        }
        return step;
    }

    /**
     * The τ where the gain {@code g(τ) = Σ |w_i| min(τ u_i, room_i)} reaches {@code need}; NaN when the box
     * caps the gain below it. g is linear between consecutive breakpoints, so a binary search over the
     * sorted breakpoints finds the segment and a linear interpolation the exact τ.
     */
    private static double solve(double need, double[] w, double[] rate, double[] room) {
        double[] sorted = new double[w.length];
        int used = 0;
        for (int i = 0; i < w.length; i++) {
            if (w[i] != 0) {
                sorted[used++] = room[i] / rate[i];
            }
        }
        sorted = Arrays.copyOf(sorted, used);
        Arrays.sort(sorted);
        if (used == 0 || gain(sorted[used - 1], w, rate, room) < need) {
            return Double.NaN;
        }
        int low = 0;
        int high = used - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (gain(sorted[mid], w, rate, room) >= need) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        double from = low == 0 ? 0 : sorted[low - 1];
        double gainFrom = gain(from, w, rate, room);
        double gainTo = gain(sorted[low], w, rate, room);
        return gainTo == gainFrom ? from : from + (need - gainFrom) * (sorted[low] - from) / (gainTo - gainFrom);
    }

    private static double gain(double tau, double[] w, double[] rate, double[] room) {
        double g = 0;
        for (int i = 0; i < w.length; i++) {
            g += Math.abs(w[i]) * Math.min(tau * rate[i], room[i]);
        }
        return g;
    }
}
