package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarliniWagnerL2Test {

    @Test
    void findsTheClosedFormDistanceOfALinearClassifierWithinOnePercent() {
        Shape sample = new Shape(6);
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, sample, 6, false, 0.05, 0.25, 21);
            NDArray x = p.inputs(m, sample);
            CarliniWagnerL2 attack = new CarliniWagnerL2();
            Hyperparameters params = Hyperparameters.resolve("cw", attack.parameters(),
                    Map.of("steps", 100, "binary_search_steps", 7, "learning_rate", 0.01));
            AttackResult result = attack.run(p.model(), x, p.model().predict(x), new ThreatModel(Norm.L2, List.of(1.0)),
                    params, 0);
            for (int i = 0; i < p.points().length; i++) {
                double expected = p.distance(i, false);
                assertThat((double) result.distances()[i]).as("point " + i).isCloseTo(expected, within(0.01 * expected));
            }
            assertThat(result.outcomes().get(0).robustAccuracy()).isEqualTo(0.0);
        }
    }
}
