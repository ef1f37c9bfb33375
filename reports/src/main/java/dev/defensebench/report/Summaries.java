package dev.defensebench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The downloadable {@code summary.json}: per board, the ranked entries with their headline numbers; the changes; the machine. */
final class Summaries {

    private Summaries() {
    }

    static Map<String, Object> of(ResultSet current, List<BoardTable> tables, List<Change> changes, String generatedAt,
            Map<String, String> pages) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("experiment", current.experiment());
        summary.put("generated_at", generatedAt);
        summary.put("results", OutputLayout.RESULTS);
        summary.put("machine", current.timing() == null ? null : current.timing().machine());
        summary.put("timing_settings", current.timing() == null ? null : current.timing().settings());
        summary.put("boards", tables.stream().map(t -> {
            Map<String, Object> board = new LinkedHashMap<>();
            board.put("dataset", t.dataset());
            board.put("ranked_by", t.rankedBy());
            board.put("ranking", t.indicative().isEmpty() ? "reliable" : "indicative");
            board.put("indicative_reasons", t.indicative());
            board.put("budget_warning", t.budgetWarning().isEmpty() ? null : t.budgetWarning());
            board.put("worst_case_columns", t.worstColumns().stream().map(BoardColumn::label).toList());
            board.put("entries", t.entries().stream().map(e -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("rank", e.rank());
                entry.put("model", e.model());
                entry.put("defense", e.defense());
                entry.put("architecture", e.architecture());
                entry.put("clean_accuracy", number(e.cleanScore()));
                entry.put("rank_score", number(e.rankScore()));
                entry.put("page", "entries/" + pages.get(e.model()));
                entry.put("sanity", e.extras().badges().stream()
                        .map(b -> Map.of("check", b.check(), "status", b.status())).toList());
                return entry;
            }).toList());
            return board;
        }).toList());
        List<AttackOptimality> optimality = AttackOptimality.of(current.rows());
        summary.put("attack_optimality", optimality.stream().map(Summaries::optimality).toList());
        summary.put("timing", current.timing() == null ? List.of() : current.timing().measurements());
        summary.put("changes_since_last_run", changes);
        summary.put("regressions", changes.stream().filter(Change::isRegression).count());
        return summary;
    }

    private static Map<String, Object> optimality(AttackOptimality o) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("model", o.model());
        entry.put("norm", o.norm());
        entry.put("attack", o.attack());
        entry.put("optimality", number(o.optimality()));
        entry.put("area", o.area());
        entry.put("best_area", o.bestArea());
        entry.put("clean_area", o.cleanArea());
        return entry;
    }

    private static Double number(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
