package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.StageOutcome;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ensemble reports each stage's robust count and time, per ε, and the last stage's count is the result's. */
class AutoAttackStagesTest {

    @Test
    void everyStageIsReportedWithNonIncreasingRobustCounts() {
        Shape sample = new Shape(6);
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, sample, 12, true, 0.02, 0.3, 4);
            NDArray x = p.inputs(m, sample);
            AutoAttack attack = new AutoAttack();
            Hyperparameters params = Hyperparameters.resolve("autoattack", attack.parameters(),
                    Map.of("steps", 5, "targets", 2, "queries", 30));
            AttackResult r = attack.run(p.model(), x, p.model().predict(x), new ThreatModel(Norm.LINF, List.of(0.05, 0.2)),
                    params, 1);
            assertThat(r.stages()).extracting(StageOutcome::stage)
                    .containsExactly("apgd-ce", "apgd-t", "fab-t", "square", "apgd-ce", "apgd-t", "fab-t", "square");
            for (int e = 0; e < 2; e++) {
                List<StageOutcome> stages = r.stages().subList(4 * e, 4 * e + 4);
                assertThat(stages).allSatisfy(s -> {
                    assertThat(s.samples()).isEqualTo(12);
                    assertThat(s.seconds()).isNotNegative();
                });
                for (int k = 1; k < 4; k++) {
                    assertThat(stages.get(k).robust()).isLessThanOrEqualTo(stages.get(k - 1).robust());
                }
                double robust = r.outcomes().get(e).robustAccuracy();
                assertThat(stages.get(3).robust()).isEqualTo((int) Math.round(robust * 12));
            }
            assertThat(r.stages().get(7).robust()).isLessThan(r.stages().get(3).robust());
        }
    }
}
