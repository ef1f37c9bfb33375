package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Classifier;
import dev.defensebench.testing.ClassifierWrapper;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The harness checks what attacks return: a lying plugin's claims are rejected (and flagged), honest
 * attacks pass; a softmax-output model and a model with dropout left on trip AutoAttack's two output flags.
 */
class AttackClaimsTest {

    private static final int N = 60;

    /** A softmax over another model's logits. */
    private record Softmax(Classifier inner) implements ClassifierWrapper {
        @Override
        public NDArray logits(NDArray inputs) {
            return inner.logits(inputs).softmax(1);
        }
    }

    /** Another model behind dropout (p = 0.5) left on at evaluation; the masks come from a seeded {@link Random}. */
    private record Dropout(Classifier inner, Random random) implements ClassifierWrapper {
        @Override
        public NDArray logits(NDArray inputs) {
            float[] mask = new float[(int) inputs.getShape().size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextBoolean() ? 2 : 0;
            }
            return inner.logits(inputs.mul(inputs.getManager().create(mask, inputs.getShape())));
        }
    }

    private record Scored(Map<String, SanityCheck> checks, List<ResultRow> rows) {
        double robust(String attack, double eps) {
            return rows.stream().filter(r -> r.attack().equals(attack) && r.epsilon() == eps).findFirst().orElseThrow()
                    .robustAccuracy();
        }
    }

    private static Scored score(UnaryOperator<Classifier> wrap, List<AttackEntry> attacks) {
        Random random = new Random(13);
        try (NDManager m = NDManager.newBaseManager()) {
            Classifier linear = ToyLinear.random(m, random);
            float[] inputs = new float[N * 16];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = random.nextFloat();
            }
            Map<String, Attack> attackPlugins = new TreeMap<>(Plugins.discover().attacks());
            for (Attack liar : List.of(new LyingAttack(false), new LyingAttack(true))) {
                attackPlugins.put(liar.name(), liar);
            }
            Evaluation evaluation = ToyLinear.evaluate(new Plugins(Map.of(), attackPlugins, Map.of()), wrap.apply(linear), m,
                    ToyLinear.labelled(linear, m, inputs), attacks);
            return new Scored(evaluation.sanity().stream().collect(Collectors.toMap(SanityCheck::check, Function.identity())),
                    evaluation.rows());
        }
    }

    @Test
    void aLyingAttacksClaimsAreRejectedAndFlagged() {
        Scored s = score(UnaryOperator.identity(), List.of(
                new AttackEntry("fgsm", "Linf", List.of(0.2), Map.of(), 0L),
                new AttackEntry("lying", "Linf", List.of(0.2), Map.of(), 0L),
                new AttackEntry("lying", "Linf", List.of(0.05), Map.of("lie", "outside"), 0L),
                new AttackEntry("lying-min-norm", "L2", List.of(0.5, 3.0), Map.of(), 0L)));
        // unchanged points fool nothing; points outside the ball do not count; understated distances are dropped
        assertThat(s.robust("lying", 0.2)).isEqualTo(1.0);
        assertThat(s.robust("lying", 0.05)).isEqualTo(1.0);
        assertThat(s.robust("lying-min-norm", 3.0)).isEqualTo(1.0);
        assertThat(s.robust("fgsm", 0.2)).isLessThan(1.0);
        SanityCheck claims = s.checks().get(SanityChecks.CLAIMS);
        assertThat(claims.status()).isEqualTo(Status.FAIL);
        assertThat(claims.detail()).contains("lying Linf: " + N + " of " + N + "; lying Linf: " + N + " of " + N)
                .contains("lying-min-norm L2").doesNotContain("fgsm");
    }

    @Test
    void aValidAdversarialPointCountsWhetherClaimedOrNot() {
        Scored s = score(UnaryOperator.identity(), List.of(
                new AttackEntry("fgsm", "Linf", List.of(0.2), Map.of(), 0L),
                new AttackEntry("lying", "Linf", List.of(0.2), Map.of("lie", "modest"), 0L)));
        // FGSM's own points, none of them claimed: the harness's check of the points decides, as AutoAttack's does
        assertThat(s.robust("fgsm", 0.2)).isLessThan(1.0);
        assertThat(s.robust("lying", 0.2)).isEqualTo(s.robust("fgsm", 0.2));
        assertThat(s.checks().get(SanityChecks.CLAIMS).status()).isEqualTo(Status.PASS);
    }

    @Test
    void honestAttacksPassTheirClaimChecks() {
        Scored s = score(UnaryOperator.identity(), List.of(
                new AttackEntry("fgsm", "Linf", List.of(0.1, 0.2), Map.of(), 0L),
                new AttackEntry("pgd", "L2", List.of(0.5), Map.of("steps", 10), 0L),
                new AttackEntry("deepfool", "L2", List.of(0.5, 1.0), Map.of(), 0L),
                new AttackEntry("square", "Linf", List.of(0.2), Map.of("queries", 100), 0L)));
        SanityCheck claims = s.checks().get(SanityChecks.CLAIMS);
        assertThat(claims.status()).as(claims.detail()).isEqualTo(Status.PASS);
        assertThat(s.robust("deepfool", 1.0)).isLessThan(1.0);
        assertThat(s.checks().get(SanityChecks.DETERMINISTIC).status()).isEqualTo(Status.PASS);
        assertThat(s.checks().get(SanityChecks.LOGITS).status()).isEqualTo(Status.PASS);
    }

    @Test
    void softmaxOutputsAndDropoutAtEvaluationTripTheirFlags() {
        List<AttackEntry> fgsm = List.of(new AttackEntry("fgsm", "Linf", List.of(0.1), Map.of(), 0L));
        Map<String, SanityCheck> softmax = score(Softmax::new, fgsm).checks();
        assertThat(softmax.get(SanityChecks.LOGITS).status()).isEqualTo(Status.FAIL);
        assertThat(softmax.get(SanityChecks.DETERMINISTIC).status()).isEqualTo(Status.PASS);
        Map<String, SanityCheck> dropout = score(inner -> new Dropout(inner, new Random(5)), fgsm).checks();
        assertThat(dropout.get(SanityChecks.DETERMINISTIC).status()).isEqualTo(Status.FAIL);
        assertThat(dropout.get(SanityChecks.DETERMINISTIC).value()).isGreaterThan(SanityChecks.SPREAD_MAX);
        assertThat(dropout.get(SanityChecks.LOGITS).status()).isEqualTo(Status.PASS);
    }
}
