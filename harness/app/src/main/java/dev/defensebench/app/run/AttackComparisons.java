package dev.defensebench.app.run;

import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.AttackTraits.Access;
import java.util.Locale;

/**
 * The sanity checks that compare the suite's attacks with one another, told apart by their declared traits:
 * iterative gradient attacks beat the single-step one, a score-based black-box attack does not beat the best
 * gradient attack, and random noise is the baseline every other attack beats. Part of {@link SanityChecks}.
 */
final class AttackComparisons {

    private AttackComparisons() {}

    /** Iterative fixed-ε gradient attacks (PGD) break at least what the single-step one (FGSM) breaks. */
    static SanityCheck iterativeVersusSingleStep(String model, SanityChecks.Evidence e) {
        double worstMissed = 0;
        double worstGap = 0;
        String where = null;
        for (AttackOutcome f : e.outcomes()) {
            if (!isSingleStep(f.traits())) {
                continue;
            }
            for (AttackOutcome it : e.outcomes()) {
                if (!isIterativeFixedEps(it.traits()) || it.norm() != f.norm()) {
                    continue;
                }
                for (int a = 0; a < f.epsilons().size(); a++) {
                    int b = it.epsilons().indexOf(f.epsilons().get(a));
                    if (b < 0) {
                        continue;
                    }
                    int missed = 0;
                    for (int i = 0; i < f.success()[a].length; i++) {
                        if (f.success()[a][i] && !it.success()[b][i]) {
                            missed++;
                        }
                    }
                    double fraction = (double) missed / f.success()[a].length;
                    double gap = it.robustAccuracy(b) - f.robustAccuracy(a);
                    if (where == null || fraction > worstMissed || gap > worstGap) {
                        where = String.format(Locale.ROOT, "%s at eps=%s", it.attack(), f.epsilons().get(a));
                    }
                    worstMissed = Math.max(worstMissed, fraction);
                    worstGap = Math.max(worstGap, gap);
                }
            }
        }
        if (where == null) {
            return new SanityCheck(model, SanityChecks.PGD_VS_FGSM, Status.SKIP, Double.NaN, SanityChecks.PER_POINT_SLACK,
                    "needs a single-step gradient attack (fgsm) and an iterative fixed-epsilon gradient or ensemble "
                            + "attack at a common epsilon of the same norm");
        }
        Status status = worstGap > SanityChecks.TOLERANCE ? Status.FAIL
                : worstMissed > SanityChecks.PER_POINT_SLACK + SanityChecks.TOLERANCE ? Status.WARN : Status.PASS;
        return new SanityCheck(model, SanityChecks.PGD_VS_FGSM, status, worstMissed, SanityChecks.PER_POINT_SLACK, String.format(Locale.ROOT,
                "iterative attacks leave unbroken at most %s of the points FGSM breaks and have at most %s more "
                        + "robust accuracy than FGSM (worst: %s)", SanityChecks.pts(worstMissed), SanityChecks.pts(worstGap), where));
    }

    /** A score-based black-box attack (Square) does not beat the best gradient attack (masked gradients). */
    static SanityCheck blackBoxNotStronger(String model, SanityChecks.Evidence e) {
        boolean[] cleanWrong = SanityChecks.cleanWrong(e);
        double worst = Double.NaN;
        String where = null;
        for (AttackOutcome sq : e.outcomes()) {
            if (sq.traits().access() != Access.SCORE) {
                continue;
            }
            for (int k = 0; k < sq.epsilons().size(); k++) {
                double eps = sq.epsilons().get(k);
                double best = Double.NaN;
                String bestName = null;
                for (AttackOutcome o : e.outcomes()) {
                    if (o.norm() != sq.norm() || o.traits().access() != Access.GRADIENT) {
                        continue;
                    }
                    if (!o.isMinNorm() && !o.epsilons().contains(eps)) {
                        continue;
                    }
                    double acc = SanityChecks.robust(o.brokenWithin(eps, cleanWrong));
                    if (Double.isNaN(best) || acc < best) {
                        best = acc;
                        bestName = o.attack();
                    }
                }
                if (Double.isNaN(best)) {
                    continue;
                }
                double advantage = best - sq.robustAccuracy(k);
                if (where == null || advantage > worst) {
                    worst = advantage;
                    where = String.format(Locale.ROOT, "%s at eps=%s, best white-box %s", sq.attack(), eps, bestName);
                }
            }
        }
        if (where == null) {
            return new SanityCheck(model, SanityChecks.BLACK_BOX, Status.SKIP, Double.NaN, SanityChecks.BLACK_BOX_SLACK,
                    "needs a score-based black-box attack (square) and a gradient attack at a common epsilon of the same norm");
        }
        return new SanityCheck(model, SanityChecks.BLACK_BOX, worst <= SanityChecks.BLACK_BOX_SLACK + SanityChecks.TOLERANCE ? Status.PASS : Status.FAIL, worst,
                SanityChecks.BLACK_BOX_SLACK, "the black-box robust accuracy is lower than the best white-box attack's by " + SanityChecks.pts(worst)
                        + " (" + where + ")" + (worst > SanityChecks.BLACK_BOX_SLACK + SanityChecks.TOLERANCE ? ": gradients are likely masked" : ""));
    }

    /** Every attack is at least as strong as random noise at a common ε. */
    static SanityCheck noiseWeaker(String model, SanityChecks.Evidence e) {
        boolean[] cleanWrong = SanityChecks.cleanWrong(e);
        double worst = Double.NaN;
        String where = null;
        for (AttackOutcome nz : e.outcomes()) {
            if (nz.traits().access() != Access.RANDOM) {
                continue;
            }
            for (int k = 0; k < nz.epsilons().size(); k++) {
                double eps = nz.epsilons().get(k);
                for (AttackOutcome o : e.outcomes()) {
                    if (o == nz || o.norm() != nz.norm() || o.traits().access() == Access.RANDOM
                            || (!o.isMinNorm() && !o.epsilons().contains(eps))) {
                        continue;
                    }
                    double advantage = SanityChecks.robust(o.brokenWithin(eps, cleanWrong)) - nz.robustAccuracy(k);
                    if (where == null || advantage > worst) {
                        worst = advantage;
                        where = String.format(Locale.ROOT, "%s at eps=%s", o.attack(), eps);
                    }
                }
            }
        }
        if (where == null) {
            return new SanityCheck(model, SanityChecks.NOISE, Status.SKIP, Double.NaN, 0,
                    "needs a random-noise attack and another attack at a common epsilon of the same norm");
        }
        Status status = worst <= SanityChecks.TOLERANCE ? Status.PASS
                : worst <= SanityChecks.PER_POINT_SLACK + SanityChecks.TOLERANCE ? Status.WARN : Status.FAIL;
        return new SanityCheck(model, SanityChecks.NOISE, status, worst, 0, worst <= SanityChecks.TOLERANCE
                ? "every attack is at least as strong as random noise (closest: " + where + ")"
                : "random noise is stronger than " + where + " by " + SanityChecks.pts(worst));
    }

    /** A single-step fixed-ε gradient attack (FGSM): the reference iterative attacks must beat. */
    private static boolean isSingleStep(AttackTraits t) {
        return t.access() == Access.GRADIENT && !t.isIterative() && !t.minNorm();
    }

    /** An iterative fixed-ε attack that follows gradients (alone or in an ensemble). */
    private static boolean isIterativeFixedEps(AttackTraits t) {
        return t.isIterative() && !t.minNorm() && (t.access() == Access.GRADIENT || t.access() == Access.ENSEMBLE);
    }
}
