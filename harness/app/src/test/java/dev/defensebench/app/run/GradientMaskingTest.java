package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A deliberately gradient-masked toy model (a linear classifier that rounds its input to tenths first):
 * its input gradient is zero everywhere, so FGSM finds nothing while Square, which only queries, breaks
 * it. The zero-gradient and the black-box-stronger checks must fail; an honest linear model passes both.
 */
class GradientMaskingTest {

    private static Map<String, SanityCheck> checks(double step) {
        Random random = new Random(6);
        int n = 60;
        try (NDManager m = NDManager.newBaseManager()) {
            QuantisedLinear model = new QuantisedLinear(ToyLinear.random(m, random), step);
            float[] inputs = new float[n * 16];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = (float) (Math.round(random.nextDouble() * 10) / 10.0);
            }
            List<AttackEntry> attacks = List.of(
                    new AttackEntry("fgsm", "Linf", List.of(0.3), Map.of(), 0L),
                    new AttackEntry("square", "Linf", List.of(0.3), Map.of("queries", 300), 0L));
            Evaluation evaluation = ToyLinear.evaluate(Plugins.discover(), model, m, ToyLinear.labelled(model, m, inputs),
                    attacks);
            assertThat(evaluation.rows()).extracting(ResultRow::attack)
                    .containsExactly("clean", "fgsm", "square", WorstCase.ATTACK);
            return evaluation.sanity().stream().collect(Collectors.toMap(SanityCheck::check, Function.identity()));
        }
    }

    @Test
    void roundingTheInputTripsTheZeroGradientAndBlackBoxFlags() {
        Map<String, SanityCheck> masked = checks(0.1);
        assertThat(masked.get(SanityChecks.GRADIENTS).status()).isEqualTo(SanityCheck.Status.FAIL);
        assertThat(masked.get(SanityChecks.GRADIENTS).value()).isEqualTo(1.0);
        assertThat(masked.get(SanityChecks.BLACK_BOX).status()).as(masked.get(SanityChecks.BLACK_BOX).detail())
                .isEqualTo(SanityCheck.Status.FAIL);
    }

    @Test
    void theSameModelWithoutRoundingPassesBoth() {
        Map<String, SanityCheck> honest = checks(0);
        assertThat(honest.get(SanityChecks.GRADIENTS).status()).isEqualTo(SanityCheck.Status.PASS);
        assertThat(honest.get(SanityChecks.BLACK_BOX).status()).as(honest.get(SanityChecks.BLACK_BOX).detail())
                .isEqualTo(SanityCheck.Status.PASS);
    }
}
