package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormatsTest {

    @Test
    void scientificUsesAShortExponent() {
        assertThat(Formats.scientific(0.1234)).isEqualTo("1.23e-1");
        assertThat(Formats.scientific(0.0011)).isEqualTo("1.10e-3");
        assertThat(Formats.scientific(12.0)).isEqualTo("1.20e1");
        assertThat(Formats.scientific(Double.NaN)).isEqualTo("—");
    }

    @Test
    void durationsReadLikeAPersonWouldWriteThem() {
        assertThat(Formats.duration(12.34)).isEqualTo("12.3 s");
        assertThat(Formats.duration(245.0)).isEqualTo("4 min 05 s");
        assertThat(Formats.duration(59.97)).isEqualTo("1 min 00 s");
        assertThat(Formats.duration(7380.0)).isEqualTo("2 h 03 min");
        assertThat(Formats.duration(Double.NaN)).isEqualTo("—");
    }

    @Test
    void epsilonDropsTrailingZeros() {
        assertThat(Formats.epsilon(0.1)).isEqualTo("0.1");
        assertThat(Formats.epsilon(2.0)).isEqualTo("2");
        assertThat(Formats.epsilon(8.0 / 255)).isEqualTo("0.03137");
        assertThat(Formats.epsilon(0.0)).isEqualTo("0");
    }

    @Test
    void percentsAndNames() {
        assertThat(Formats.percent(0.9853)).isEqualTo("98.53%");
        assertThat(Formats.percentRange(0.979, 0.99)).isEqualTo("97.9–99.0%");
        assertThat(Formats.normName("Linf")).isEqualTo("ℓ∞");
    }

    @Test
    void integersPointsAndWholePercents() {
        assertThat(Formats.integer(1234567L)).isEqualTo("1234567"); // no grouping, whatever the locale
        assertThat(Formats.integer(-3)).isEqualTo("-3");
        assertThat(Formats.points(0.0396)).isEqualTo("3.96");
        assertThat(Formats.points(0.1)).isEqualTo("10.00");
        assertThat(Formats.wholePercent(0.354)).isEqualTo("35%");
        assertThat(Formats.wholePercent(1.0)).isEqualTo("100%");
    }
}
