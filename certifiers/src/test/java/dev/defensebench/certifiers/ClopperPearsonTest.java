package dev.defensebench.certifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

/**
 * The lower bound p̲ is defined by the binomial tail: P(X ≥ k | n, p̲) = α. The test checks that identity
 * with the binomial distribution (not the Beta quantile the code uses), and the closed forms at k = n
 * (p̲ = α^(1/n)) and k = 0 (p̲ = 0).
 */
class ClopperPearsonTest {

    @Test
    void binomialTailAtTheBoundEqualsAlpha() {
        int[][] cases = {{50, 100}, {1, 10}, {9990, 10000}, {73_000, 100_000}, {3, 7}};
        for (int[] c : cases) {
            for (double alpha : new double[] {0.001, 0.05}) {
                double p = ClopperPearson.lowerBound(c[0], c[1], alpha);
                double tail = BinomialDistribution.of(c[1], p).survivalProbability(c[0] - 1);
                assertThat(tail).as("k=%d n=%d alpha=%s", c[0], c[1], alpha).isCloseTo(alpha, within(alpha * 1e-6));
            }
        }
    }

    @Test
    void closedFormsAtTheEnds() {
        assertThat(ClopperPearson.lowerBound(1000, 1000, 0.001)).isCloseTo(Math.pow(0.001, 1e-3), within(1e-12));
        assertThat(ClopperPearson.lowerBound(0, 1000, 0.001)).isZero();
    }

    @Test
    void refusesImpossibleCounts() {
        assertThatThrownBy(() -> ClopperPearson.lowerBound(11, 10, 0.01)).hasMessageContaining("11 successes of 10");
        assertThatThrownBy(() -> ClopperPearson.lowerBound(1, 10, 0)).hasMessageContaining("alpha");
    }
}
