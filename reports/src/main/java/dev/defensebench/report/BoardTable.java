package dev.defensebench.report;

import java.util.List;

/**
 * The leaderboard of one dataset: its score columns and its ranked entries.
 *
 * @param dataset      the dataset id
 * @param summary      one line about the table (test points, preprocessing)
 * @param attackColumns one column per (attack, norm, ε) found in the rows, clean excluded
 * @param worstColumns one worst-case column per norm that has a fixed-ε attack at a common ε
 * @param rankedBy     which score ranks the rows, in words
 * @param worstCaseNote how the worst-case column was computed (per point, or the fallback), in words
 * @param entries      the entries, best first
 * @param indicative   why the ranking is only indicative ({@link RankingNotes#indicative}); empty when it rests
 *                     on reliable evaluations
 * @param budgetWarning a warning when the entries' training budgets do not compare; empty when they do
 */
record BoardTable(String dataset, String summary, List<BoardColumn> attackColumns, List<BoardColumn> worstColumns,
        String rankedBy, String worstCaseNote, List<BoardEntry> entries, List<String> indicative, String budgetWarning) {
}
