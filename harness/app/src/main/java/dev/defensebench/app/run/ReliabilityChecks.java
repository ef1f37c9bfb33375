package dev.defensebench.app.run;

import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import java.util.Locale;

/**
 * The sanity checks about the evaluation the ranking rests on: every attack ran as it is specified (an
 * AutoAttack that skipped its targeted stages for lack of classes is not AutoAttack), and the quick attacks
 * of the suite do not overestimate robustness against the reliable evaluation by more than {@value
 * #QUICK_SLACK_POINTS} points (RobustBench's reason to rank by AutoAttack: a defense tuned against weak
 * attacks looks robust under them).
 */
final class ReliabilityChecks {

    /** Check id: every attack ran as specified. */
    static final String AS_SPECIFIED = "attacks-ran-as-specified";
    /** Check id: the quick attacks are within {@value #QUICK_SLACK_POINTS} points of the reliable evaluation. */
    static final String QUICK_VS_RELIABLE = "quick-attacks-not-overestimating";
    /** How many points above the reliable evaluation the quick attacks' per-point worst case may be. */
    static final double QUICK_SLACK_POINTS = 2;
    private static final double QUICK_SLACK = QUICK_SLACK_POINTS / 100;
    private static final double TOLERANCE = 1e-9;

    private ReliabilityChecks() {}

    /** Warns when an attack could not run as specified on this model, naming what it left out. */
    static SanityCheck asSpecified(String model, SanityChecks.Evidence e) {
        if (e.outcomes().isEmpty()) {
            return new SanityCheck(model, AS_SPECIFIED, Status.SKIP, Double.NaN, 0, "no attack ran");
        }
        if (e.shortfalls().isEmpty()) {
            return new SanityCheck(model, AS_SPECIFIED, Status.PASS, 0, 0, "every attack ran as specified");
        }
        return new SanityCheck(model, AS_SPECIFIED, Status.WARN, e.shortfalls().size(), 0,
                String.join("; ", e.shortfalls()) + ": not the evaluation its name stands for, and not reliable");
    }

    /**
     * Compares every reliable evaluation, at each ε of its grid, with the per-point worst case of the other
     * attacks of its norm there (fixed-ε ones at their largest ε not above it, min-norm ones thresholded);
     * warns when the others leave more than {@value #QUICK_SLACK_POINTS} points more accuracy.
     */
    static SanityCheck quickVersusReliable(String model, SanityChecks.Evidence e) {
        boolean[] cleanWrong = SanityChecks.cleanWrong(e);
        double worst = Double.NaN;
        String where = null;
        for (AttackOutcome reliable : e.reliable()) {
            for (int k = 0; k < reliable.epsilons().size(); k++) {
                double eps = reliable.epsilons().get(k);
                boolean[] quick = quickBroken(e, reliable, eps, cleanWrong);
                if (quick == null) {
                    continue;
                }
                double quickAccuracy = SanityChecks.robust(quick);
                double gap = quickAccuracy - reliable.robustAccuracy(k);
                if (where == null || gap > worst) {
                    worst = gap;
                    where = String.format(Locale.ROOT, "%s %s eps=%s leaves %s, the other attacks %s", reliable.attack(),
                            reliable.norm().label(), eps, SanityChecks.pct(reliable.robustAccuracy(k)),
                            SanityChecks.pct(quickAccuracy));
                }
            }
        }
        if (where == null) {
            return new SanityCheck(model, QUICK_VS_RELIABLE, Status.SKIP, Double.NaN, QUICK_SLACK,
                    "needs a reliable evaluation (AutoAttack standard) and another attack of its norm at or below one of its epsilons");
        }
        boolean over = worst > QUICK_SLACK + TOLERANCE;
        return new SanityCheck(model, QUICK_VS_RELIABLE, over ? Status.WARN : Status.PASS, worst, QUICK_SLACK,
                where + " (" + SanityChecks.pts(worst) + " higher)"
                        + (over ? ": the quick attacks overestimate robustness on this model; trust the reliable number" : ""));
    }

    /** The points the attacks other than the reliable ones break within {@code eps}; null when none applies. */
    private static boolean[] quickBroken(SanityChecks.Evidence e, AttackOutcome reference, double eps, boolean[] cleanWrong) {
        boolean[] broken = null;
        for (AttackOutcome o : e.outcomes()) {
            if (e.reliable().contains(o) || o.norm() != reference.norm()) {
                continue;
            }
            boolean[] b = o.brokenWithin(eps, cleanWrong);
            if (b == null) {
                continue;
            }
            if (broken == null) {
                broken = cleanWrong.clone();
            }
            for (int i = 0; i < b.length; i++) {
                broken[i] |= b[i];
            }
        }
        return broken;
    }
}
