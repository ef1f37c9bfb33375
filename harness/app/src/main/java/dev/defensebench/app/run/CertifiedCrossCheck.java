package dev.defensebench.app.run;

import dev.defensebench.report.SanityCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The strongest self-check the board runs: at every ε where a certificate of the model itself and an
 * attack of the same norm both exist, no point certified robust may be broken by the attack. A certified
 * point that an attack fools means a bug in the attack (a claim the harness did not catch) or in the
 * certifier. Certificates of another classifier (randomized smoothing certifies the smoothed one) take
 * no part. The check names the first violations: point, certificate and attack.
 */
final class CertifiedCrossCheck {

    /** The check's id in sanity.csv. */
    static final String ID = "certified-never-fooled";

    private static final int NAMED = 5;

    private CertifiedCrossCheck() {}

    /** The verdict for {@code model}; {@code cleanCorrect} per point, {@code labels} the true labels. */
    static SanityCheck evaluate(String model, List<CertifiedOutcome> certified, List<AttackOutcome> attacks,
            long[] labels, boolean[] cleanCorrect) {
        boolean[] cleanWrong = new boolean[cleanCorrect.length];
        for (int i = 0; i < cleanWrong.length; i++) {
            cleanWrong[i] = !cleanCorrect[i];
        }
        List<String> violations = new ArrayList<>();
        int count = 0;
        int compared = 0;
        for (CertifiedOutcome c : certified) {
            if (!c.certifiesModel()) {
                continue;
            }
            for (double eps : c.epsilons()) {
                for (AttackOutcome a : attacks) {
                    boolean[] broken = a.norm() == c.norm() ? a.brokenWithin(eps, cleanWrong) : null;
                    if (broken == null) {
                        continue;
                    }
                    for (int i = 0; i < labels.length; i++) {
                        if (!c.result().certifiedAt(i, labels[i], eps)) {
                            continue;
                        }
                        compared++;
                        if (broken[i]) {
                            count++;
                            if (violations.size() < NAMED) {
                                violations.add(String.format(Locale.ROOT, "point %d certified by %s at %s ε %s (radius %s) "
                                        + "but fooled by %s", i, c.certifier(), c.norm().label(), eps,
                                        c.result().radius()[i], a.attack()));
                            }
                        }
                    }
                }
            }
        }
        if (compared == 0) {
            return new SanityCheck(model, ID, SanityCheck.Status.SKIP, Double.NaN, 0, whySkipped(certified, labels));
        }
        if (count > 0) {
            return new SanityCheck(model, ID, SanityCheck.Status.FAIL, count, 0, count + " certified (point, ε, attack) "
                    + "pairs were fooled: " + String.join("; ", violations) + (count > NAMED ? "; ..." : "")
                    + " (a bug in the attack or in the certificate)");
        }
        return new SanityCheck(model, ID, SanityCheck.Status.PASS, 0, 0, "no attack fooled any of " + compared
                + " certified (point, ε, attack) pairs");
    }

    /**
     * Why nothing could be compared, said so that a skipped check is not read as a passed one: no certificate of
     * the model itself; or such certificates that certify no point at all (e.g. IBP on a network not trained for it),
     * named with their grids; or certified points but no attack of the same norm at or below their ε.
     */
    private static String whySkipped(List<CertifiedOutcome> certified, long[] labels) {
        List<String> empty = new ArrayList<>();
        boolean any = false;
        for (CertifiedOutcome c : certified) {
            if (!c.certifiesModel()) {
                continue;
            }
            any = true;
            boolean none = c.epsilons().stream().filter(eps -> eps > 0).allMatch(eps -> c.result().countCertified(labels, eps) == 0);
            if (none) {
                empty.add(c.certifier() + " (" + c.norm().label() + " ε " + c.epsilons().stream().filter(eps -> eps > 0)
                        .map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")) + ")");
            }
        }
        if (!any) {
            return "no certificate of the model itself (randomized smoothing certifies the smoothed classifier, which the "
                    + "attacks do not attack): nothing to compare";
        }
        if (!empty.isEmpty()) {
            return "not checked: " + String.join(", ", empty) + " certified none of the " + labels.length + " points at any "
                    + "ε > 0 of " + (empty.size() == 1 ? "its grid" : "their grids") + ", so no certified point could be "
                    + "checked against the attacks";
        }
        return "no point is certified for the model itself at an ε where an attack of the same norm ran";
    }
}
