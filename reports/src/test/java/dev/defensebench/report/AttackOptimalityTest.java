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
     * FGSM run at 0.3 only (0.5) is scored over its own grid {0, 0.3}: A = 0.3·1.3/2 = 0.195 against the
     * reference's 0.3·1.0/2 = 0.15 there, optimality 1 − 0.045/0.09 = 1/2.
     */
    @Test
    void handComputedCase() {
        ResultRow transfer = ResultRow.builder().experiment("nightly").model("m").defense("vanilla").architecture("lenet")
                .dataset("mnist").preprocessing("unit").seed(7L).cellHash("abc123").attack("transfer-pgd").norm("Linf")
                .epsilon(0.3).samples(1000).cleanAccuracy(0.8).robustAccuracy(0.0).robustCi(0.0, 0.01).trainSeconds(1)
                .attackSeconds(1).attackParams("{}").access(ResultRow.TRANSFER).build();
        List<AttackOptimality> scores = AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8),
                row("pgd", 0.1, 0.6), row("pgd", 0.3, 0.2), row("fgsm", 0.3, 0.5), transfer,
                row("worst-case", 0.1, 0.5), row("worst-case", 0.3, 0.2)));
        assertThat(scores).extracting(AttackOptimality::attack).containsExactly("pgd", "fgsm");
        AttackOptimality pgd = scores.get(0);
        assertThat(pgd.bestArea()).isCloseTo(0.135, within(1e-12));
        assertThat(pgd.cleanArea()).isCloseTo(0.24, within(1e-12));
        assertThat(pgd.area()).isCloseTo(0.15, within(1e-12));
        assertThat(pgd.optimality()).isCloseTo(6.0 / 7, within(1e-12));
        assertThat(scores.get(1).area()).isCloseTo(0.195, within(1e-12));
        assertThat(scores.get(1).bestArea()).isCloseTo(0.15, within(1e-12));
        assertThat(scores.get(1).optimality()).isCloseTo(0.5, within(1e-12));
    }

    /**
     * The grid artifact of a step function: APGD run at {0.1, 0.3} matches the per-point best (PGD, run at
     * four ε) wherever it ran, so both are optimal; read as a step over PGD's grid APGD would score 0.79.
     */
    @Test
    void sparseGridsAreNotReadAsStepFunctions() {
        List<ResultRow> rows = new java.util.ArrayList<>(List.of(TestRows.clean("m", "vanilla", 0.8)));
        double[][] pgd = {{0.05, 0.7}, {0.1, 0.5}, {0.2, 0.3}, {0.3, 0.1}};
        for (double[] p : pgd) {
            rows.add(row("pgd", p[0], p[1]));
            rows.add(row("worst-case", p[0], p[1]));
        }
        rows.add(row("apgd-ce", 0.1, 0.5));
        rows.add(row("apgd-ce", 0.3, 0.1));
        List<AttackOptimality> scores = AttackOptimality.of(rows);
        assertThat(scores).extracting(AttackOptimality::attack).containsExactly("pgd", "apgd-ce");
        assertThat(scores).allSatisfy(s -> assertThat(s.optimality()).isCloseTo(1.0, within(1e-12)));
    }

    @Test
    void noScoreWithoutAReferenceOrWhenNothingWasBroken() {
        assertThat(AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8), row("pgd", 0.3, 0.2)))).isEmpty();
        List<AttackOptimality> unbroken = AttackOptimality.of(List.of(TestRows.clean("m", "vanilla", 0.8),
                row("pgd", 0.3, 0.8), row("worst-case", 0.3, 0.8)));
        assertThat(unbroken.get(0).optimality()).isNaN();
    }
}
