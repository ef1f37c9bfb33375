package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import dev.defensebench.spi.Norm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each check passes on a sound evaluation and fires on one crafted to break exactly it. */
class SanityChecksTest {

    private static final int N = 100;
    private static final List<Double> LINF = List.of(0.0, 0.1, 0.3);
    private static final Plugins PLUGINS = Plugins.discover();
    private static final OutputProbe DETERMINISTIC_LOGITS = new OutputProbe(0, false);

    /** Clean: points 0..89 correct. Each attack breaks the first {@code k} correct points at each ε. */
    private static boolean[] cleanCorrect() {
        boolean[] c = new boolean[N];
        for (int i = 0; i < 90; i++) {
            c[i] = true;
        }
        return c;
    }

    /** An outcome that breaks the wrong points and the correct points {@code from..from+count-1} at each ε. */
    private static AttackOutcome attack(String name, List<Double> grid, int[] counts, int from) {
        boolean[][] s = new boolean[grid.size()][N];
        for (int e = 0; e < grid.size(); e++) {
            for (int i = 90; i < N; i++) {
                s[e][i] = true;
            }
            for (int i = from; i < from + counts[e]; i++) {
                s[e][i] = true;
            }
        }
        return new AttackOutcome(name, PLUGINS.attack(name).traits(), Norm.LINF, grid, s, null, 1, 100, 0);
    }

    private static AttackOutcome deepfool(int unbroken) {
        float[] d = new float[N];
        for (int i = 0; i < N; i++) {
            d[i] = i < unbroken ? Float.POSITIVE_INFINITY : 0.05f + i / 1000f;
        }
        boolean[][] s = new boolean[1][N];
        for (int i = 0; i < N; i++) {
            s[0][i] = i >= 90 || d[i] <= 0.2;
        }
        return new AttackOutcome("deepfool", PLUGINS.attack("deepfool").traits(), Norm.LINF, List.of(0.2), s, d, 1, 100, 0);
    }

    /**
     * A sound suite: fgsm ⊂ pgd per point, noise weakest, square no stronger than pgd, and AutoAttack (the
     * reliable evaluation) one point stronger than the rest.
     */
    private static List<AttackOutcome> sound() {
        return new ArrayList<>(List.of(
                attack("fgsm", LINF, new int[] {0, 30, 60}, 0),
                attack("pgd", LINF, new int[] {0, 40, 80}, 0),
                attack("square", LINF, new int[] {0, 40, 79}, 0),
                attack("noise", LINF, new int[] {0, 1, 5}, 0),
                attack("autoattack", LINF, new int[] {0, 41, 81}, 0)));
    }

    private static SanityChecks.Doubled doubled(int extraBroken) {
        return new SanityChecks.Doubled(attack("pgd", LINF, new int[] {0, 40, 80}, 0),
                attack("pgd", LINF, new int[] {0, 40, 80 + extraBroken}, 0), "steps", 40);
    }

    private static Map<String, SanityCheck> run(List<AttackOutcome> outcomes, double badGradients, double unbounded,
            SanityChecks.Doubled doubled) {
        return run(outcomes, badGradients, DETERMINISTIC_LOGITS, unbounded, doubled);
    }

    private static Map<String, SanityCheck> run(List<AttackOutcome> outcomes, double badGradients, OutputProbe outputs,
            double unbounded, SanityChecks.Doubled doubled) {
        List<AttackOutcome> reliable = outcomes.stream().filter(o -> o.attack().equals("autoattack")).toList();
        return run(outcomes, badGradients, outputs, unbounded, doubled, reliable, List.of());
    }

    private static Map<String, SanityCheck> run(List<AttackOutcome> outcomes, double badGradients, OutputProbe outputs,
            double unbounded, SanityChecks.Doubled doubled, List<AttackOutcome> reliable, List<String> shortfalls) {
        SanityChecks.Evidence e = new SanityChecks.Evidence(cleanCorrect(), outcomes, badGradients, outputs,
                Double.isNaN(unbounded) ? null : new SanityChecks.Unbounded("deepfool Linf", unbounded), doubled,
                reliable, shortfalls);
        List<SanityCheck> checks = SanityChecks.evaluate("m", e);
        assertThat(checks).extracting(SanityCheck::model).containsOnly("m");
        return checks.stream().collect(Collectors.toMap(SanityCheck::check, Function.identity()));
    }

    @Test
    void aSoundEvaluationPassesEveryCheck() {
        Map<String, SanityCheck> checks = run(sound(), 0.0, 0.0, doubled(0));
        assertThat(checks).hasSize(13);
        checks.values().forEach(c -> assertThat(c.status()).as(c.check() + ": " + c.detail()).isEqualTo(Status.PASS));
    }

