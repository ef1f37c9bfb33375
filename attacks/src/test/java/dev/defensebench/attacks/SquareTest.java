package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Square on a linear model it can only query: every point whose distance is well inside the ε-ball is
 * broken, no point farther than ε ever is; a sample costs no query once broken; the window schedule is
 * the original's.
 */
class SquareTest {

    @Test
    void linfBreaksExactlyThePointsWhoseBallCrossesTheBoundary() {
        // 12x12, not 8x8: as in the original, a window never starts on the last row or column once it is
        // smaller than the image, so on 8x8 images those 15 of 64 pixels keep their early signs
        check(Norm.LINF, new Shape(1, 12, 12), 0.02, 0.008, 0.08, 0.8);
    }

    @Test
    void l2BreaksExactlyThePointsWhoseBallCrossesTheBoundary() {
        check(Norm.L2, new Shape(1, 8, 8), 0.15, 0.02, 0.5, 0.5);
    }

    @Test
    void aBrokenSampleIsNotQueriedAgain() {
        Shape sample = new Shape(1, 8, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            // half the points lie within 0.3 ε of the boundary (broken within a few rounds), half beyond ε
            LinearProblems near = LinearProblems.create(m, sample, 8, true, 0.001, 0.006, 3);
            LinearProblems far = LinearProblems.create(m, sample, 8, true, 0.03, 0.06, 3);
            NDArray x = near.inputs(m, sample).concat(far.inputs(m, sample));
            RowCounting model = new RowCounting(new BlackBox(near.model()));
            NDArray y = model.predict(x);
            int queries = 200;
            Square square = new Square();
            Hyperparameters params = Hyperparameters.resolve("square", square.parameters(), Map.of("queries", queries));
            model.rows = 0;
            AttackResult result = square.run(model, x, y, new ThreatModel(Norm.LINF, List.of(0.02)), params, 1);
            boolean[] success = result.outcomes().get(0).success();
            for (int i = 0; i < 8; i++) {
                assertThat(success[i]).as("near point " + i).isTrue();
                assertThat(success[8 + i]).as("far point " + i).isFalse();
            }
            // the far points take the start and every round; the near ones the start and a few rounds
            // (the last forward of run() checks success on all 16)
            long farRows = 8L * (queries + 1);
            assertThat(model.rows - 16).isGreaterThanOrEqualTo(farRows + 8).isLessThan(farRows + 8 * 20);
        }
    }

    @Test
    void colourImagesStayInTheBallAndTheBoxAndGetBroken() {
        Shape sample = new Shape(3, 8, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            BlockClassifier model = new BlockClassifier(
                    TinyNets.initialise(TinyNets.mlp(4), m, DataType.FLOAT32, sample, 3), 4, InputBox.uniform(0, 1, sample));
            NDArray x = m.randomUniform(0, 1, new Shape(12, 3, 8, 8));
            NDArray y = model.predict(x);
            Square square = new Square();
            for (Norm norm : List.of(Norm.LINF, Norm.L2)) {
                double eps = norm == Norm.LINF ? 0.3 : 3.0;
                Hyperparameters params = Hyperparameters.resolve("square", square.parameters(), Map.of("queries", 200));
                AttackResult result = square.run(new BlackBox(model), x, y, new ThreatModel(norm, List.of(eps)), params, 5);
                NDArray adv = result.outcomes().get(0).adversarial();
                for (double size : Batches.doubles(norm.perSample(adv.sub(x)))) {
                    assertThat(size).as(norm.label()).isLessThanOrEqualTo(eps + 1e-5);
                }
                assertThat(adv.min().getFloat()).isGreaterThanOrEqualTo(0f);
                assertThat(adv.max().getFloat()).isLessThanOrEqualTo(1f);
                // a large budget against an untrained net: most points broken
                assertThat(result.outcomes().get(0).robustAccuracy()).as(norm.label()).isLessThan(0.5);
            }
        }
    }

    @Test
    void theScheduleIsTheOriginalsPSelection() {
        Square.Schedule plain = new Square.Schedule(0.8, 5000, false);
        assertThat(plain.p(0)).isEqualTo(0.8);
        assertThat(plain.p(10)).isEqualTo(0.8);
        assertThat(plain.p(11)).isEqualTo(0.4);
        assertThat(plain.p(500)).isEqualTo(0.1);
        assertThat(plain.p(501)).isEqualTo(0.05);
        assertThat(plain.p(4999)).isEqualTo(0.8 / 128);
        Square.Schedule rescaled = new Square.Schedule(0.8, 5000, true);
        assertThat(rescaled.p(5)).isEqualTo(0.8); // int(5 / 5000 * 10000) = 10
        assertThat(rescaled.p(6)).isEqualTo(0.4);
        assertThat(rescaled.p(4999)).isEqualTo(0.8 / 512);
        // side: max(round(sqrt(p * 784)), 1) on 28x28; odd and at least 3 for L2
        assertThat(plain.side(0, Norm.LINF, 1, 28, 28)).isEqualTo(25);
        assertThat(plain.side(4999, Norm.LINF, 1, 28, 28)).isEqualTo(2);
        assertThat(plain.side(0, Norm.L2, 1, 28, 28)).isEqualTo(25);
        assertThat(plain.side(4999, Norm.L2, 1, 28, 28)).isEqualTo(3);
        assertThat(plain.side(200, Norm.L2, 1, 28, 28)).isEqualTo(13); // p 0.2: round(12.52)
    }

    private static void check(Norm norm, Shape sample, double eps, double min, double max, double surely) {
        boolean linf = norm == Norm.LINF;
        try (NDManager m = NDManager.newBaseManager()) {
            LinearProblems p = LinearProblems.create(m, sample, 24, linf, min, max, 5);
            BlackBox model = new BlackBox(p.model());
            NDArray x = p.inputs(m, sample);
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
