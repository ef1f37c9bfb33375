package dev.defensebench.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The downloadable {@code summary.json}: per board, the ranked entries with their headline numbers; attack
 * optimality; the timings, the changes and the machine. Its shape is documented in docs/results.md: the
 * records below are that shape, properties in alphabetical order as the file has always listed them.
 */
final class SummaryFile {

    private SummaryFile() {
    }

    /** Writes {@code siteDir/summary.json}. */
    static void write(SiteContent content, Path siteDir) throws IOException {
        String json = Json.PRETTY.writeValueAsString(of(content));
        AtomicFiles.write(siteDir.resolve(Site.SUMMARY), out -> out.write(json));
    }

    /** The summary of {@code content}. */
    static Summary of(SiteContent content) {
        ResultSet current = content.current();
        TimingReport timing = current.timing();
        List<Change> changes = content.changes();
        return new Summary(AttackOptimality.of(current.rows()).stream().map(SummaryFile::optimality).toList(),
                content.tables().stream().map(t -> board(t, content)).toList(), changes, current.experiment(),
                content.generatedAt(), timing == null ? null : timing.machine(),
                changes.stream().filter(Change::isRegression).count(), OutputLayout.RESULTS,
                timing == null ? List.of() : timing.measurements(), timing == null ? null : timing.settings());
    }

    private static Board board(BoardTable t, SiteContent content) {
        return new Board(t.budgetWarning().isEmpty() ? null : t.budgetWarning(), t.dataset(),
                t.entries().stream().map(e -> entry(e, content)).toList(), t.indicative(), t.rankedBy(),
                t.indicative().isEmpty() ? "reliable" : "indicative",
                t.worstColumns().stream().map(BoardColumn::label).toList());
    }

    private static Entry entry(BoardEntry e, SiteContent content) {
        return new Entry(e.architecture(), number(e.cleanScore()), e.defense(), e.model(),
                Site.ENTRIES + "/" + content.pageOf(e.model()), e.rank(), number(e.rankScore()),
                e.extras().badges().stream().map(b -> new Check(b.check(), b.status())).toList());
    }

    private static Optimality optimality(AttackOptimality o) {
        return new Optimality(o.area(), o.attack(), o.bestArea(), o.cleanArea(), o.model(), o.norm(),
                number(o.optimality()));
    }

    /** A number, or null (JSON null) for NaN. */
    private static Double number(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * The whole file.
     *
     * @param attackOptimality each attack's optimality per entry and norm
     * @param boards           one per dataset
     * @param changes          the changes since the previous run
     * @param experiment       the experiment name
     * @param generatedAt      when the site was written
     * @param machine          the timing machine; null when not timed
     * @param regressions      the number of regressions among the changes
     * @param results          the results CSV's file name
     * @param timing           every JMH measurement
     * @param timingSettings   the JMH settings; null when not timed
     */
    @JsonPropertyOrder({"attack_optimality", "boards", "changes_since_last_run", "experiment", "generated_at", "machine",
            "regressions", "results", "timing", "timing_settings"})
    record Summary(@JsonProperty("attack_optimality") List<Optimality> attackOptimality, List<Board> boards,
            @JsonProperty("changes_since_last_run") List<Change> changes, String experiment,
            @JsonProperty("generated_at") String generatedAt, Machine machine, long regressions, String results,
            List<TimingMeasurement> timing, @JsonProperty("timing_settings") Map<String, String> timingSettings) {
    }

    /**
     * One board.
     *
     * @param budgetWarning     the unequal-budget warning; null when the budgets compare
     * @param dataset           the dataset id
     * @param entries           the entries, best first
     * @param indicativeReasons why the ranking is indicative; empty when reliable
     * @param rankedBy          which score ranks the entries, in words
     * @param ranking           reliable or indicative
     * @param worstCaseColumns  the worst-case column labels
     */
    @JsonPropertyOrder({"budget_warning", "dataset", "entries", "indicative_reasons", "ranked_by", "ranking",
            "worst_case_columns"})
    record Board(@JsonProperty("budget_warning") String budgetWarning, String dataset, List<Entry> entries,
            @JsonProperty("indicative_reasons") List<String> indicativeReasons, @JsonProperty("ranked_by") String rankedBy,
            String ranking, @JsonProperty("worst_case_columns") List<String> worstCaseColumns) {
    }

    /**
     * One ranked entry.
     *
     * @param architecture  the architecture id
     * @param cleanAccuracy clean accuracy; null when unknown
     * @param defense       the defense id
     * @param model         the entry id
     * @param page          its page, relative to the site
     * @param rank          its position
     * @param rankScore     the score it is ranked by; null when unknown
     * @param sanity        its sanity checks' verdicts
     */
    @JsonPropertyOrder({"architecture", "clean_accuracy", "defense", "model", "page", "rank", "rank_score", "sanity"})
    record Entry(String architecture, @JsonProperty("clean_accuracy") Double cleanAccuracy, String defense, String model,
            String page, int rank, @JsonProperty("rank_score") Double rankScore, List<Check> sanity) {
    }

    /**
     * One sanity check's verdict.
     *
     * @param check  the check id
     * @param status pass, warn, fail or skip
     */
    @JsonPropertyOrder({"check", "status"})
    record Check(String check, String status) {
    }

    /**
     * One attack's optimality.
     *
     * @param area       the area under its curve
     * @param attack     the attack id
     * @param bestArea   the area under the per-point worst case's curve
     * @param cleanArea  clean accuracy times the largest ε
     * @param model      the entry id
     * @param norm       the norm
     * @param optimality the score; null when undefined
     */
    @JsonPropertyOrder({"area", "attack", "best_area", "clean_area", "model", "norm", "optimality"})
    record Optimality(double area, String attack, @JsonProperty("best_area") double bestArea,
            @JsonProperty("clean_area") double cleanArea, String model, String norm, Double optimality) {
    }
}
