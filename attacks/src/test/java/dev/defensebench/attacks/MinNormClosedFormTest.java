package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The min-norm attacks on binary linear models, where the smallest adversarial perturbation has a closed
 * form ({@link LinearProblems}): each attack must find every point's boundary and come within its
 * tolerance of the minimal distance (never below it, which would be impossible).
 */
class MinNormClosedFormTest {

    private static final Shape SAMPLE = new Shape(1, 4, 4);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new Fab(), Norm.L2, Map.of("steps", 20), 0.01),
                Arguments.of(new Fab(), Norm.LINF, Map.of("steps", 20), 0.01),
                Arguments.of(new Fab(), Norm.L2, Map.of("steps", 20, "targets", 3), 0.01),
                Arguments.of(new Fmn(), Norm.L2, Map.of("steps", 50), 0.01),
                Arguments.of(new Fmn(), Norm.LINF, Map.of("steps", 50), 0.01),
                Arguments.of(new Ddn(), Norm.L2, Map.of("steps", 100, "init_norm", 0.5), 0.05));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void reachesTheClosedFormDistance(Attack attack, Norm norm, Map<String, Object> given, double tolerance) {
        boolean linf = norm == Norm.LINF;
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, SAMPLE, 8, linf, linf ? 0.005 : 0.02, linf ? 0.05 : 0.3, 13);
            NDArray x = p.inputs(m, SAMPLE);
            Hyperparameters params = Hyperparameters.resolve(attack.name(), attack.parameters(), given);
            AttackResult result = attack.run(p.model(), x, p.model().predict(x), new ThreatModel(norm, List.of(1.0)), params, 5);
            for (int s = 0; s < p.points().length; s++) {
                double expected = p.distance(s, linf);
                double found = result.distances()[s];
                assertThat(found).as("point " + s).isGreaterThanOrEqualTo(expected * (1 - 1e-4));
                assertThat(found).as("point " + s).isCloseTo(expected, within(tolerance * expected));
            }
            assertThat(result.outcomes().get(0).robustAccuracy()).isEqualTo(0.0);
        }
    }
}