    @Test
    void missingIngredientsAreSkippedNotPassed() {
        Map<String, SanityCheck> checks = run(List.of(attack("fgsm", List.of(0.1), new int[] {5}, 0)), Double.NaN,
                null, Double.NaN, null);
        for (String id : List.of(SanityChecks.EPS0, SanityChecks.PGD_VS_FGSM, SanityChecks.MONOTONE, SanityChecks.UNBOUNDED,
                SanityChecks.BLACK_BOX, SanityChecks.NOISE, SanityChecks.GRADIENTS, SanityChecks.MORE_STEPS,
                SanityChecks.DETERMINISTIC, SanityChecks.LOGITS, SanityChecks.QUICK_VS_RELIABLE)) {
            assertThat(checks.get(id).status()).as(id).isEqualTo(Status.SKIP);
        }
    }

    /** AutoAttack breaks 20 points more than every quick attack together at ε 0.1: the quick ones overestimate. */
    @Test
    void quickAttacksFarAboveTheReliableEvaluationWarn() {
        List<AttackOutcome> suite = sound();
        suite.set(4, attack("autoattack", LINF, new int[] {0, 60, 81}, 0));
        SanityCheck c = run(suite, 0, 0, doubled(0)).get(SanityChecks.QUICK_VS_RELIABLE);
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.value()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(c.detail()).contains("autoattack Linf eps=0.1 leaves 30.00%, the other attacks 50.00%");
        // within two points it passes; and without a reliable evaluation there is nothing to compare
        suite.set(4, attack("autoattack", LINF, new int[] {0, 42, 81}, 0));
        assertThat(run(suite, 0, 0, doubled(0)).get(SanityChecks.QUICK_VS_RELIABLE).status()).isEqualTo(Status.PASS);
        suite.remove(4);
        assertThat(run(suite, 0, 0, doubled(0)).get(SanityChecks.QUICK_VS_RELIABLE).status()).isEqualTo(Status.SKIP);
    }

