package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.adaptive.TransformProbe;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.Norm;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's adaptive runs on a linear model: behind a rounding transform PGD finds nothing, PGD with
 * BPDA breaks the points, both rows are kept (pgd, pgd+bpda), the worst case takes the adaptive one and the
 * adaptive-attack check fails; behind random noise the rerun is EOT; a plain model gets neither. The check
 * itself is planted with known outcomes.
 */
class AdaptiveEvaluationTest {

    /** round(x·10)/10: derivative zero. */
    private static final InputTransform TENTHS = new InputTransform() {
        @Override
        public NDArray apply(NDArray inputs, Random random) {
            return inputs.mul(10).round().div(10);
        }

        @Override
        public String describe() {
            return "tenths";
        }
    };

    /** x + N(0, 0.01²): randomized, differentiable. */
    private static final InputTransform JITTER = new InputTransform() {
        @Override
        public NDArray apply(NDArray inputs, Random random) {
            float[] noise = new float[(int) inputs.getShape().size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (0.01 * random.nextGaussian());
            }
            return inputs.add(inputs.getManager().create(noise, inputs.getShape()));
        }

        @Override
        public String describe() {
            return "jitter";
        }
    };

    private static final List<AttackEntry> PGD = List.of(new AttackEntry("pgd", "Linf", List.of(0.5), Map.of("steps", 20), 0L));

    private static Evaluation evaluate(NDManager m, Classifier model) {
        Random random = new Random(6);
        float[] inputs = new float[60 * 16];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (float) (Math.round(random.nextDouble() * 10) / 10.0);
        }
        return ToyLinear.evaluate(Plugins.discover(), model, m, ToyLinear.labelled(model, m, inputs), PGD);
    }

    private static double robust(Evaluation e, String attack) {
        return e.rows().stream().filter(r -> r.attack().equals(attack)).findFirst().orElseThrow().robustAccuracy();
    }

    private static Optional<SanityCheck> check(Evaluation e) {
        return e.sanity().stream().filter(c -> c.check().equals(AdaptiveAttacks.CHECK)).findFirst();
    }

    @Test
    void roundingIsAttackedWithBpdaAndFlagged() {
        try (NDManager m = NDManager.newBaseManager()) {
            Evaluation e = evaluate(m, new TransformedClassifier(ToyLinear.random(m, new Random(6)), TENTHS, 0));
            assertThat(e.rows()).extracting(ResultRow::attack).containsExactly("clean", "pgd", "pgd+bpda", WorstCase.ATTACK);
            ResultRow adaptive = e.rows().get(2);
            assertThat(adaptive.attackLabel()).isEqualTo("PGD (BPDA)");
            assertThat(adaptive.attackParams()).contains("\"adaptive\":\"BPDA\"");
            assertThat(robust(e, "pgd")).isGreaterThan(0.9);
            assertThat(robust(e, "pgd+bpda")).isLessThan(robust(e, "pgd") / 2);
            assertThat(robust(e, WorstCase.ATTACK)).isLessThanOrEqualTo(robust(e, "pgd+bpda"));
            SanityCheck c = check(e).orElseThrow();
            assertThat(c.status()).as(c.detail()).isEqualTo(SanityCheck.Status.FAIL);
            assertThat(c.detail()).contains("non-differentiable", "vanishes");
        }
    }

    @Test
    void randomNoiseIsAttackedWithEot() {
        try (NDManager m = NDManager.newBaseManager()) {
            Evaluation e = evaluate(m, new TransformedClassifier(ToyLinear.random(m, new Random(6)), JITTER, 0));
            assertThat(e.rows()).extracting(ResultRow::attack).containsExactly("clean", "pgd", "pgd+eot", WorstCase.ATTACK);
            assertThat(e.rows().get(2).attackLabel()).isEqualTo("PGD (EOT×" + AdaptiveAttacks.EOT_DRAWS + ")");
            assertThat(check(e)).isPresent();
        }
    }

    @Test
    void aPlainModelGetsNoAdaptiveRunsAndNoCheck() {
        try (NDManager m = NDManager.newBaseManager()) {
            Evaluation e = evaluate(m, ToyLinear.random(m, new Random(6)));
            assertThat(e.rows()).extracting(ResultRow::attack).containsExactly("clean", "pgd", WorstCase.ATTACK);
            assertThat(check(e)).isEmpty();
        }
    }

    private static AttackOutcome outcome(String attack, int robust) {
        boolean[][] success = new boolean[1][10];
        for (int i = robust; i < 10; i++) {
            success[0][i] = true;
        }
        return new AttackOutcome(attack, AttackTraits.fixedEpsilon("X", AttackTraits.Access.GRADIENT, "steps"), Norm.LINF,
                List.of(0.1), success, null, 1, 0, 0);
    }

    @Test
    void theCheckFailsWhenTheWorstCaseFallsBelowHalfAndByTenPointsAndWarnsAtTenPoints() {
        TransformProbe probe = new TransformProbe(1.0, 0);
        boolean[] correct = new boolean[10];
        java.util.Arrays.fill(correct, true);
        AdaptiveAttacks bpda = new AdaptiveAttacks(probe, null, "+bpda", "BPDA");
        List<AttackOutcome> naive = List.of(outcome("pgd", 8));
        assertThat(AdaptiveAttacks.check("m", probe, bpda, naive, List.of(outcome("pgd+bpda", 3)), correct).status())
                .isEqualTo(SanityCheck.Status.FAIL);
        // 80% -> 50%: a drop of 30 points but not below half: overstated, flagged as a warning
        assertThat(AdaptiveAttacks.check("m", probe, bpda, naive, List.of(outcome("pgd+bpda", 5)), correct).status())
                .isEqualTo(SanityCheck.Status.WARN);
        // 80% -> 80%: the adaptive attack found nothing more
        assertThat(AdaptiveAttacks.check("m", probe, bpda, naive, List.of(outcome("pgd+bpda", 8)), correct).status())
                .isEqualTo(SanityCheck.Status.PASS);
        // 10% -> 10%: nothing vanished
        assertThat(AdaptiveAttacks.check("m", probe, bpda, List.of(outcome("pgd", 1)), List.of(outcome("pgd+bpda", 1)),
                correct).status()).isEqualTo(SanityCheck.Status.PASS);
        assertThat(AdaptiveAttacks.check("m", probe, null, naive, List.of(), correct).status())
                .isEqualTo(SanityCheck.Status.PASS);
    }
}
