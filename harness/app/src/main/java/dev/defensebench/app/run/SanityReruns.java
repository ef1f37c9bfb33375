package dev.defensebench.app.run;

import ai.djl.ndarray.NDManager;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * The attack runs the sanity checks add to a suite's: one entry without a budget (unless the min-norm attacks'
 * distances already tell) and one with twice its step budget, chosen by the attacks' declared traits.
 */
final class SanityReruns {

    private SanityReruns() {}

    /**
     * The accuracy an attack leaves without a budget: from the min-norm attacks' distances when the
     * suite has any (a point survives when none found an adversarial example), else by running one
     * fixed-ε entry (an iterative gradient attack when there is one) once more at the diameter of the
     * input box in its norm.
     */
    static SanityChecks.Unbounded unbounded(AttackRunner runner, Evaluator.Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, List<AttackOutcome> outcomes, boolean[] cleanCorrect) {
        List<AttackOutcome> minNorm = outcomes.stream().filter(AttackOutcome::isMinNorm).toList();
        if (!minNorm.isEmpty()) {
            int robust = 0;
            for (int i = 0; i < cleanCorrect.length; i++) {
                boolean survives = cleanCorrect[i];
                for (AttackOutcome o : minNorm) {
                    survives &= !Float.isFinite(o.distances()[i]);
                }
                robust += survives ? 1 : 0;
            }
            String names = String.join(", ", minNorm.stream().map(o -> o.attack() + " " + o.norm().label()).toList());
            return new SanityChecks.Unbounded(names, (double) robust / cleanCorrect.length);
        }
        ResolvedAttack entry = preferred(attacks, SanityReruns::unboundedRank);
        if (entry != null) {
            Norm norm = entry.norm();
            double diameter = diameter(model.box(), norm);
            AttackRunner.Run run = runner.run(subject, model, manager, test, entry.withEpsilons(List.of(diameter)),
                    " (sanity check: unbounded)");
            return new SanityChecks.Unbounded(String.format(Locale.ROOT, "%s %s at eps=%.4g (the input box's diameter)",
                    entry.name(), norm.label(), diameter), run.outcome().robustAccuracy(0));
        }
        return null;
    }

    /**
     * Which entry runs without a budget when the suite has no min-norm attack, by declared traits: an
     * iterative gradient attack first, then an iterative ensemble, then any other but random noise and
     * precomputed examples (-1: never).
     */
    private static int unboundedRank(AttackTraits t) {
        if (t.access() == AttackTraits.Access.RANDOM || t.access() == AttackTraits.Access.PRECOMPUTED) {
            return -1;
        }
        return t.isIterative() && t.access() == AttackTraits.Access.GRADIENT ? 0
                : t.isIterative() && t.access() == AttackTraits.Access.ENSEMBLE ? 1 : 2;
    }

    /**
     * Which entry runs again with twice its step budget: an iterative fixed-ε gradient attack first, then
     * any attack that declares a step parameter (-1: never).
     */
    private static int doubledRank(AttackTraits t) {
        if (!t.isIterative()) {
            return -1;
        }
        return !t.minNorm() && t.access() == AttackTraits.Access.GRADIENT ? 0 : 1;
    }

    /** The first entry of the lowest non-negative {@code rank}, or null. */
    private static ResolvedAttack preferred(List<ResolvedAttack> attacks, ToIntFunction<AttackTraits> rank) {
        ResolvedAttack best = null;
        int bestRank = Integer.MAX_VALUE;
        for (ResolvedAttack candidate : attacks) {
            int r = rank.applyAsInt(candidate.traits());
            if (r >= 0 && r < bestRank) {
                best = candidate;
                bestRank = r;
            }
        }
        return best;
    }

    /** The entry {@link #doubledRank} prefers, run again with its declared step parameter doubled. */
    static SanityChecks.Doubled doubled(AttackRunner runner, Evaluator.Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, List<AttackOutcome> outcomes) {
        ResolvedAttack entry = preferred(attacks, SanityReruns::doubledRank);
        if (entry == null) {
            return null;
        }
        String stepParameter = entry.traits().stepParameter();
        int steps = entry.params().getInt(stepParameter);
        AttackRunner.Run run = runner.run(subject, model, manager, test, entry.withParameter(stepParameter, 2 * steps),
                " (sanity check: " + stepParameter + " " + 2 * steps + ")");
        return new SanityChecks.Doubled(outcomes.get(attacks.indexOf(entry)), run.outcome(), stepParameter, steps);
    }

    /** The largest distance between two points of {@code box} in {@code norm}. */
    static double diameter(InputBox box, Norm norm) {
        double max = 0;
        double sq = 0;
        for (int i = 0; i < box.lower().length; i++) {
            double d = (double) box.upper()[i] - box.lower()[i];
            max = Math.max(max, d);
            sq += d * d;
        }
        return norm == Norm.LINF ? max : Math.sqrt(sq);
    }
}