    @Test
    void anAttackThatCouldNotRunAsSpecifiedWarnsWithItsReason() {
        String reason = "AutoAttack Linf: APGD-T needs at least 4 classes and the model has 2, so it was skipped";
        SanityCheck c = run(sound(), 0, DETERMINISTIC_LOGITS, 0, doubled(0), List.of(), List.of(reason))
                .get(SanityChecks.AS_SPECIFIED);
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.detail()).startsWith(reason).contains("not reliable");
    }

    @Test
    void robustAccuracyAtEpsilonZeroBelowCleanFails() {
        List<AttackOutcome> suite = sound();
        suite.set(0, attack("fgsm", LINF, new int[] {3, 30, 60}, 0));
        assertThat(run(suite, 0, 0, doubled(0)).get(SanityChecks.EPS0).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void pgdWeakerThanFgsmFailsAndPerPointMissesWarn() {
        List<AttackOutcome> weaker = sound();
        weaker.set(1, attack("pgd", LINF, new int[] {0, 20, 80}, 0));
        assertThat(run(weaker, 0, 0, doubled(0)).get(SanityChecks.PGD_VS_FGSM).status()).isEqualTo(Status.FAIL);
        // same robust accuracy as before, but pgd misses 10 points FGSM breaks
        List<AttackOutcome> disjoint = sound();
        disjoint.set(1, attack("pgd", LINF, new int[] {0, 40, 80}, 10));
        SanityCheck c = run(disjoint, 0, 0, doubled(0)).get(SanityChecks.PGD_VS_FGSM);
        assertThat(c.status()).isEqualTo(Status.WARN);
        assertThat(c.value()).isEqualTo(0.1);
    }

    @Test
    void accuracyRisingWithEpsilonFails() {
        List<AttackOutcome> suite = sound();
        suite.set(3, attack("noise", LINF, new int[] {0, 5, 4}, 0));
        assertThat(run(suite, 0, 0, doubled(0)).get(SanityChecks.MONOTONE).status()).isEqualTo(Status.WARN);
        suite.set(3, attack("noise", LINF, new int[] {0, 5, 0}, 0));
        suite.set(0, attack("fgsm", LINF, new int[] {0, 60, 30}, 0));
        SanityCheck c = run(suite, 0, 0, doubled(0)).get(SanityChecks.MONOTONE);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("fgsm");
    }

    @Test
    void anUnboundedAttackLeavingAccuracyFails() {
        assertThat(run(sound(), 0, 0.05, doubled(0)).get(SanityChecks.UNBOUNDED).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void squareStrongerThanTheWhiteBoxAttacksFails() {
        List<AttackOutcome> suite = sound();
        suite.set(2, attack("square", LINF, new int[] {0, 41, 80}, 0));
        assertThat(run(suite, 0, 0, doubled(0)).get(SanityChecks.BLACK_BOX).status()).isEqualTo(Status.FAIL);
        // min-norm white-box attacks count too, thresholded at Square's ε
        List<AttackOutcome> withDeepFool = sound();
        withDeepFool.add(deepfool(0));
        withDeepFool.set(2, attack("square", LINF, new int[] {0, 41, 85}, 0));
        assertThat(run(withDeepFool, 0, 0, doubled(0)).get(SanityChecks.BLACK_BOX).status()).isEqualTo(Status.PASS);
    }

    /** On 1,000 points Square may break two points more than PGD (0.2 points) but not three. */
    @Test
    void squareMayBeatTheWhiteBoxAttacksByTwoTenthsOfAPointAtMost() {
        int n = 1000;
        boolean[] clean = new boolean[n];
        java.util.Arrays.fill(clean, true);
        java.util.function.BiFunction<String, Integer, AttackOutcome> breaking = (name, k) -> {
            boolean[][] s = new boolean[1][n];
            for (int i = 0; i < k; i++) {
                s[0][i] = true;
            }
            return new AttackOutcome(name, PLUGINS.attack(name).traits(), Norm.LINF, List.of(0.1), s, null, 1, 100, 0);
        };
        for (int extra : new int[] {2, 3}) {
            SanityChecks.Evidence e = new SanityChecks.Evidence(clean, List.of(breaking.apply("pgd", 400),
                    breaking.apply("square", 400 + extra)), 0, DETERMINISTIC_LOGITS, null, null, List.of(), List.of());
            SanityCheck c = SanityChecks.evaluate("m", e).stream().filter(x -> x.check().equals(SanityChecks.BLACK_BOX))
                    .findFirst().orElseThrow();
            assertThat(c.status()).as("Square breaking %d more of 1,000", extra).isEqualTo(extra == 2 ? Status.PASS : Status.FAIL);
        }
    }

    @Test
    void noiseStrongerThanAnAttackFails() {
        List<AttackOutcome> suite = sound();
        suite.set(3, attack("noise", LINF, new int[] {0, 35, 36}, 0));
        SanityCheck c = run(suite, 0, 0, doubled(0)).get(SanityChecks.NOISE);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.detail()).contains("fgsm");
    }

    @Test
    void zeroOrNonFiniteGradientsOnMoreThanOnePercentFail() {
        assertThat(run(sound(), 0.01, 0, doubled(0)).get(SanityChecks.GRADIENTS).status()).isEqualTo(Status.PASS);
        assertThat(run(sound(), 0.02, 0, doubled(0)).get(SanityChecks.GRADIENTS).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void doublingTheStepsChangingTheResultFails() {
        assertThat(run(sound(), 0, 0, doubled(1)).get(SanityChecks.MORE_STEPS).status()).isEqualTo(Status.FAIL);
    }

    @Test
    void falseClaimsFailNamingTheAttackAndTheirNumber() {
        List<AttackOutcome> suite = sound();
        AttackOutcome pgd = suite.get(1);
        suite.set(1, new AttackOutcome(pgd.attack(), pgd.traits(), pgd.norm(), pgd.epsilons(), pgd.success(), null,
                pgd.seconds(), 120, 7));
        SanityCheck c = run(suite, 0, 0, doubled(0)).get(SanityChecks.CLAIMS);
        assertThat(c.status()).isEqualTo(Status.FAIL);
        assertThat(c.value()).isEqualTo(7);
        assertThat(c.detail()).contains("pgd Linf: 7 of 120");
    }

    @Test
    void randomisedOrProbabilityOutputsFailTheirFlags() {
        Map<String, SanityCheck> random = run(sound(), 0, new OutputProbe(2e-4, false), 0, doubled(0));
        assertThat(random.get(SanityChecks.DETERMINISTIC).status()).isEqualTo(Status.FAIL);
        assertThat(random.get(SanityChecks.LOGITS).status()).isEqualTo(Status.PASS);
        Map<String, SanityCheck> softmax = run(sound(), 0, new OutputProbe(0, true), 0, doubled(0));
        assertThat(softmax.get(SanityChecks.DETERMINISTIC).status()).isEqualTo(Status.PASS);
        assertThat(softmax.get(SanityChecks.LOGITS).status()).isEqualTo(Status.FAIL);
    }
}
