package dev.defensebench.attacks;

/**
 * How many target classes one run of a targeted attack (APGD-T, FAB-T) takes when the targets run together, the
 * points stacked once per target: few points make small batches, which cost more per image than full ones.
 */
final class TargetGroups {

    private TargetGroups() {}

    /**
     * Of the {@code left} targets, as many as fit in {@code rows} rows with {@code points} points each (at least
     * one), spread evenly over the runs the remaining targets then need.
     */
    static int size(int left, int points, int rows) {
        int fit = Math.max(1, Math.min(left, rows / Math.max(points, 1)));
        int runs = (left + fit - 1) / fit;
        return (left + runs - 1) / runs;
    }
}
