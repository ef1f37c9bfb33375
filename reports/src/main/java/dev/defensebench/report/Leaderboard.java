package dev.defensebench.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns result rows and model summaries into ranked leaderboard tables, one per dataset.
 *
 * <p>Columns: one per (attack, norm, ε) found in the rows, clean and {@value #WORST_CASE_ATTACK} rows
 * excluded; an attack is min-norm when any of its rows carries a ρ2, fixed-ε otherwise. When the rows
 * hold {@value #WORST_CASE_ATTACK} rows (the per-point worst case over all attacks, written by the
 * attack suite), there is one worst-case column per norm at its headline ε ({@link HeadlineEpsilons}:
 * the experiment's choice, else the most discriminating ε that every model's worst-case rows of that
 * norm share). Otherwise, as a fallback, for every norm with a fixed-ε attack the worst-case column
 * holds the lowest robust accuracy over all attacks of that norm at the headline ε, chosen among the ε
 * that every model with fixed-ε results of that norm was attacked at; since rows are aggregates, that
 * minimum is an upper bound on the per-point worst case, and the page says so. Rows are ranked by the
 * first worst-case column, then by clean accuracy, then by model id; without a worst-case column, by
 * clean accuracy.
 */
final class Leaderboard {

    /** The attack id of the per-point worst-case rows. */
    static final String WORST_CASE_ATTACK = "worst-case";

    private Leaderboard() {
    }

    /**
     * Builds one table per dataset, datasets in order of first appearance (rows first, then models).
     *
     * @throws IllegalArgumentException on two rows for the same (dataset, model, attack, norm, ε) or two
     *                                  summaries of the same (dataset, model)
     */
    static List<BoardTable> build(List<ResultRow> rows, List<ModelSummary> models) {
        return build(rows, models, model -> EntryExtras.NONE, Map.of());
    }

    /**
     * {@link #build(List, List)} with the extra cells (badges, timing, trend, page link) of each model id
     * and the experiment's headline ε per norm ({@code configured}, possibly empty).
     */
    static List<BoardTable> build(List<ResultRow> rows, List<ModelSummary> models,
            java.util.function.Function<String, EntryExtras> extras, Map<String, Double> configured) {
        Map<String, Map<String, List<ResultRow>>> rowsByDataset = new LinkedHashMap<>();
        Set<List<Object>> seen = new HashSet<>();
        for (ResultRow row : rows) {
            if (!seen.add(List.of(row.dataset(), row.model(), row.attack(), row.norm(), row.epsilon()))) {
                throw new IllegalArgumentException("duplicate result row: dataset '" + row.dataset() + "', model '"
                        + row.model() + "', attack '" + row.attack() + "', norm " + row.norm() + ", epsilon "
                        + row.epsilon());
            }
            rowsByDataset.computeIfAbsent(row.dataset(), d -> new LinkedHashMap<>())
                    .computeIfAbsent(row.model(), m -> new ArrayList<>()).add(row);
        }
        Map<String, Map<String, ModelSummary>> summaries = new HashMap<>();
        for (ModelSummary model : models) {
            if (summaries.computeIfAbsent(model.dataset(), d -> new HashMap<>()).put(model.model(), model) != null) {
                throw new IllegalArgumentException("duplicate model summary: dataset '" + model.dataset()
                        + "', model '" + model.model() + "'");
            }
            rowsByDataset.computeIfAbsent(model.dataset(), d -> new LinkedHashMap<>())
                    .computeIfAbsent(model.model(), m -> new ArrayList<>());
        }
        List<BoardTable> tables = new ArrayList<>();
        rowsByDataset.forEach((dataset, byModel) -> tables.add(table(dataset, byModel,
                summaries.getOrDefault(dataset, Map.of()), extras, configured)));
        return tables;
    }

    /**
     * The headline of one dataset's rows: per norm, the ε of its worst-case column; and whether the
     * worst case is per point ({@value #WORST_CASE_ATTACK} rows) or the fallback minimum.
     */
    record Headline(Map<String, Double> epsilons, boolean perPoint) {

        /** The first norm's (norm, ε), or null when there is no worst-case column. */
        Map.Entry<String, Double> first() {
            return epsilons.isEmpty() ? null : epsilons.entrySet().iterator().next();
        }

        /** The worst-case robust accuracy of one model's rows at the first norm's ε; NaN when absent. */
        double value(List<ResultRow> modelRows) {
            Map.Entry<String, Double> first = first();
            return first == null ? Double.NaN : worstCase(modelRows, perPoint, first.getKey(), first.getValue());
        }
    }

    /**
     * The rows of one model that make its worst case at ({@code norm}, {@code epsilon}): the per-point
     * worst-case rows, or in the fallback every attack's rows; those without a robust accuracy left out.
     */
    static List<ResultRow> worstCaseRows(List<ResultRow> modelRows, boolean perPoint, String norm, double epsilon) {
        return modelRows.stream()
                .filter(r -> !r.isClean() && isWorstCase(r) == perPoint && r.norm().equals(norm)
                        && Double.compare(r.epsilon(), epsilon) == 0 && !Double.isNaN(r.robustAccuracy()))
                .toList();
    }

    /** The lowest robust accuracy of {@link #worstCaseRows}; NaN when there is none. */
    static double worstCase(List<ResultRow> modelRows, boolean perPoint, String norm, double epsilon) {
        return worstCaseRows(modelRows, perPoint, norm, epsilon).stream().mapToDouble(ResultRow::robustAccuracy)
                .min().orElse(Double.NaN);
    }

    /**
     * The headline of {@code rows}, which must all be of one dataset, with the experiment's headline ε
     * per norm ({@code configured}, possibly empty).
     */
    static Headline headline(List<ResultRow> rows, Map<String, Double> configured) {
        Map<String, List<ResultRow>> byModel = new LinkedHashMap<>();
        Set<String> minNormGroups = new HashSet<>();
        boolean perPoint = false;
        for (ResultRow row : rows) {
            byModel.computeIfAbsent(row.model(), m -> new ArrayList<>()).add(row);
            perPoint |= isWorstCase(row);
            if (!row.isClean() && !isWorstCase(row) && row.isMinNorm()) {
                minNormGroups.add(AttackKey.of(row).group());
            }
        }
        return new Headline(HeadlineEpsilons.choose(byModel, minNormGroups, perPoint, configured), perPoint);
    }

    /** Whether a row is a per-point worst-case row. */
    static boolean isWorstCase(ResultRow row) {
        return row.attack().equalsIgnoreCase(WORST_CASE_ATTACK);
    }

    private static BoardTable table(String dataset, Map<String, List<ResultRow>> byModel,
            Map<String, ModelSummary> summaries, java.util.function.Function<String, EntryExtras> extras,
            Map<String, Double> configured) {
        List<ResultRow> all = byModel.values().stream().flatMap(List::stream).toList();
        boolean perPoint = all.stream().anyMatch(Leaderboard::isWorstCase);
        AttackColumns attackColumns = AttackColumns.of(all);
        Map<String, Double> worstEpsilons = HeadlineEpsilons.choose(byModel, attackColumns.minNormGroups(), perPoint,
                configured);
        List<BoardColumn> worstColumns = new ArrayList<>();
        worstEpsilons.forEach((norm, epsilon) -> worstColumns.add(
                worstColumn(norm, epsilon, perPoint, configured.containsKey(norm))));
        BoardEntryAssembler assembler = new BoardEntryAssembler(attackColumns.keys(), worstEpsilons, perPoint);
        List<BoardEntry> entries = new ArrayList<>();
        byModel.forEach((model, modelRows) -> entries.add(
                assembler.entry(model, modelRows, summaries.get(model), extras.apply(model))));
        return new BoardTable(dataset, summary(byModel.size(), all, summaries.values()), attackColumns.columns(),
                worstColumns, rankedBy(worstColumns, perPoint), worstCaseNote(worstColumns, perPoint), ranked(entries),
                RankingNotes.indicative(byModel, worstEpsilons, perPoint), RankingNotes.budgetWarning(summaries.values()));
    }

    private static BoardColumn worstColumn(String norm, double epsilon, boolean perPoint, boolean configured) {
        String chosen = configured ? ", the headline ε the experiment names"
                : ", the most discriminating ε common to all models (widest spread between the entries)";
        return new BoardColumn(
                "Worst case " + Formats.normName(norm) + " ε=" + Formats.epsilon(epsilon),
                perPoint ? "Per-point worst case over all " + Formats.normName(norm) + " attacks at ε=" + epsilon
                        + chosen + ": a point counts as robust only if every attack failed on it"
                        : "Lowest robust accuracy over all " + Formats.normName(norm) + " attacks at ε=" + epsilon
                        + chosen + " (fallback without per-point worst-case rows: an upper bound on the per-point"
                        + " worst case)");
    }

    /** The entries sorted by rank score, then clean accuracy (both descending, NaN last), then model id; ranked from 1. */
    private static List<BoardEntry> ranked(List<BoardEntry> entries) {
        entries.sort(Comparator.comparing((BoardEntry e) -> e.rankScore(), Leaderboard::descendingNanLast)
                .thenComparing(BoardEntry::cleanScore, Leaderboard::descendingNanLast)
                .thenComparing(BoardEntry::model));
        List<BoardEntry> ranked = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ranked.add(entries.get(i).withRank(i + 1));
        }
        return ranked;
    }

    private static String rankedBy(List<BoardColumn> worstColumns, boolean perPoint) {
        return worstColumns.isEmpty() ? "clean accuracy"
                : (perPoint ? "per-point worst-case robust accuracy over all attacks ("
                        : "lowest robust accuracy over the attacks (") + worstColumns.get(0).label().substring("Worst case ".length())
                        + "), then clean accuracy";
    }

    private static String worstCaseNote(List<BoardColumn> worstColumns, boolean perPoint) {
        return worstColumns.isEmpty() ? ""
                : perPoint ? "The worst case is per point: a test point counts as robust only if it resisted every attack."
                : "No per-point worst-case rows in these results: the worst-case column falls back to the lowest robust"
                        + " accuracy over the attacks at that ε, an upper bound on the per-point worst case.";
    }

    private static String summary(int modelCount, List<ResultRow> rows, Collection<ModelSummary> models) {
        Set<Integer> samples = rows.stream().map(ResultRow::samples).collect(Collectors.toCollection(TreeSet::new));
        Set<String> preprocessing = new LinkedHashSet<>();
        rows.forEach(r -> preprocessing.add(r.preprocessing()));
        models.forEach(m -> preprocessing.add(m.preprocessing()));
        StringBuilder text = new StringBuilder(modelCount + (modelCount == 1 ? " model" : " models"));
        if (!samples.isEmpty()) {
            text.append(" · n = ").append(samples.stream().map(String::valueOf).collect(Collectors.joining(" / ")))
                    .append(" test points");
        }
        if (!preprocessing.isEmpty()) {
            text.append(" · preprocessing: ").append(String.join(", ", preprocessing));
        }
        return text.toString();
    }

    private static int descendingNanLast(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Boolean.compare(Double.isNaN(a), Double.isNaN(b));
        }
        return Double.compare(b, a);
    }
}
