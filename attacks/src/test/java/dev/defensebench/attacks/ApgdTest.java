package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApgdTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);

    @Test
    void apgdBreaksALinearModelExactlyWhereTheBallCrossesTheBoundary() {
        for (Norm norm : List.of(Norm.LINF, Norm.L2)) {
            boolean linf = norm == Norm.LINF;
            double eps = linf ? 0.03 : 0.15;
            try (NDManager m = NDManager.newBaseManager()) {
                LinearProblems p = LinearProblems.create(m, SAMPLE, 10, linf, eps / 10, eps * 3, 8);
                NDArray x = p.inputs(m, SAMPLE);
                ApgdCe attack = new ApgdCe();
                AttackResult r = attack.run(p.model(), x, p.model().predict(x), new ThreatModel(norm, List.of(eps)),
                        Hyperparameters.resolve("apgd-ce", attack.parameters(), Map.of("steps", 15)), 1);
                boolean[] success = r.outcomes().get(0).success();
                for (int i = 0; i < success.length; i++) {
                    double d = p.distance(i, linf);
                    if (d < 0.95 * eps || d > eps) {
                        assertThat(success[i]).as(norm.label() + " point at distance " + d + ", eps " + eps).isEqualTo(d < eps);
                    }
                }
            }
        }
    }

    @Test
    void targetedDlrAndTheEnsembleBreakAtLeastWhatApgdCeBreaks() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = new BlockClassifier(
                    TinyNets.initialise(TinyNets.mlp(6), m, DataType.FLOAT32, SAMPLE, 17), 6, InputBox.uniform(0, 1, SAMPLE));
            m.getEngine().setRandomSeed(2);
            NDArray x = m.randomUniform(0, 1, new Shape(24, 1, 8, 8));
            NDArray y = model.predict(x);
            ThreatModel threat = new ThreatModel(Norm.LINF, List.of(0.02, 0.05));
            boolean[][] ce = successes(new ApgdCe(), model, x, y, threat, Map.of("steps", 10));
            boolean[][] ensemble = successes(new AutoAttack(), model, x, y, threat,
                    Map.of("steps", 10, "targets", 3, "queries", 100));
            boolean[][] targeted = successes(new ApgdDlr(), model, x, y, threat, Map.of("steps", 10, "targets", 3));
            int ceBroken = 0;
            int targetedBroken = 0;
            for (int e = 0; e < 2; e++) {
                for (int i = 0; i < 24; i++) {
                    if (ce[e][i]) {
                        ceBroken++;
                        assertThat(ensemble[e][i]).as("eps index " + e + ", point " + i).isTrue();
                    }
                    targetedBroken += targeted[e][i] ? 1 : 0;
                }
            }
            assertThat(ceBroken).isGreaterThan(0);
            assertThat(targetedBroken).isGreaterThan(0);
        }
    }

    private static boolean[][] successes(Attack attack, BlockClassifier model, NDArray x, NDArray y, ThreatModel threat,
            Map<String, Object> params) {
        AttackResult r = attack.run(model, x, y, threat, Hyperparameters.resolve(attack.name(), attack.parameters(), params), 3);
        return new boolean[][] {r.outcomes().get(0).success(), r.outcomes().get(1).success()};
    }

    @Test
    void aFooledSampleReturnsItsLatestMisclassifiedIterateAsTheOriginal() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = new BlockClassifier(
                    TinyNets.initialise(TinyNets.mlp(6), m, DataType.FLOAT32, SAMPLE, 17), 6, InputBox.uniform(0, 1, SAMPLE));
            NDArray x = m.randomUniform(0.2f, 0.8f, new Shape(1, 1, 8, 8), DataType.FLOAT32);
            NDArray y = model.predict(x);
            // a budget too small to fool the model itself; forward 1 is the clean check, forward 2 the start's probe, forward k the probe of step k - 2: the
            // draws misclassify at forwards 4 and 7 (x_best_adv[pred == 0] = x_adv in the original)
            ScriptedMisclassification scripted = new ScriptedMisclassification(model, y, java.util.Set.of(4, 7));
            NDArray adversarial = Apgd.attack(scripted, x, y, Norm.LINF, 0.002,
                    new Apgd.Settings(10, 1, Apgd.Loss.CE, 0, 0.75, 0.75), new java.util.Random(3));
            assertThat(scripted.calls()).isEqualTo(12);
            assertThat(adversarial.toFloatArray()).containsExactly(scripted.input(7))
                    .isNotEqualTo(scripted.input(4));
        }
    }
}
