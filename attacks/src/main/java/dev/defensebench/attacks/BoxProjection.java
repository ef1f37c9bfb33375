package dev.defensebench.attacks;

import dev.defensebench.spi.Norm;
import java.util.Arrays;

/**
 * The smallest step from a point onto a hyperplane {@code w·z = b} that stays inside a box, in L2 or
 * Linf (FAB's projection, Croce and Hein 2020, {@code fab_projections.py}), solved exactly per sample for
 * any box (the original's assumes [0, 1]). Each coordinate moves in the direction that brings {@code w·z}
 * towards {@code b}, by {@code min(τ·u_i, room_i)} with {@code u_i = 1} (Linf: every coordinate moves by the
 * same amount until it hits the box) or {@code u_i = |w_i|} (L2: the KKT solution of the box-constrained
 * projection). When the box holds no point of the hyperplane, the step is the unconstrained projection
 * (the caller clips into the box, as the original does).
 *
 * <p>τ solves {@code g(τ) = |b - w·t|} for the gain {@code g(τ) = Σ |w_i| min(τ u_i, room_i)}, which is
 * increasing, concave and piecewise linear. Newton's method from τ = 0 never overshoots such a function
 * (its tangents lie above it) and is exact once on the last segment, so it ends after a few passes over
 * the coordinates (about four on MNIST). The original sorts the breakpoints instead; that stays here as the
 * fallback when Newton has not converged after {@link #NEWTON_STEPS} steps. One instance per thread: it
 * keeps its work arrays between calls, so that a FAB iteration allocates nothing per sample.
 */
final class BoxProjection {

    /** Newton steps before the exact sort of the breakpoints takes over. */
    static final int NEWTON_STEPS = 32;

    private final float[] lo;
    private final float[] hi;
    private final boolean linf;
    private final int newtonSteps;
    private final double[] direction;
    private final double[] absW;
    private final double[] rate;
    private final double[] weight;
    private final double[] room;
    private final double[] breaks;

    BoxProjection(float[] lo, float[] hi, Norm norm) {
        this(lo, hi, norm, NEWTON_STEPS);
    }

    /** With a chosen Newton budget (0: always the sorted breakpoints), for the tests of both paths. */
    BoxProjection(float[] lo, float[] hi, Norm norm, int newtonSteps) {
        this.lo = lo;
        this.hi = hi;
        this.linf = norm == Norm.LINF;
        this.newtonSteps = newtonSteps;
        int d = lo.length;
        this.direction = new double[d];
        this.absW = new double[d];
        this.rate = new double[d];
        this.weight = new double[d];
        this.room = new double[d];
        this.breaks = new double[d];
    }

    /**
     * Writes the step from {@code t[from..from+D)} onto {@code w·z = b} (w is {@code w[wFrom..wFrom+D)}) into
     * {@code out[outFrom..outFrom+D)} and returns its size in the projection's norm.
     */
    double step(double[] t, int from, double[] w, int wFrom, double b, double[] out, int outFrom) {
        int d = lo.length;
        double c = b;
        for (int i = 0; i < d; i++) {
            c -= w[wFrom + i] * t[from + i];
        }
        double sign = Math.signum(c);
        double need = Math.abs(c);
        double slope = 0;
        for (int i = 0; i < d; i++) {
            double wi = w[wFrom + i];
            double dir = sign * Math.signum(wi);
            double a = Math.abs(wi);
            double x = t[from + i];
            direction[i] = dir;
            absW[i] = a;
            rate[i] = linf ? 1 : a;
            weight[i] = a * rate[i];
            room[i] = dir > 0 ? Math.max(0, hi[i] - x) : dir < 0 ? Math.max(0, x - lo[i]) : 0;
            slope += weight[i];
        }
        if (c == 0 || !(slope > 0)) {
            Arrays.fill(out, outFrom, outFrom + d, 0);
            return 0;
        }
        double tau = newton(need);
        if (Double.isNaN(tau)) {
            tau = sorted(need);
        }
        boolean feasible = tau >= 0;
        double free = need / slope;
        double size = 0;
        for (int i = 0; i < d; i++) {
            double move = feasible ? Math.min(tau * rate[i], room[i]) : free * rate[i];
            double v = direction[i] * move;
            out[outFrom + i] = v;
            size = linf ? Math.max(size, Math.abs(v)) : size + v * v;
        }
        return linf ? size : Math.sqrt(size);
    }

    /**
     * τ by Newton's method; -1 when the box caps the gain below {@code need} (every moving coordinate
     * saturated, gain still short), NaN when it has not converged within the budget.
     */
    private double newton(double need) {
        int d = lo.length;
        double tau = 0;
        for (int step = 0; step < newtonSteps; step++) {
            double gain = 0;
            double slope = 0;
            for (int i = 0; i < d; i++) {
                double m = tau * rate[i];
                double r = room[i];
                gain += absW[i] * Math.min(m, r);
                slope += m < r ? weight[i] : 0;
            }
            double gap = need - gain;
            if (gap <= 1e-12 * need) {
                return tau;
            }
            if (!(slope > 0)) {
                return -1;
            }
            tau += gap / slope;
        }
        return Double.NaN;
    }

    /**
     * τ from the sorted breakpoints {@code room_i / u_i}: g is linear between consecutive ones, so a binary
     * search finds the segment and a linear interpolation the exact τ; -1 when the box caps the gain.
     */
    private double sorted(double need) {
        int used = 0;
        for (int i = 0; i < lo.length; i++) {
            if (absW[i] != 0) {
                breaks[used++] = room[i] / rate[i];
            }
        }
        Arrays.sort(breaks, 0, used);
        if (used == 0 || gain(breaks[used - 1]) < need) {
            return -1;
        }
        int low = 0;
        int high = used - 1;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (gain(breaks[mid]) >= need) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        double from = low == 0 ? 0 : breaks[low - 1];
        double gainFrom = gain(from);
        double gainTo = gain(breaks[low]);
        return gainTo == gainFrom ? from : from + (need - gainFrom) * (breaks[low] - from) / (gainTo - gainFrom);
    }

    private double gain(double tau) {
        double g = 0;
        for (int i = 0; i < lo.length; i++) {
            g += absW[i] * Math.min(tau * rate[i], room[i]);
        }
        return g;
    }
}
