package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ranking rule (reliable evaluations at every headline ε) and the budget comparison, as the board applies them. */
class RankingNotesTest {

    /** Two entries with worst cases at ℓ∞ 0.1 and ℓ2 1.5; {@code reliable} lists "model norm" pairs whose worst case includes AutoAttack. */
    private static List<ResultRow> rows(List<String> reliable) {
        List<ResultRow> rows = new ArrayList<>();
        for (String model : List.of("a", "b")) {
            rows.add(TestRows.clean(model, "vanilla", 0.9));
            for (String norm : List.of("Linf", "L2")) {
                double eps = norm.equals("Linf") ? 0.1 : 1.5;
                double robust = model.equals("a") ? 0.6 : 0.4;
                rows.add(TestRows.attack(model, "vanilla", "pgd", norm, eps, 0.9, robust + 0.05));
                ResultRow worst = TestRows.attack(model, "vanilla", "worst-case", norm, eps, 0.9, robust);
                rows.add(reliable.contains(model + " " + norm) ? TestRows.withTraits(worst, "reliable") : worst);
            }
        }
        return rows;
    }

    @Test
    void aRankingOnReliableWorstCasesAtEveryHeadlineIsNotIndicative() {
        BoardTable table = Leaderboard.build(rows(List.of("a Linf", "a L2", "b Linf", "b L2")), List.of()).get(0);
        assertThat(table.indicative()).isEmpty();
        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("a", "b");
    }

    @Test
    void anEntryWithoutAReliableEvaluationAtOneHeadlineMakesTheRankingIndicativeAndIsNamed() {
        BoardTable table = Leaderboard.build(rows(List.of("a Linf", "a L2", "b Linf")), List.of()).get(0);
        assertThat(table.indicative()).singleElement().asString()
                .contains("no reliable evaluation").contains("ℓ2 ε=1.5").contains("for b").doesNotContain("ℓ∞");
        // still ranked, by the worst case as before
        assertThat(table.entries()).extracting(BoardEntry::model).containsExactly("a", "b");
    }

    @Test
    void withoutAnyReliableEvaluationEveryNormIsAReason() {
        BoardTable table = Leaderboard.build(rows(List.of()), List.of()).get(0);
        assertThat(table.indicative()).hasSize(2).allSatisfy(r -> assertThat(r).contains("for any entry"));
    }

    @Test
    void aBoardWithoutWorstCaseRowsIsIndicative() {
        List<ResultRow> rows = List.of(TestRows.clean("a", "vanilla", 0.9),
                TestRows.attack("a", "vanilla", "pgd", "Linf", 0.1, 0.9, 0.5));
        assertThat(Leaderboard.build(rows, List.of()).get(0).indicative()).singleElement().asString()
                .contains("no per-point worst case");
    }

    @Test
    void budgetsWithinTwiceCompare() {
        assertThat(RankingNotes.budgetWarning(List.of(TestRows.summary("v", null, 180_000, 0),
                TestRows.summary("dd", "v", 20_000, 180_000), TestRows.summary("at", "v", 20_000, 180_000)))).isEmpty();
    }

    @Test
    void siblingsFineTunedOnUnequalBudgetsAreFlaggedEvenWhenTheirTotalsCompare() {
        // the quick start before the budgets were equalised: 120k images for Deep Defense, 5k for FGSM-AT
        String warning = RankingNotes.budgetWarning(List.of(TestRows.summary("v", null, 180_000, 0),
                TestRows.summary("dd", "v", 120_000, 180_000), TestRows.summary("fgsm", "v", 5_000, 180_000)));
        assertThat(warning).contains("fgsm saw 5k images and dd 120k (24×), fine-tuning from v")
                .doesNotContain("including their ancestors");
    }

    @Test
    void totalsMoreThanTwiceApartAreFlaggedAndImportsAreLeftOut() {
        ModelSummary imported = TestRows.summary("onnx", "vanilla", 1.0);
        String warning = RankingNotes.budgetWarning(List.of(TestRows.summary("short", null, 10_000, 0),
                TestRows.summary("long", null, 30_000, 0), imported));
        assertThat(warning).contains("short saw 10k images and long 30k (3×), including their ancestors' training")
                .doesNotContain("onnx");
    }

    @Test
    void theBudgetCellShowsImagesWithAncestorsAndPassesPerImage() {
        BoardCell cell = RankingNotes.cell(TestRows.summary("dd", "v", 20_000, 180_000).budget());
        // own 20k images with 3 F and 2 B each, ancestors 180k with 1 F and 1 B each: (60k + 180k) / 200k = 1.2
        assertThat(cell.text()).isEqualTo("200k");
        assertThat(cell.detail()).isEqualTo("1.2 F + 1.1 B /img");
        assertThat(cell.sortValue()).isEqualTo("200000");
        assertThat(RankingNotes.cell(null).text()).isEqualTo(Formats.ABSENT);
    }
}
