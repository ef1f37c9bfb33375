package dev.defensebench.report;

import static dev.defensebench.report.TestRows.attack;
import static dev.defensebench.report.TestRows.clean;
import static dev.defensebench.report.TestRows.row;
import static dev.defensebench.report.TestRows.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderboardTest {

    @Test
    void ranksByWorstCaseAtTheMostDiscriminatingCommonEpsilon() {
        List<ResultRow> rows = List.of(
                clean("vanilla", "vanilla", 0.99),
                attack("vanilla", "vanilla", "fgsm", "Linf", 0.1, 0.99, 0.30),
                attack("vanilla", "vanilla", "fgsm", "Linf", 0.3, 0.99, 0.02),
                attack("vanilla", "vanilla", "pgd", "Linf", 0.3, 0.99, 0.00),
                clean("pgd-at", "pgd-at", 0.98),
                attack("pgd-at", "pgd-at", "fgsm", "Linf", 0.1, 0.98, 0.95),
                attack("pgd-at", "pgd-at", "fgsm", "Linf", 0.3, 0.98, 0.93),
                attack("pgd-at", "pgd-at", "pgd", "Linf", 0.3, 0.98, 0.89),
                clean("fgsm-at", "fgsm-at", 0.985),
                attack("fgsm-at", "fgsm-at", "fgsm", "Linf", 0.1, 0.985, 0.97),
                attack("fgsm-at", "fgsm-at", "fgsm", "Linf", 0.3, 0.985, 0.90),
                attack("fgsm-at", "fgsm-at", "pgd", "Linf", 0.3, 0.985, 0.10));

        BoardTable table = Leaderboard.build(rows, List.of()).get(0);

        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("pgd-at", "fgsm-at", "vanilla");
        assertThat(table.entries()).extracting(BoardEntry::rank).containsExactly(1, 2, 3);
        assertThat(table.attackColumns()).extracting(BoardColumn::label)
                .containsExactly("FGSM ε=0.1", "FGSM ε=0.3", "PGD ε=0.3");
        assertThat(table.worstColumns()).extracting(BoardColumn::label).containsExactly("Worst case ℓ∞ ε=0.3");
        assertThat(table.entries().get(0).worstCases()).extracting(BoardCell::text).containsExactly("89.00%");
        assertThat(table.entries().get(1).attacks()).extracting(BoardCell::text)
                .containsExactly("97.00%", "90.00%", "10.00%");
    }

    @Test
    void worstCaseUsesOnlyAnEpsilonEveryModelShares() {
        List<ResultRow> rows = List.of(
                attack("a", "vanilla", "fgsm", "Linf", 0.1, 0.99, 0.40),
                attack("a", "vanilla", "fgsm", "Linf", 0.3, 0.99, 0.05),
                attack("b", "pgd-at", "fgsm", "Linf", 0.1, 0.98, 0.90));

        BoardTable table = Leaderboard.build(rows, List.of()).get(0);

        assertThat(table.worstColumns()).extracting(BoardColumn::label).containsExactly("Worst case ℓ∞ ε=0.1");
        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("b", "a");
        assertThat(table.entries().get(0).attacks()).extracting(BoardCell::text).containsExactly("90.00%", "—");
    }

    @Test
    void withoutFixedEpsilonAttacksRanksByCleanAccuracy() {
        List<ResultRow> rows = List.of(
                clean("low", "vanilla", 0.90),
                row("low", "vanilla", "deepfool", "L2", 1.0, 0.90, 0.50, 0.3),
                clean("high", "deep-defense", 0.99),
                row("high", "deep-defense", "deepfool", "L2", 1.0, 0.99, 0.10, 0.123));

        BoardTable table = Leaderboard.build(rows, List.of()).get(0);

        assertThat(table.worstColumns()).isEmpty();
        assertThat(table.rankedBy()).isEqualTo("clean accuracy");
        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("high", "low");
        assertThat(table.entries().get(0).rho2().text()).isEqualTo("0.123");
        assertThat(table.attackColumns()).extracting(BoardColumn::label).containsExactly("DeepFool ε=1");
    }

    @Test
    void oneTablePerDatasetAndSummariesWithoutRowsStillShow() {
        ResultRow cifar = ResultRow.builder().experiment("nightly").model("vanilla/convnet/s0").defense("vanilla")
                .architecture("convnet").dataset("cifar10").preprocessing("unit").seed(0).cellHash("h").attack("clean")
                .norm("none").epsilon(0.0).samples(500).cleanAccuracy(0.8).robustAccuracy(0.8).robustCi(0.76, 0.83)
                .trainSeconds(3600.0).attackSeconds(0.0).attackParams("{}").build();
        List<BoardTable> tables = Leaderboard.build(List.of(clean("a", "vanilla", 0.99), cifar),
                List.of(summary("untested", "trades", 12.3)));

        assertThat(tables).extracting(BoardTable::dataset).containsExactly("mnist", "cifar10");
        assertThat(tables.get(0).entries()).extracting(BoardEntry::model).containsExactly("a", "untested");
        BoardEntry untested = tables.get(0).entries().get(1);
        assertThat(untested.clean().text()).isEqualTo("—");
        assertThat(untested.trainTime().text()).isEqualTo("12.3 s");
        assertThat(untested.provenance()).containsEntry("lr", "5e-4").containsEntry("seed", "7");
        assertThat(tables.get(1).entries().get(0).trainTime().text()).isEqualTo("1 h 00 min");
    }

    @Test
    void cleanAccuracyCarriesItsWilsonInterval() {
        BoardEntry entry = Leaderboard.build(List.of(clean("a", "vanilla", 0.985)), List.of()).get(0).entries().get(0);
        assertThat(entry.clean().text()).isEqualTo("98.50%");
        assertThat(entry.clean().detail()).isEqualTo("97.5–99.1%");
        assertThat(entry.clean().title()).isEqualTo("95% CI 97.5–99.1% · n = 1000 test points");
    }

    @Test
    void sameAttackUnderTwoNormsGetsTheNormInTheHeader() {
        List<ResultRow> rows = List.of(
                attack("a", "vanilla", "pgd", "Linf", 0.3, 0.99, 0.0),
                attack("a", "vanilla", "pgd", "L2", 2.0, 0.99, 0.1));
        BoardTable table = Leaderboard.build(rows, List.of()).get(0);
        assertThat(table.attackColumns()).extracting(BoardColumn::label)
                .containsExactly("PGD ℓ∞ ε=0.3", "PGD ℓ2 ε=2");
        assertThat(table.worstColumns()).extracting(BoardColumn::label)
                .containsExactly("Worst case ℓ∞ ε=0.3", "Worst case ℓ2 ε=2");
    }

    @Test
    void duplicateRowsAreRejected() {
        ResultRow r = clean("a", "vanilla", 0.9);
        assertThatThrownBy(() -> Leaderboard.build(List.of(r, r), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate result row").hasMessageContaining("model 'a'");
    }

    /** Per-point worst-case rows of two entries: at ε=0.3 both score 0%, at 0.2 they differ least. */
    private static List<ResultRow> worstCases() {
        return List.of(
                clean("a", "vanilla", 0.99), clean("b", "trades", 0.97),
                attack("a", "vanilla", "worst-case", "Linf", 0.1, 0.99, 0.20),
                attack("a", "vanilla", "worst-case", "Linf", 0.2, 0.99, 0.01),
                attack("a", "vanilla", "worst-case", "Linf", 0.3, 0.99, 0.0),
                attack("b", "trades", "worst-case", "Linf", 0.1, 0.97, 0.70),
                attack("b", "trades", "worst-case", "Linf", 0.2, 0.97, 0.15),
                attack("b", "trades", "worst-case", "Linf", 0.3, 0.97, 0.0),
                attack("a", "vanilla", "worst-case", "L2", 1.0, 0.99, 0.5),
                attack("a", "vanilla", "worst-case", "L2", 2.0, 0.99, 0.3),
                attack("b", "trades", "worst-case", "L2", 1.0, 0.97, 0.6),
                attack("b", "trades", "worst-case", "L2", 2.0, 0.97, 0.4));
    }

    @Test
    void defaultHeadlineIsTheMostDiscriminatingEpsilonNeverOneWhereAllScoreZero() {
        BoardTable table = Leaderboard.build(worstCases(), List.of()).get(0);
        // Linf: spread 0.50 at 0.1, 0.14 at 0.2, 0 at 0.3 (all 0%); L2: spread 0.1 at both, the larger ε wins
        assertThat(table.worstColumns()).extracting(BoardColumn::label)
                .containsExactly("Worst case ℓ∞ ε=0.1", "Worst case ℓ2 ε=2");
        assertThat(table.worstColumns().get(0).title()).contains("most discriminating");
        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("b", "a");
        assertThat(table.entries().get(0).worstCases()).extracting(BoardCell::text).containsExactly("70.00%", "40.00%");
    }

    @Test
    void withOneEntryTheDefaultIsTheLargestEpsilonWhereItIsNeitherZeroNorPerfect() {
        List<ResultRow> rows = worstCases().stream().filter(r -> r.model().equals("a")).toList();
        BoardTable table = Leaderboard.build(rows, List.of()).get(0);
        assertThat(table.worstColumns()).extracting(BoardColumn::label)
                .containsExactly("Worst case ℓ∞ ε=0.2", "Worst case ℓ2 ε=2");
    }

    @Test
    void whenEveryEpsilonScoresZeroTheLargestIsShown() {
        List<ResultRow> rows = List.of(
                attack("a", "vanilla", "worst-case", "Linf", 0.2, 0.99, 0.0),
                attack("a", "vanilla", "worst-case", "Linf", 0.3, 0.99, 0.0));
        assertThat(Leaderboard.build(rows, List.of()).get(0).worstColumns()).extracting(BoardColumn::label)
                .containsExactly("Worst case ℓ∞ ε=0.3");
    }

    @Test
    void theExperimentsHeadlineWinsAndItsOrderRanks() {
        Map<String, Double> configured = new LinkedHashMap<>();
        configured.put("L2", 1.0);
        configured.put("Linf", 0.2);
        BoardTable table = Leaderboard.build(worstCases(), List.of(), m -> EntryExtras.NONE, configured).get(0);
        assertThat(table.worstColumns()).extracting(BoardColumn::label)
                .containsExactly("Worst case ℓ2 ε=1", "Worst case ℓ∞ ε=0.2");
        assertThat(table.worstColumns().get(0).title()).contains("the headline ε the experiment names");
        assertThat(table.rankedBy()).contains("ℓ2 ε=1");
        assertThat(table.entries().get(0).worstCases()).extracting(BoardCell::text).containsExactly("60.00%", "15.00%");
        // a norm the experiment leaves out keeps the default
        assertThat(Leaderboard.build(worstCases(), List.of(), m -> EntryExtras.NONE, Map.of("L2", 1.0)).get(0)
                .worstColumns()).extracting(BoardColumn::label).containsExactly("Worst case ℓ2 ε=1", "Worst case ℓ∞ ε=0.1");
    }

    @Test
    void aHeadlineEpsilonWithoutResultsIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> Leaderboard.build(worstCases(), List.of(), m -> EntryExtras.NONE, Map.of("Linf", 0.15)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("headline.json").hasMessageContaining("Linf ε=0.15")
                .hasMessageContaining("[0.1, 0.2, 0.3]");
    }
}
