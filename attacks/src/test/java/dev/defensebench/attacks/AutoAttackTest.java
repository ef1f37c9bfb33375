package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AutoAttackTest {

    private static final Shape SAMPLE = new Shape(1, 4, 4);
    private final AutoAttack attack = new AutoAttack();

    private Hyperparameters params(Map<String, Object> given) {
        return Hyperparameters.resolve("attack 'autoattack'", attack.parameters(), given);
    }

    @Test
    void standardIsTheOriginalListAndCustomReadsTheStages() {
        assertThat(AutoAttack.stages(params(Map.of()))).containsExactly("apgd-ce", "apgd-t", "fab-t", "square");
        assertThat(AutoAttack.stages(params(Map.of("version", "custom", "stages", "apgd-ce, square"))))
                .containsExactly("apgd-ce", "square");
    }

    /** RobustBench ranks only by the standard version at the original's budgets: anything less is not reliable. */
    @Test
    void onlyTheStandardVersionAtTheOriginalBudgetsIsReliable() {
        assertThat(attack.isReliable(params(Map.of()))).isTrue();
        assertThat(attack.isReliable(params(Map.of("steps", 200, "queries", 10000)))).isTrue();
        assertThat(attack.isReliable(params(Map.of("steps", 10)))).isFalse();
        assertThat(attack.isReliable(params(Map.of("queries", 1000)))).isFalse();
        assertThat(attack.isReliable(params(Map.of("targets", 3)))).isFalse();
        assertThat(attack.isReliable(params(Map.of("version", "custom", "stages", "apgd-ce,apgd-t,fab-t,square")))).isFalse();
        assertThat(new Pgd().isReliable(Hyperparameters.resolve("attack 'pgd'", new Pgd().parameters(), Map.of()))).isFalse();
    }

    /** A model of {@code classes} classes that is never run: the shortfalls are read from the settings and the model's kind. */
    private static Classifier model(int classes, boolean differentiable) {
        return new Classifier() {
            public int numClasses() { return classes; }
            public Shape sampleShape() { return SAMPLE; }
            public InputBox box() { return InputBox.uniform(0, 1, SAMPLE); }
            public NDArray logits(NDArray inputs) { throw new AssertionError("not run"); }
            public boolean isDifferentiable() { return differentiable; }
        };
    }

    @Test
    void shortfallsNameTheStagesTheModelKeepsFromRunningAsTheOriginal() {
        assertThat(attack.shortfalls(params(Map.of()), model(10, true))).isEmpty();
        assertThat(attack.shortfalls(params(Map.of()), model(3, true))).singleElement().asString()
                .contains("APGD-T needs at least 4 classes and the model has 3");
        assertThat(attack.shortfalls(params(Map.of()), model(5, true))).singleElement().asString()
                .contains("ran 4 target classes of the 9 asked for");
        assertThat(attack.shortfalls(params(Map.of("version", "custom", "stages", "apgd-dlr")), model(2, true)))
                .singleElement().asString().contains("APGD-DLR needs at least 3 classes");
        assertThat(attack.shortfalls(params(Map.of()), model(10, false))).singleElement().asString()
                .contains("only Square ran");
    }

    @Test
    void badVersionsAndStagesAreNamed() {
        assertThatThrownBy(() -> AutoAttack.stages(params(Map.of("version", "plus"))))
                .hasMessageContaining("unknown version 'plus'").hasMessageContaining("standard, custom");
        assertThatThrownBy(() -> AutoAttack.stages(params(Map.of("stages", "apgd-ce"))))
                .hasMessageContaining("read only with version: custom");
        assertThatThrownBy(() -> AutoAttack.stages(params(Map.of("version", "custom", "stages", "apgd-ce,pgd"))))
                .hasMessageContaining("unknown stage 'pgd'").hasMessageContaining("fab-t");
        assertThatThrownBy(() -> AutoAttack.stages(params(Map.of("version", "custom", "stages", "fab,fab"))))
                .hasMessageContaining("twice");
    }

    /** FAB-T inside the ensemble breaks a linear model's point exactly when ε exceeds its closed-form distance. */
    @Test
    void fabTStageBreaksAPointOnlyWhenItsDistanceIsWithinEpsilon() {
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, SAMPLE, 6, true, 0.01, 0.05, 21);
            NDArray x = p.inputs(m, SAMPLE);
            Hyperparameters custom = params(Map.of("version", "custom", "stages", "fab-t", "steps", 20));
            for (int s = 0; s < p.points().length; s++) {
                double distance = p.distance(s, true);
                AttackResult r = attack.run(p.model(), x, p.model().predict(x),
                        new ThreatModel(Norm.LINF, List.of(0.98 * distance, 1.02 * distance)), custom, 1);
                assertThat(r.outcomes().get(0).success()[s]).as("point " + s + " below its distance").isFalse();
                assertThat(r.outcomes().get(1).success()[s]).as("point " + s + " above its distance").isTrue();
            }
        }
    }
}
