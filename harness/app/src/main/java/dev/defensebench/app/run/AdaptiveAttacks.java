package dev.defensebench.app.run;

import dev.defensebench.adaptive.EotClassifier;
import dev.defensebench.adaptive.TransformProbe;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The adaptive evaluation of a defense that transforms its input (docs/adaptive-evaluation.md): which
 * classifier the suite's fixed-ε gradient attacks run against again (BPDA when the transform gives no
 * usable gradients, EOT over {@value #EOT_DRAWS} draws when it is randomized, both when both), how those
 * runs are named in results.csv, and the sanity check {@value #CHECK} that fails when the robustness the
 * plain attacks measured vanishes under the adaptive ones.
 *
 * @param probe what probing the transformed classifier found
 * @param classifier the classifier the adaptive runs attack
 * @param suffix appended to the attack ids of the adaptive rows, e.g. "+bpda", "+eot", "+bpda+eot"
 * @param label appended to their display names, e.g. "BPDA", "EOT×20"
 */
record AdaptiveAttacks(TransformProbe probe, Classifier classifier, String suffix, String label) {

    /** Draws per EOT gradient: AutoAttack's {@code rand} version (APGD-CE, APGD-DLR with 20 EOT iterations). */
    static final int EOT_DRAWS = 20;
    /** The id of the sanity check. */
    static final String CHECK = "adaptive-attack";
    /** A drop of the worst case by at least this much (and to less than half) means the robustness vanished. */
    static final double VANISHING_DROP = 0.10;

    /** The adaptive attacks {@code probe} calls for on {@code model}, or null when its transform needs none. */
    static AdaptiveAttacks of(TransformedClassifier model, TransformProbe probe) {
        if (!probe.nonDifferentiable() && !probe.randomized()) {
            return null;
        }
        Classifier attacked = probe.nonDifferentiable() ? model.bpda() : model;
        List<String> ids = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (probe.nonDifferentiable()) {
            ids.add("bpda");
            labels.add("BPDA");
        }
        if (probe.randomized()) {
            attacked = new EotClassifier(attacked, EOT_DRAWS);
            ids.add("eot");
            labels.add("EOT×" + EOT_DRAWS);
        }
        return new AdaptiveAttacks(probe, attacked, "+" + String.join("+", ids), String.join("+", labels));
    }

    /** Whether an attack is run again adaptively: the fixed-ε attacks that follow input gradients. */
    static boolean adapts(AttackTraits traits) {
        return traits.needsGradients() && !traits.minNorm();
    }

    /** {@code run} (an adaptive rerun) under its adaptive id and display name. */
    AttackOutcome renamed(AttackOutcome run) {
        AttackTraits t = run.traits();
        AttackTraits traits = new AttackTraits(t.displayName() + " (" + label + ")", t.access(), t.stepParameter(),
                t.minNorm(), t.givesRho2());
        return new AttackOutcome(run.attack() + suffix, traits, run.norm(), run.epsilons(), run.success(), run.distances(),
                run.seconds(), run.claims(), run.falseClaims());
    }

    /**
     * The check of a transformation defense's entry: fail when, at some norm and ε, the worst case over all
     * attacks (adaptive ones included) falls to less than half the plain attacks' worst case and by at least
     * {@value #VANISHING_DROP}; pass otherwise, also when the transform needs no adaptive attack
     * ({@code adaptive} null).
     */
    static SanityCheck check(String model, TransformProbe probe, AdaptiveAttacks adaptive, List<AttackOutcome> naive,
            List<AttackOutcome> adaptiveRuns, boolean[] cleanCorrect) {
        if (adaptive == null) {
            return new SanityCheck(model, CHECK, SanityCheck.Status.PASS, 0, VANISHING_DROP, probe.describe()
                    + ": the plain attacks already follow the transform's gradients, no adaptive attack needed");
        }
        List<AttackOutcome> all = new ArrayList<>(naive);
        all.addAll(adaptiveRuns);
        List<WorstCase.Point> plain = WorstCase.of(naive, cleanCorrect);
        WorstCase.Point worstPlain = null;
        WorstCase.Point worstAll = null;
        double largest = 0;
        for (WorstCase.Point p : WorstCase.of(all, cleanCorrect)) {
            for (WorstCase.Point q : plain) {
                double drop = q.robustAccuracy() - p.robustAccuracy();
                if (q.norm() == p.norm() && q.epsilon() == p.epsilon() && (worstAll == null || drop > largest)) {
                    largest = drop;
                    worstPlain = q;
                    worstAll = p;
                }
            }
        }
        if (worstAll == null) {
            return new SanityCheck(model, CHECK, SanityCheck.Status.SKIP, Double.NaN, VANISHING_DROP, probe.describe()
                    + ": no fixed-ε gradient attack in the suite to run adaptively");
        }
        boolean overstated = largest >= VANISHING_DROP;
        boolean vanished = overstated && worstAll.robustAccuracy() < worstPlain.robustAccuracy() / 2;
        String detail = String.format(Locale.ROOT, "%s; the adaptive attacks (%s) take the worst case at %s eps %.4g from "
                + "%.1f%% (plain attacks) to %.1f%%%s", probe.describe(), adaptive.label(), worstAll.norm().label(),
                worstAll.epsilon(), 100 * worstPlain.robustAccuracy(), 100 * worstAll.robustAccuracy(), vanished
                        ? ": the robustness the plain attacks measured vanishes (gradient masking); read the adaptive rows"
                        : overstated ? ": the plain attacks overstate robustness by 10 points or more; read the adaptive rows"
                        : "");
        SanityCheck.Status status = vanished ? SanityCheck.Status.FAIL
                : overstated ? SanityCheck.Status.WARN : SanityCheck.Status.PASS;
        return new SanityCheck(model, CHECK, status, largest, VANISHING_DROP, detail);
    }
}
