package dev.defensebench.app.run;

import dev.defensebench.spi.Norm;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The per-point worst case over all attacks of one norm (never an average of success rates): at every ε
 * of the union of that norm's grids, a point is broken when any attack breaks it within ε (min-norm
 * attacks thresholded at that ε, fixed-ε attacks at their largest grid ε not above it).
 */
public final class WorstCase {

    /** The attack id of the worst-case rows in results.csv. */
    public static final String ATTACK = "worst-case";

    /**
     * The worst case at one ε.
     *
     * @param norm the norm
     * @param epsilon the budget
     * @param broken per sample, broken by at least one attack
     * @param attacks the attack ids that were combined at this ε
     * @param seconds the summed wall time of those attacks
     */
    public record Point(Norm norm, double epsilon, boolean[] broken, List<String> attacks, double seconds) {

        /** Fraction of points no attack broke. */
        public double robustAccuracy() {
            return (double) robustCount() / broken.length;
        }

        /** Number of points no attack broke. */
        public int robustCount() {
            int r = 0;
            for (boolean b : broken) {
                if (!b) {
                    r++;
                }
            }
            return r;
        }
    }

    private WorstCase() {}

    /**
     * Whether one of the {@code reliable} evaluations ({@link dev.defensebench.spi.Attack#isReliable})
     * contributed to {@code point} at exactly its ε: a min-norm one always does (its distances are
     * thresholded there), a fixed-ε one only when ε is on its grid (a run at a smaller ε is folded in,
     * but says nothing reliable about the larger ball).
     */
    public static boolean reliableAt(Point point, List<AttackOutcome> reliable) {
        return reliable.stream().anyMatch(o -> o.norm() == point.norm()
                && (o.isMinNorm() || o.epsilons().stream().anyMatch(e -> Double.compare(e, point.epsilon()) == 0)));
    }

    /** The worst case per norm (in order of first appearance) and ε (ascending). */
    public static List<Point> of(List<AttackOutcome> outcomes, boolean[] cleanCorrect) {
        boolean[] cleanWrong = new boolean[cleanCorrect.length];
        for (int i = 0; i < cleanWrong.length; i++) {
            cleanWrong[i] = !cleanCorrect[i];
        }
        Set<Norm> norms = new LinkedHashSet<>();
        outcomes.forEach(o -> norms.add(o.norm()));
        List<Point> points = new ArrayList<>();
        for (Norm norm : norms) {
            List<AttackOutcome> same = outcomes.stream().filter(o -> o.norm() == norm).toList();
            TreeSet<Double> grid = new TreeSet<>();
            same.forEach(o -> grid.addAll(o.epsilons()));
            for (double eps : grid) {
                boolean[] broken = cleanWrong.clone();
                Set<String> used = new LinkedHashSet<>();
                double seconds = 0;
                for (AttackOutcome o : same) {
                    boolean[] b = o.brokenWithin(eps, cleanWrong);
                    if (b == null) {
                        continue;
                    }
                    used.add(o.attack());
                    seconds += o.seconds();
                    for (int i = 0; i < broken.length; i++) {
                        broken[i] |= b[i];
                    }
                }
                points.add(new Point(norm, eps, broken, List.copyOf(used), seconds));
            }
        }
        return points;
    }
}
