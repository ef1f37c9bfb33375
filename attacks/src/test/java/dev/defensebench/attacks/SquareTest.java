package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * Square on a linear model it can only query: every point whose distance is well inside the ε-ball is
 * broken, no point farther than ε ever is.
 */
class SquareTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);

    @Test
    void linfBreaksExactlyThePointsWhoseBallCrossesTheBoundary() {
        check(Norm.LINF, 0.02, 0.002, 0.06, 0.8);
    }

    @Test
    void l2BreaksExactlyThePointsWhoseBallCrossesTheBoundary() {
        check(Norm.L2, 0.15, 0.02, 0.5, 0.5);
    }

    private static void check(Norm norm, double eps, double min, double max, double surely) {
        boolean linf = norm == Norm.LINF;
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, SAMPLE, 24, linf, min, max, 5);
            BlackBox model = new BlackBox(p.model());
            NDArray x = p.inputs(m, SAMPLE);
            Square square = new Square();
            Hyperparameters params = Hyperparameters.resolve("square", square.parameters(), Map.of("queries", 600));
            AttackResult result = square.run(model, x, model.predict(x), new ThreatModel(norm, List.of(eps)), params, 2);
            boolean[] success = result.outcomes().get(0).success();
            int inside = 0;
            int outside = 0;
            for (int i = 0; i < success.length; i++) {
                double d = p.distance(i, linf);
                if (d < surely * eps) {
                    inside++;
                    assertThat(success[i]).as("point at distance " + d + " < eps " + eps).isTrue();
                } else if (d > eps) {
                    outside++;
                    assertThat(success[i]).as("point at distance " + d + " > eps " + eps).isFalse();
                }
            }
            assertThat(inside).isGreaterThanOrEqualTo(3);
            assertThat(outside).isGreaterThanOrEqualTo(3);
        }
    }
}
