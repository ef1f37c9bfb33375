package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonIntervalTest {

    @Test
    void matchesKnownValues() {
        assertThat(WilsonInterval.wilson(8, 10)).containsExactly(new double[] {0.4902, 0.9433}, within(1e-4));
        assertThat(WilsonInterval.wilson(50, 100)).containsExactly(new double[] {0.4038, 0.5962}, within(1e-4));
        assertThat(WilsonInterval.wilson(985, 1000)).containsExactly(new double[] {0.9754, 0.9909}, within(1e-4));
    }

    @Test
    void extremesStayInsideTheUnitInterval() {
        assertThat(WilsonInterval.wilson(0, 10)).containsExactly(new double[] {0.0, 0.2775}, within(1e-4));
        assertThat(WilsonInterval.wilson(10, 10)).containsExactly(new double[] {0.7225, 1.0}, within(1e-4));
        assertThat(WilsonInterval.wilson(0, 0)).containsExactly(0.0, 1.0);
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> WilsonInterval.of(11, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("successes=11").hasMessageContaining("n=10");
        assertThatThrownBy(() -> WilsonInterval.of(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsTheObservedProportionForEveryCount() {
        for (int n = 1; n <= 300; n++) {
            for (int successes = 0; successes <= n; successes++) {
                WilsonInterval ci = WilsonInterval.of(successes, n);
                double p = (double) successes / n;
                assertThat(ci.low()).as("low of %d/%d", successes, n).isBetween(0.0, p);
                assertThat(ci.high()).as("high of %d/%d", successes, n).isBetween(p, 1.0);
            }
        }
    }
}
