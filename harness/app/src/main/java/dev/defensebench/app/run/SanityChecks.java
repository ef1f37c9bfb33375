package dev.defensebench.app.run;

import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.AttackTraits.Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The automatic sanity checks of one model's evaluation (Carlini et al. 2019; AutoAttack), computed
 * from per-sample results. Each yields pass, warn, fail, or skip (when the suite lacks what it needs);
 * accuracies are fractions, so 0.01 is one percentage point. Attacks are told apart by their declared
 * {@link AttackTraits}, never by name: a single-step gradient attack (FGSM) is the reference that
 * iterative ones must beat, {@link Access#SCORE} attacks (Square) must not beat the best {@link
 * Access#GRADIENT} one, and {@link Access#RANDOM} attacks (noise) are the baseline every other beats.
 */
public final class SanityChecks {

    /** Check ids, as written to sanity.csv. */
    public static final String EPS0 = "eps0-equals-clean";
    public static final String PGD_VS_FGSM = "pgd-stronger-than-fgsm";
    public static final String MONOTONE = "monotone-in-eps";
    public static final String UNBOUNDED = "unbounded-reaches-zero";
    public static final String BLACK_BOX = "blackbox-not-stronger";
    public static final String NOISE = "noise-weaker-than-attacks";
    public static final String GRADIENTS = "gradients-finite-nonzero";
    public static final String MORE_STEPS = "more-steps-stable";
    public static final String CLAIMS = "attack-claims-verified";
    public static final String DETERMINISTIC = "deterministic-outputs";
    public static final String LOGITS = "outputs-not-probabilities";
    public static final String AS_SPECIFIED = ReliabilityChecks.AS_SPECIFIED;
    public static final String QUICK_VS_RELIABLE = ReliabilityChecks.QUICK_VS_RELIABLE;

    /** One point: "X at least as strong as FGSM" may miss this many points (a fraction). */
    static final double PER_POINT_SLACK = 0.01;
    /** Square may beat the best white-box attack by at most 0.2 points (more suggests masked gradients). */
    static final double BLACK_BOX_SLACK = 0.002;
    /** An unbounded attack must leave at most 1% accuracy. */
    static final double UNBOUNDED_MAX = 0.01;
    /** At most 1% of the points may have a zero or non-finite input gradient. */
    static final double BAD_GRADIENT_MAX = 0.01;
    /** Doubling the steps must change robust accuracy by less than 1 point. */
    static final double MORE_STEPS_MAX = 0.01;
    /** Robust accuracy may rise with ε by this much before the check fails (warn below). */
    static final double MONOTONE_SLACK = 0.01;
    /** Outputs of repeated forward passes may differ by this much (AutoAttack's check, on L1-normalised rows). */
    static final double SPREAD_MAX = 1e-4;
    /** Rounding tolerance of the comparisons of accuracies (differences of k/n fractions). */
    static final double TOLERANCE = 1e-9;

    /**
     * What the checks look at.
     *
     * @param cleanCorrect per test point, classified correctly without attack
     * @param outcomes every attack entry's per-sample results
     * @param badGradientFraction fraction of points whose input gradient is all zero or not finite; NaN
     *     when the model has no gradients
     * @param outputs the model's outputs over repeated passes of one batch; null if not probed
     * @param unbounded the accuracy left by an attack without a budget, and which attack; null if none ran
     * @param doubled the same entry run with twice the steps; null if no entry has steps
     * @param reliable the outcomes among {@code outcomes} that were reliable evaluations
     * @param shortfalls what kept attacks from running as specified ({@link dev.defensebench.spi.Attack#shortfalls})
     */
    public record Evidence(boolean[] cleanCorrect, List<AttackOutcome> outcomes, double badGradientFraction,
            OutputProbe outputs, Unbounded unbounded, Doubled doubled, List<AttackOutcome> reliable,
            List<String> shortfalls) {}

    /** Accuracy left by an attack with an unlimited budget ({@code source} says which). */
    public record Unbounded(String source, double accuracy) {}

    /** An entry and the same entry with its step parameter ({@code parameter}, {@code steps} in the suite) doubled. */
    public record Doubled(AttackOutcome original, AttackOutcome doubled, String parameter, int steps) {}

    private SanityChecks() {}

    /** All checks for {@code model}, in a fixed order. */
    public static List<SanityCheck> evaluate(String model, Evidence e) {
        List<SanityCheck> checks = new ArrayList<>();
        checks.add(eps0(model, e));
        checks.add(AttackComparisons.iterativeVersusSingleStep(model, e));
        checks.add(monotone(model, e));
        checks.add(unbounded(model, e));
        checks.add(AttackComparisons.blackBoxNotStronger(model, e));
        checks.add(AttackComparisons.noiseWeaker(model, e));
        checks.add(gradients(model, e));
        checks.add(moreSteps(model, e));
        checks.add(claims(model, e));
        checks.add(deterministic(model, e));
        checks.add(logits(model, e));
        checks.add(ReliabilityChecks.asSpecified(model, e));
        checks.add(ReliabilityChecks.quickVersusReliable(model, e));
        return checks;
    }

    private static double clean(Evidence e) {
        int c = 0;
        for (boolean b : e.cleanCorrect()) {
            if (b) {
                c++;
            }
        }
        return (double) c / e.cleanCorrect().length;
    }

    private static SanityCheck eps0(String model, Evidence e) {
        double clean = clean(e);
        double worst = 0;
        String where = null;
        for (AttackOutcome o : e.outcomes()) {
            for (int k = 0; k < o.epsilons().size(); k++) {
                if (o.epsilons().get(k) == 0) {
                    double gap = Math.abs(o.robustAccuracy(k) - clean);
                    if (where == null || gap > worst) {
                        worst = gap;
                        where = o.attack() + " " + o.norm().label();
                    }
                }
            }
        }
        if (where == null) {
            return new SanityCheck(model, EPS0, Status.SKIP, Double.NaN, 0, "no attack has epsilon 0 in its grid");
        }
        Status status = worst <= TOLERANCE ? Status.PASS : Status.FAIL;
        return new SanityCheck(model, EPS0, status, worst, 0, String.format(Locale.ROOT,
                "largest |robust accuracy at eps=0 - clean accuracy| is %s (%s)", pts(worst), where));
    }

    private static SanityCheck monotone(String model, Evidence e) {
        double largest = 0;
        String where = null;
        List<Series> all = new ArrayList<>();
        for (AttackOutcome o : e.outcomes()) {
            List<Double> acc = new ArrayList<>();
            for (int k = 0; k < o.epsilons().size(); k++) {
                acc.add(o.robustAccuracy(k));
            }
            all.add(new Series(o.attack() + " " + o.norm().label(), o.epsilons(), acc));
        }
        // the worst case is monotone by construction; it is listed so that a bug there shows up here
        java.util.Map<String, Series> worst = new java.util.LinkedHashMap<>();
        for (WorstCase.Point p : WorstCase.of(e.outcomes(), e.cleanCorrect())) {
            Series s = worst.computeIfAbsent(WorstCase.ATTACK + " " + p.norm().label(),
                    k -> new Series(k, new ArrayList<>(), new ArrayList<>()));
            s.eps().add(p.epsilon());
            s.acc().add(p.robustAccuracy());
        }
        all.addAll(worst.values());
        boolean any = false;
        for (Series s : all) {
            for (int a = 0; a < s.eps().size(); a++) {
                for (int b = 0; b < s.eps().size(); b++) {
                    if (s.eps().get(a) < s.eps().get(b)) {
                        any = true;
                        double rise = s.acc().get(b) - s.acc().get(a);
                        if (rise > largest) {
                            largest = rise;
                            where = s.name() + " from eps=" + s.eps().get(a) + " to " + s.eps().get(b);
                        }
                    }
                }
            }
        }
        if (!any) {
            return new SanityCheck(model, MONOTONE, Status.SKIP, Double.NaN, MONOTONE_SLACK,
                    "no attack has two or more epsilons");
        }
        Status status = largest <= TOLERANCE ? Status.PASS
                : largest <= MONOTONE_SLACK + TOLERANCE ? Status.WARN : Status.FAIL;
        return new SanityCheck(model, MONOTONE, status, largest, MONOTONE_SLACK, where == null
                ? "robust accuracy never rises with epsilon"
                : "robust accuracy rises by " + pts(largest) + " (" + where + ")");
    }

    private record Series(String name, List<Double> eps, List<Double> acc) {}

    private static SanityCheck unbounded(String model, Evidence e) {
        if (e.unbounded() == null) {
            return new SanityCheck(model, UNBOUNDED, Status.SKIP, Double.NaN, UNBOUNDED_MAX,
                    "no min-norm attack and no gradient attack to run without a budget");
        }
        double acc = e.unbounded().accuracy();
        return new SanityCheck(model, UNBOUNDED, acc <= UNBOUNDED_MAX + TOLERANCE ? Status.PASS : Status.FAIL, acc, UNBOUNDED_MAX,
                String.format(Locale.ROOT, "accuracy left by %s without a budget: %s", e.unbounded().source(), pct(acc)));
    }

    private static SanityCheck gradients(String model, Evidence e) {
        double bad = e.badGradientFraction();
        if (Double.isNaN(bad)) {
            return new SanityCheck(model, GRADIENTS, Status.SKIP, Double.NaN, BAD_GRADIENT_MAX,
                    "the model has no input gradients");
        }
        return new SanityCheck(model, GRADIENTS, bad <= BAD_GRADIENT_MAX + TOLERANCE ? Status.PASS : Status.FAIL, bad,
                BAD_GRADIENT_MAX, "points whose margin-loss input gradient is all zero, NaN or infinite: " + pct(bad));
    }

    private static SanityCheck moreSteps(String model, Evidence e) {
        Doubled d = e.doubled();
        if (d == null) {
            return new SanityCheck(model, MORE_STEPS, Status.SKIP, Double.NaN, MORE_STEPS_MAX,
                    "no attack in the suite declares a step parameter");
        }
        double worst = 0;
        String where = null;
        for (int k = 0; k < d.original().epsilons().size(); k++) {
            double change = Math.abs(d.doubled().robustAccuracy(k) - d.original().robustAccuracy(k));
            if (where == null || change > worst) {
                worst = change;
                where = "eps=" + d.original().epsilons().get(k);
            }
        }
        return new SanityCheck(model, MORE_STEPS, worst < MORE_STEPS_MAX - TOLERANCE ? Status.PASS : Status.FAIL, worst,
                MORE_STEPS_MAX, String.format(Locale.ROOT, "%s %s with %s %d instead of %d changes robust accuracy "
                        + "by at most %s (%s)", d.original().attack(), d.original().norm().label(), d.parameter(),
                        2 * d.steps(), d.steps(), pts(worst), where));
    }

    private static SanityCheck claims(String model, Evidence e) {
        List<String> liars = new ArrayList<>();
        int checked = 0;
        int rejected = 0;
        for (AttackOutcome o : e.outcomes()) {
            checked += o.claims();
            rejected += o.falseClaims();
            if (o.falseClaims() > 0) {
                liars.add(String.format(Locale.ROOT, "%s %s: %d of %d", o.attack(), o.norm().label(), o.falseClaims(),
                        o.claims()));
            }
        }
        if (e.outcomes().isEmpty()) {
            return new SanityCheck(model, CLAIMS, Status.SKIP, Double.NaN, 0, "no attack ran");
        }
        return new SanityCheck(model, CLAIMS, rejected == 0 ? Status.PASS : Status.FAIL, rejected, 0, rejected == 0
                ? "all " + checked + " adversarial points the attacks returned are within epsilon, inside the input box "
                        + "and misclassified"
                : "false claims (outside epsilon or the input box, or not misclassified when the model is run again), "
                        + "counted as not fooled: " + String.join("; ", liars));
    }

    private static SanityCheck deterministic(String model, Evidence e) {
        if (e.outputs() == null || Double.isNaN(e.outputs().spread())) {
            return new SanityCheck(model, DETERMINISTIC, Status.SKIP, Double.NaN, SPREAD_MAX,
                    e.outputs() == null ? "the outputs were not probed" : "the outputs are not finite");
        }
        double spread = e.outputs().spread();
        boolean ok = spread <= SPREAD_MAX;
        return new SanityCheck(model, DETERMINISTIC, ok ? Status.PASS : Status.FAIL, spread, SPREAD_MAX,
                String.format(Locale.ROOT, "largest change of an L1-normalised output row over %d forward passes of the "
                        + "same batch: %.3g%s", OutputProbe.PASSES, spread, ok ? "" : ": the model is randomised, so attacks "
                        + "and their numbers are unreliable (an expectation over the randomness is needed)"));
    }

    private static SanityCheck logits(String model, Evidence e) {
        if (e.outputs() == null) {
            return new SanityCheck(model, LOGITS, Status.SKIP, Double.NaN, 0, "the outputs were not probed");
        }
        boolean probabilities = e.outputs().probabilities();
        return new SanityCheck(model, LOGITS, probabilities ? Status.FAIL : Status.PASS, probabilities ? 1 : 0, 0,
                probabilities ? "every output row lies in [0, 1] and sums to 1: the model outputs probabilities, which "
                        + "flatten the gradients attacks follow; expose the logits (before the softmax)"
                        : "the outputs are not probability vectors (logits)");
    }

    static boolean[] cleanWrong(Evidence e) {
        boolean[] wrong = new boolean[e.cleanCorrect().length];
        for (int i = 0; i < wrong.length; i++) {
            wrong[i] = !e.cleanCorrect()[i];
        }
        return wrong;
    }

    static double robust(boolean[] broken) {
        int r = 0;
        for (boolean b : broken) {
            if (!b) {
                r++;
            }
        }
        return (double) r / broken.length;
    }

    static String pts(double fraction) {
        return String.format(Locale.ROOT, "%.2f pt", 100 * fraction);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }
}
