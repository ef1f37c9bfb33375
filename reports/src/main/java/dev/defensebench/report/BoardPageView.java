package dev.defensebench.report;

import java.util.List;

/**
 * What the board page {@code leaderboard.ftlh} reads: every value as the page shows it (numbers already
 * formatted by {@link Formats}), so that a renamed or missing field fails at compile time here and in
 * {@code PageTemplatesTest} for the template. Built by {@link BoardPage}.
 *
 * @param experiment  the experiment name
 * @param generatedAt when the site was written, ISO-8601 to the second
 * @param downloads   the files offered for download
 * @param columns     the board-wide optional columns
 * @param tables      one board per dataset
 * @param failures    the entries that failed or were skipped, unranked
 * @param history     the comparison with the previous run
 * @param timing      the timing machine; empty texts when the run was not timed
 */
public record BoardPageView(String experiment, String generatedAt, Downloads downloads, Columns columns,
        List<Table> tables, List<FailureLine> failures, History history, Timing timing) {

    /**
     * The downloads line.
     *
     * @param resultsFile the results CSV's file name
     * @param summaryFile the JSON summary's file name
     * @param rowCount    the number of result rows
     */
    public record Downloads(String resultsFile, String summaryFile, String rowCount) {
    }

    /**
     * The columns that every board of the page has or has not.
     *
     * @param rho2Attack   the attack whose ρ2 the ρ2 column shows
     * @param timedAttacks one attack-cost column per timed attack, by display name
     * @param certified    one certified-accuracy column header per certified column, "label ε=value"
     * @param hasSanity    whether sanity checks were recorded (the sanity columns)
     */
    public record Columns(String rho2Attack, List<String> timedAttacks, List<String> certified, boolean hasSanity) {
    }

    /**
     * The changes since the previous run.
     *
     * @param present         whether there is a previous run (else the section and the trend column are left out)
     * @param runCount        the number of runs, this one included
     * @param previousRun     the previous run's label and time; empty without one
     * @param changes         what changed
     * @param regressions     how many changes are regressions
     * @param timingTolerance the relative timing change that is flagged, in percent
     */
    public record History(boolean present, String runCount, String previousRun, List<ChangeLine> changes,
            String regressions, String timingTolerance) {
    }

    /**
     * One line of the changes table.
     *
     * @param model  the entry id
     * @param metric what changed
     * @param kind   regression, improvement, added, removed or note
     * @param before the previous value
     * @param after  the new value
     * @param detail why it is flagged
     */
    public record ChangeLine(String model, String metric, String kind, String before, String after, String detail) {
    }

    /**
     * One line of the failed entries.
     *
     * @param model        the entry id
     * @param defense      the defense id
     * @param architecture the architecture id
     * @param status       failed or skipped
     * @param reason       what went wrong
     */
    public record FailureLine(String model, String defense, String architecture, String status, String reason) {
    }

    /**
     * The timing machine.
     *
     * @param machine  the machine described in one line; empty when the run was not timed
     * @param settings the JMH settings, "key value · key value"; empty when the run was not timed
     */
    public record Timing(String machine, String settings) {
    }

    /**
     * The board of one dataset.
     *
     * @param dataset       the dataset id
     * @param summary       one line about the table
     * @param attackColumns one column per (attack, norm, ε)
     * @param worstColumns  one worst-case column per norm at its headline ε
     * @param rankedBy      which score ranks the rows, in words
     * @param worstCaseNote how the worst-case column was computed; may be empty
     * @param entries       the rows, best first
     * @param indicative    why the ranking is only indicative; empty when it is reliable
     * @param budgetWarning a warning on unequal training budgets; empty when they compare
     */
    public record Table(String dataset, String summary, List<BoardColumn> attackColumns, List<BoardColumn> worstColumns,
            String rankedBy, String worstCaseNote, List<Row> entries, List<String> indicative, String budgetWarning) {
    }

    /**
     * One entry's row of a board.
     *
     * @param rank         its position
     * @param model        the entry id
     * @param defense      the defense id (with a black-box note where it applies)
     * @param architecture the architecture id
     * @param provenance   the lines of the model cell's tooltip
     * @param scores       its score cells
     * @param extras       its page link, sanity badges, timing cells, date and trend
     * @param verdict      the one badge that sums up its sanity checks
     */
    public record Row(String rank, String model, String defense, String architecture, List<LabeledValue> provenance,
            Scores scores, EntryExtras extras, Badge verdict) {
    }

    /**
     * One entry's score cells.
     *
     * @param clean      clean accuracy with its interval
     * @param rho2       ρ2
     * @param attacks    one cell per attack column
     * @param worstCases one cell per worst-case column
     * @param trainTime  training time
     * @param budget     training budget
     */
    public record Scores(BoardCell clean, BoardCell rho2, List<BoardCell> attacks, List<BoardCell> worstCases,
            BoardCell trainTime, BoardCell budget) {
    }
}
