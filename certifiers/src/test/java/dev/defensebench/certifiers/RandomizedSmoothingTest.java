package dev.defensebench.certifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.LinearClassifier;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Randomized smoothing against closed forms. For a binary linear classifier (class 1 scores w·x + b,
 * class 0 scores 0) the smoothed classifier equals the base one, p_A = Φ(|w·x + b| / (σ‖w‖)), and its
 * exact certified radius σ·Φ⁻¹(p_A) is the distance |w·x + b| / ‖w‖ to the boundary. The Monte Carlo
 * radius must lie below it (the bound holds with probability 1 − α) and above σ·Φ⁻¹ of the
 * Clopper–Pearson bound at a count five standard deviations below N·p_A (the Clopper–Pearson slack).
 */
class RandomizedSmoothingTest {

    private static final NormalDistribution PHI = NormalDistribution.of(0, 1);
    private static final int D = 10;
    private static NDManager manager;
    private static double[] w;
    private static LinearClassifier linear;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        Random random = new Random(23);
        w = new double[D];
        for (int i = 0; i < D; i++) {
            w[i] = random.nextGaussian();
        }
        linear = new LinearClassifier(manager.create(new double[][] {new double[D], w}), manager.create(new double[] {0, 0.1}),
                InputBox.uniform(0, 1, new Shape(D)));
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A point whose signed distance to the boundary is {@code distance} (positive: class 1). */
    private static NDArray pointAt(double distance) {
        double norm = norm(w);
        double[] x = new double[D];
        // w·x + 0.1 = distance·‖w‖ with x along w
        double t = (distance * norm - 0.1) / (norm * norm);
        for (int i = 0; i < D; i++) {
            x[i] = t * w[i];
        }
        return manager.create(x);
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void radiusOfALinearClassifierIsItsDistanceWithinTheClopperPearsonSlack() {
        // N0 = 1000, not Cohen et al.'s 100: at distance 0.1 (p_A = Φ(0.2) = 0.579) 100 selection draws pick the
        // wrong class with probability 6.7% (then the certifier rightly abstains), 1000 with probability 3e-7
        RandomizedSmoothing.Settings s = new RandomizedSmoothing.Settings(0.5, 1000, 20_000, 0.001, 1000);
        double[] distances = {0.1, 0.3, 0.6, -0.4, -0.9};
        for (int k = 0; k < distances.length; k++) {
            double exact = Math.abs(distances[k]);
            var c = RandomizedSmoothing.certifyPoint(linear, pointAt(distances[k]), s, CounterGaussian.forPoint(7, k));
            double pA = PHI.cumulativeProbability(exact / s.sigma());
            long low = (long) Math.floor(s.n() * pA - 5 * Math.sqrt(s.n() * pA * (1 - pA)));
            double slackRadius = s.sigma() * PHI.inverseCumulativeProbability(ClopperPearson.lowerBound(low, s.n(), s.alpha()));
            assertThat(c.predicted()).as("class at distance %s", distances[k]).isEqualTo(distances[k] > 0 ? 1 : 0);
            assertThat(c.radius()).as("radius at distance %s", distances[k]).isLessThanOrEqualTo(exact).isGreaterThanOrEqualTo(slackRadius);
            assertThat(c.radius()).isCloseTo(s.sigma() * PHI.inverseCumulativeProbability(c.pLower()), within(1e-12));
        }
    }

    @Test
    void aConstantClassifierGetsTheRadiusOfNSuccessesOfN() {
        // every draw is class 1: p_lower = α^(1/N), the Clopper–Pearson bound of N successes in N trials
        LinearClassifier constant = new LinearClassifier(manager.create(new double[2][D]), manager.create(new double[] {0, 1}),
                InputBox.uniform(0, 1, new Shape(D)));
        RandomizedSmoothing.Settings s = new RandomizedSmoothing.Settings(0.25, 10, 1000, 0.001, 64);
        var c = RandomizedSmoothing.certifyPoint(constant, pointAt(0.2), s, CounterGaussian.forPoint(1, 0));
        double pLower = Math.pow(0.001, 1.0 / 1000);
        assertThat(c.predicted()).isEqualTo(1);
        assertThat(c.pLower()).isCloseTo(pLower, within(1e-12));
        assertThat(c.radius()).isCloseTo(0.25 * PHI.inverseCumulativeProbability(pLower), within(1e-10));
    }

    @Test
    void abstainsOnTheBoundaryWhereTheTopClassHasProbabilityOneHalf() {
        RandomizedSmoothing.Settings s = new RandomizedSmoothing.Settings(0.5, 100, 20_000, 0.001, 1000);
        for (int k = 0; k < 5; k++) {
            var c = RandomizedSmoothing.certifyPoint(linear, pointAt(0), s, CounterGaussian.forPoint(11, k));
            assertThat(c.predicted()).isEqualTo(Certification.ABSTAIN);
            assertThat(c.radius()).isZero();
            assertThat(c.pLower()).isLessThan(0.5);
        }
    }

    @Test
    void abstainsWhenTheSelectedClassIsNotTheMajorityOfTheEstimation() {
        // three classes with equal probability 1/3: no class reaches 1/2
        double[][] weights = {{1, 0}, {-0.5, 0.8660254037844386}, {-0.5, -0.8660254037844386}};
        LinearClassifier pie = new LinearClassifier(manager.create(weights), manager.create(new double[3]),
                InputBox.uniform(0, 1, new Shape(2)));
        RandomizedSmoothing.Settings s = new RandomizedSmoothing.Settings(1, 100, 5000, 0.001, 500);
        var c = RandomizedSmoothing.certifyPoint(pie, manager.create(new double[2]), s, CounterGaussian.forPoint(3, 0));
        assertThat(c.predicted()).isEqualTo(Certification.ABSTAIN);
        assertThat(c.pLower()).isBetween(0.3, 0.34);
    }

    @Test
    void predictReturnsTheSmoothedClassFarFromTheBoundaryAndAbstainsOnIt() {
        RandomizedSmoothing.Settings s = new RandomizedSmoothing.Settings(0.5, 100, 10_000, 0.001, 1000);
        assertThat(RandomizedSmoothing.predictPoint(linear, pointAt(0.4), s, CounterGaussian.forPoint(5, 0))).isEqualTo(1);
        assertThat(RandomizedSmoothing.predictPoint(linear, pointAt(-0.4), s, CounterGaussian.forPoint(5, 1))).isEqualTo(0);
        int abstained = 0;
        for (int k = 0; k < 10; k++) {
            if (RandomizedSmoothing.predictPoint(linear, pointAt(0), s, CounterGaussian.forPoint(5, 2 + k))
                    == Certification.ABSTAIN) {
                abstained++;
            }
        }
        // the binomial test rejects p = 1/2 with probability α = 0.001 per point when p is 1/2
        assertThat(abstained).isEqualTo(10);
    }

    @Test
    void certifyThroughTheSpiIsSeededPerPointAndIndependentOfTheBatch() {
        RandomizedSmoothing smoothing = new RandomizedSmoothing();
        NDArray inputs = NDArray_stack(pointAt(0.3), pointAt(-0.2), pointAt(0));
        NDArray labels = manager.create(new long[] {1, 1, 0});
        Hyperparameters p = Hyperparameters.resolve("certifier", smoothing.parameters(),
                Map.of("sigma", 0.5, "n", 4000, "batch", 1000));
        Hyperparameters small = Hyperparameters.resolve("certifier", smoothing.parameters(),
                Map.of("sigma", 0.5, "n", 4000, "batch", 7));
        Certification a = smoothing.certify(linear, inputs, labels, List.of(), p, 42);
        Certification b = smoothing.certify(linear, inputs, labels, List.of(), small, 42);
        Certification other = smoothing.certify(linear, inputs, labels, List.of(), p, 43);
        assertThat(b.radius()).containsExactly(a.radius());
        assertThat(b.predicted()).containsExactly(a.predicted());
        assertThat(other.radius()[0]).isNotEqualTo(a.radius()[0]);
        var first = RandomizedSmoothing.certifyPoint(linear, pointAt(0.3),
                RandomizedSmoothing.Settings.from(p), CounterGaussian.forPoint(42, 0));
        assertThat(a.radius()[0]).isEqualTo(first.radius());
        assertThat(a.predicted()).containsExactly(1, 0, Certification.ABSTAIN);
        assertThat(a.countCertified(new long[] {1, 1, 0}, 0.1)).isEqualTo(1);
        assertThat(a.countCertified(new long[] {1, 1, 0}, 0.31)).isZero();
        assertThat(a.abstentions()).isEqualTo(1);
    }

    @Test
    void badParametersAreNamed() {
        RandomizedSmoothing smoothing = new RandomizedSmoothing();
        assertThatThrownBy(() -> smoothing.validate(Hyperparameters.resolve("certifier", smoothing.parameters(),
                Map.of("sigma", -0.1)))).hasMessageContaining("'sigma'").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> smoothing.validate(Hyperparameters.resolve("certifier", smoothing.parameters(),
                Map.of("alpha", 1.0)))).hasMessageContaining("'alpha'");
        assertThatThrownBy(() -> smoothing.validate(Hyperparameters.resolve("certifier", smoothing.parameters(),
                Map.of("n", 0)))).hasMessageContaining("'n'");
    }

    private static NDArray NDArray_stack(NDArray... rows) {
        return ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(rows));
    }
}
