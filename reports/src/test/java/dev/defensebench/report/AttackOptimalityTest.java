package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class AttackOptimalityTest {

    private static ResultRow row(String attack, double eps, double robust) {
        return TestRows.attack("m", "vanilla", attack, "Linf", eps, 0.8, robust);
    }

    /**
     * Clean 0.8; grid {0, 0.1, 0.3}. Per-point best 0.5 at 0.1 and 0.2 at 0.3: A_best = 0.1·1.3/2 + 0.2·0.7/2
     * = 0.135; clean area 0.24. PGD (0.6, 0.2): A = 0.07 + 0.08 = 0.15, optimality 1 − 0.015/0.105 = 6/7.
     * FGSM run at 0.3 only (0.5) is a step function, 0.8 up to 0.3: A = 0.08 + 0.13 = 0.21, optimality
     * 1 − 0.075/0.105 = 2/7.
     */
    @Test
    void handComputedCase() {
        ResultRow transfer = new ResultRow("nightly", "m", "vanilla", "lenet", "mnist", "unit", 7L, "abc123", "transfer-pgd",
                "Linf", 0.3, 1000, 0.8, 0.0, 0.0, 0.01, Double.NaN, 1, 1, "{}", ResultRow.TRANSFER, Double.NaN);
        List<AttackOptimality> scores = AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8),
                row("pgd", 0.1, 0.6), row("pgd", 0.3, 0.2), row("fgsm", 0.3, 0.5), transfer,
                row("worst-case", 0.1, 0.5), row("worst-case", 0.3, 0.2)));
        assertThat(scores).extracting(AttackOptimality::attack).containsExactly("pgd", "fgsm");
        AttackOptimality pgd = scores.get(0);
        assertThat(pgd.bestArea()).isCloseTo(0.135, within(1e-12));
        assertThat(pgd.cleanArea()).isCloseTo(0.24, within(1e-12));
        assertThat(pgd.area()).isCloseTo(0.15, within(1e-12));
        assertThat(pgd.optimality()).isCloseTo(6.0 / 7, within(1e-12));
        assertThat(scores.get(1).area()).isCloseTo(0.21, within(1e-12));
        assertThat(scores.get(1).optimality()).isCloseTo(2.0 / 7, within(1e-12));
        assertThat(AttackOptimality.weakest(scores)).extracting(AttackOptimality::attack).containsExactly("fgsm");
    }

    @Test
    void noScoreWithoutAReferenceOrWhenNothingWasBroken() {
        assertThat(AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8), row("pgd", 0.3, 0.2)))).isEmpty();
        List<AttackOptimality> unbroken = AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8),
                row("pgd", 0.3, 0.8), row("worst-case", 0.3, 0.8)));
        assertThat(unbroken.get(0).optimality()).isNaN();
        assertThat(AttackOptimality.weakest(unbroken)).isEmpty();
    }
}
