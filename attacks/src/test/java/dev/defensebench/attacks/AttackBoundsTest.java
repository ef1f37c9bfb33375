package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Every registered attack, in every norm it supports: outputs in the ε-ball and the pixel box. */
class AttackBoundsTest {

    /** Small budgets so the whole sweep stays fast. */
    private static final Map<String, Map<String, Object>> FAST = Map.of(
            "apgd-ce", Map.of("steps", 6),
            "apgd-dlr", Map.of("steps", 6, "targets", 2),
            "autoattack", Map.of("steps", 5, "targets", 2, "queries", 30),
            "square", Map.of("queries", 60),
            "cw-l2", Map.of("steps", 10, "binary_search_steps", 3),
            "deepfool", Map.of("max_iter", 10),
            "fab", Map.of("steps", 5, "targets", 2),
            "fmn", Map.of("steps", 10),
            "ddn", Map.of("steps", 10),
            "noise", Map.of("draws", 3));

    @Test
    void everyAttackStaysInTheBallAndTheBox() {
        Shape sample = new Shape(1, 8, 8);
        List<String> covered = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = new BlockClassifier(
                    TinyNets.initialise(TinyNets.mlp(5), m, DataType.FLOAT32, sample, 3), 5, InputBox.uniform(0, 1, sample));
            m.getEngine().setRandomSeed(9);
            NDArray x = m.randomUniform(0, 1, new Shape(10, 1, 8, 8));
            NDArray y = m.randomInteger(0, 5, new Shape(10), DataType.INT64);
            for (Attack attack : ServiceLoader.load(Attack.class)) {
                if (attack.traits().access() == AttackTraits.Access.PRECOMPUTED) {
                    continue; // examples computed elsewhere: the harness checks them (ExternalExamplesTest)
                }
                for (Norm norm : attack.norms()) {
                    List<Double> grid = norm == Norm.LINF ? List.of(0.0, 0.05, 0.3) : List.of(0.0, 0.5, 2.0);
                    Hyperparameters params = Hyperparameters.resolve(attack.name(), attack.parameters(),
                            FAST.getOrDefault(attack.name(), Map.of()));
                    AttackResult result = attack.run(model, x, y, new ThreatModel(norm, grid), params, 4);
                    String what = attack.name() + " " + norm.label();
                    assertThat(result.outcomes()).as(what).hasSize(grid.size());
                    boolean[] cleanWrong = Checks.misclassified(model, x, y);
                    for (EpsilonOutcome o : result.outcomes()) {
                        NDArray adv = o.adversarial();
                        double[] size = Batches.doubles(norm.perSample(adv.sub(x)));
                        for (double s : size) {
                            assertThat(s).as(what + " size at eps " + o.epsilon()).isLessThanOrEqualTo(o.epsilon() + 1e-5);
                        }
                        assertThat(adv.min().getFloat()).as(what).isGreaterThanOrEqualTo(0f);
                        assertThat(adv.max().getFloat()).as(what).isLessThanOrEqualTo(1f);
                        boolean[] wrong = Checks.misclassified(model, adv, y);
                        for (int i = 0; i < wrong.length; i++) {
                            // success means: the returned example is misclassified (or the clean point already was)
                            assertThat(o.success()[i]).as(what + " success flag " + i).isEqualTo(wrong[i] || cleanWrong[i]);
                        }
                    }
                    covered.add(what);
                }
            }
        }
        assertThat(covered).contains("deepfool L2", "deepfool Linf", "fgsm Linf", "cw-l2 L2", "apgd-ce Linf", "apgd-ce L2",
                "apgd-dlr Linf", "apgd-dlr L2", "square Linf", "square L2", "noise Linf", "noise L2", "autoattack Linf",
                "autoattack L2", "fab Linf", "fab L2", "fmn Linf", "fmn L2", "ddn L2");
    }
}
