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
 * <p>Columns: one per (attack, norm, ε) found in the rows, clean excluded; an attack is min-norm when
 * any of its rows carries a ρ2, fixed-ε otherwise. For every norm with a fixed-ε attack, a worst-case
 * column holds the lowest robust accuracy over all attacks of that norm at the largest ε that every
 * model with fixed-ε results of that norm was attacked at. Since rows are aggregates, this minimum is
 * an upper bound on the per-point worst case. Rows are ranked by the first worst-case column, then by
 * clean accuracy, then by model id; without a worst-case column, by clean accuracy.
 */
final class Leaderboard {

    /** The attack whose ρ2 gets its own column. */
    static final String RHO2_ATTACK = "deepfool";

    private Leaderboard() {
    }

    /**
     * Builds one table per dataset, datasets in order of first appearance (rows first, then models).
     *
     * @throws IllegalArgumentException on two rows for the same (dataset, model, attack, norm, ε) or two
     *                                  summaries of the same (dataset, model)
     */
    static List<BoardTable> build(List<ResultRow> rows, List<ModelSummary> models) {
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
        rowsByDataset.forEach((dataset, byModel) ->
                tables.add(table(dataset, byModel, summaries.getOrDefault(dataset, Map.of()))));
        return tables;
    }

    private static BoardTable table(String dataset, Map<String, List<ResultRow>> byModel,
            Map<String, ModelSummary> summaries) {
        List<ResultRow> all = byModel.values().stream().flatMap(List::stream).toList();

        Map<String, TreeSet<Double>> epsilonsByGroup = new LinkedHashMap<>();
        Map<String, AttackKey> groupSample = new HashMap<>();
        Set<String> minNormGroups = new HashSet<>();
        Map<String, Set<String>> normsByAttack = new HashMap<>();
        for (ResultRow row : all) {
            if (row.isClean()) {
                continue;
            }
            AttackKey key = AttackKey.of(row);
            epsilonsByGroup.computeIfAbsent(key.group(), g -> new TreeSet<>()).add(row.epsilon());
            groupSample.putIfAbsent(key.group(), key);
            normsByAttack.computeIfAbsent(row.attack(), a -> new HashSet<>()).add(row.norm());
            if (!Double.isNaN(row.rho2())) {
                minNormGroups.add(key.group());
            }
        }

        List<AttackKey> keys = new ArrayList<>();
        List<BoardColumn> attackColumns = new ArrayList<>();
        epsilonsByGroup.forEach((group, epsilons) -> {
            AttackKey sample = groupSample.get(group);
            boolean ambiguous = normsByAttack.get(sample.attack()).size() > 1;
            for (double epsilon : epsilons) {
                keys.add(new AttackKey(sample.attack(), sample.norm(), epsilon));
                attackColumns.add(new BoardColumn(
                        Formats.attackName(sample.attack()) + (ambiguous ? " " + Formats.normName(sample.norm()) : "")
                                + " ε=" + Formats.epsilon(epsilon),
                        "Robust accuracy under " + Formats.attackName(sample.attack()) + ", " + Formats.normName(sample.norm()) + " ε="
                                + epsilon + (minNormGroups.contains(group)
                                        ? " (min-norm attack, thresholded at ε)" : " (fixed-ε attack)")));
            }
        });

        Map<String, Double> worstEpsilons = worstCaseEpsilons(byModel, minNormGroups);
        List<BoardColumn> worstColumns = new ArrayList<>();
        worstEpsilons.forEach((norm, epsilon) -> worstColumns.add(new BoardColumn(
                "Worst case " + Formats.normName(norm) + " ε=" + Formats.epsilon(epsilon),
                "Lowest robust accuracy over all " + Formats.normName(norm) + " attacks at ε=" + epsilon
                        + ", the largest ε common to all models (an upper bound on the per-point worst case)")));

        List<BoardEntry> entries = new ArrayList<>();
        byModel.forEach((model, modelRows) -> entries.add(
                entry(model, modelRows, summaries.get(model), keys, worstEpsilons)));
        entries.sort(Comparator.comparing((BoardEntry e) -> e.rankScore(), Leaderboard::descendingNanLast)
                .thenComparing(BoardEntry::cleanScore, Leaderboard::descendingNanLast)
                .thenComparing(BoardEntry::model));
        List<BoardEntry> ranked = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            ranked.add(entries.get(i).withRank(i + 1));
        }

        String rankedBy = worstColumns.isEmpty() ? "clean accuracy"
                : "worst-case robust accuracy (" + worstColumns.get(0).label().substring("Worst case ".length())
                        + "), then clean accuracy";
        return new BoardTable(dataset, summary(byModel.size(), all, summaries.values()), attackColumns, worstColumns,
                rankedBy, ranked);
    }

    /** Per norm with a fixed-ε attack: the largest ε that all models with fixed-ε rows of that norm share. */
    private static Map<String, Double> worstCaseEpsilons(Map<String, List<ResultRow>> byModel,
            Set<String> minNormGroups) {
        Map<String, Set<Double>> common = new LinkedHashMap<>();
        for (List<ResultRow> modelRows : byModel.values()) {
            Map<String, Set<Double>> mine = new LinkedHashMap<>();
            for (ResultRow row : modelRows) {
                if (!row.isClean() && !minNormGroups.contains(AttackKey.of(row).group())) {
                    mine.computeIfAbsent(row.norm(), n -> new HashSet<>()).add(row.epsilon());
                }
            }
            mine.forEach((norm, epsilons) -> {
                Set<Double> shared = common.get(norm);
                if (shared == null) {
                    common.put(norm, new HashSet<>(epsilons));
                } else {
                    shared.retainAll(epsilons);
                }
            });
        }
        Map<String, Double> result = new LinkedHashMap<>();
        common.forEach((norm, epsilons) -> {
            if (!epsilons.isEmpty()) {
                result.put(norm, epsilons.stream().max(Double::compare).orElseThrow());
            }
        });
        return result;
    }

    private static BoardEntry entry(String model, List<ResultRow> rows, ModelSummary summary, List<AttackKey> keys,
            Map<String, Double> worstEpsilons) {
        ResultRow first = rows.isEmpty() ? null : rows.get(0);
        ResultRow cleanRow = rows.stream().filter(ResultRow::isClean).findFirst().orElse(null);

        double cleanAccuracy = Double.NaN;
        int samples = 0;
        if (cleanRow != null) {
            cleanAccuracy = Double.isNaN(cleanRow.cleanAccuracy()) ? cleanRow.robustAccuracy() : cleanRow.cleanAccuracy();
            samples = cleanRow.samples();
        } else if (first != null) {
            cleanAccuracy = first.cleanAccuracy();
            samples = first.samples();
        }
        BoardCell clean;
        if (Double.isNaN(cleanAccuracy)) {
            clean = BoardCell.absent("no clean accuracy recorded");
        } else {
            WilsonInterval ci = WilsonInterval.ofFraction(cleanAccuracy, samples);
            clean = new BoardCell(Formats.percent(cleanAccuracy), "95% CI " + Formats.percentRange(ci.low(), ci.high()),
                    "n = " + samples + " test points", Formats.sortValue(cleanAccuracy));
        }

        BoardCell rho2 = rows.stream()
                .filter(r -> r.attack().equalsIgnoreCase(RHO2_ATTACK) && !Double.isNaN(r.rho2()))
                .findFirst()
                .map(r -> new BoardCell(Formats.scientific(r.rho2()), "",
                        "mean ‖Δx‖₂/‖x‖₂ of DeepFool over " + r.samples() + " points (preprocessing: "
                                + r.preprocessing() + ")", Formats.sortValue(r.rho2())))
                .orElse(BoardCell.absent("no DeepFool result"));

        Map<AttackKey, ResultRow> byKey = new HashMap<>();
        rows.stream().filter(r -> !r.isClean()).forEach(r -> byKey.put(AttackKey.of(r), r));
        List<BoardCell> attacks = keys.stream().map(k -> attackCell(byKey.get(k))).toList();

        List<BoardCell> worstCases = new ArrayList<>();
        double rankScore = cleanAccuracy;
        boolean firstWorst = true;
        for (Map.Entry<String, Double> worst : worstEpsilons.entrySet()) {
            List<ResultRow> candidates = rows.stream()
                    .filter(r -> !r.isClean() && r.norm().equals(worst.getKey())
                            && Double.compare(r.epsilon(), worst.getValue()) == 0 && !Double.isNaN(r.robustAccuracy()))
                    .toList();
            ResultRow weakest = candidates.stream().min(Comparator.comparingDouble(ResultRow::robustAccuracy))
                    .orElse(null);
            if (weakest == null) {
                worstCases.add(BoardCell.absent("no attack at this ε"));
            } else {
                worstCases.add(new BoardCell(Formats.percent(weakest.robustAccuracy()), "",
                        "lowest of " + candidates.size() + " attack(s) ("
                                + candidates.stream().map(ResultRow::attack).collect(Collectors.joining(", "))
                                + "); strongest: " + weakest.attack(),
                        Formats.sortValue(weakest.robustAccuracy())));
            }
            if (firstWorst) {
                rankScore = weakest == null ? Double.NaN : weakest.robustAccuracy();
                firstWorst = false;
            }
        }

        double trainSeconds = summary != null && !Double.isNaN(summary.trainSeconds()) ? summary.trainSeconds()
                : rows.stream().mapToDouble(ResultRow::trainSeconds).filter(t -> !Double.isNaN(t)).findFirst()
                        .orElse(Double.NaN);
        BoardCell trainTime = Double.isNaN(trainSeconds) ? BoardCell.absent("training time unknown")
                : new BoardCell(Formats.duration(trainSeconds), "", trainSeconds + " s",
                        Formats.sortValue(trainSeconds));

        return new BoardEntry(0, model,
                summary != null ? summary.defense() : first.defense(),
                summary != null ? summary.architecture() : first.architecture(),
                clean, rho2, attacks, worstCases, trainTime, provenance(summary, rows), rankScore, cleanAccuracy);
    }

    private static BoardCell attackCell(ResultRow row) {
        if (row == null || Double.isNaN(row.robustAccuracy())) {
            return BoardCell.absent("not run");
        }
        double low = row.robustCiLow();
        double high = row.robustCiHigh();
        if (Double.isNaN(low) || Double.isNaN(high)) {
            WilsonInterval ci = WilsonInterval.ofFraction(row.robustAccuracy(), row.samples());
            low = ci.low();
            high = ci.high();
        }
        return new BoardCell(Formats.percent(row.robustAccuracy()), "",
                "95% CI " + Formats.percentRange(low, high) + " · n = " + row.samples() + " · attack time "
                        + Formats.duration(row.attackSeconds()),
                Formats.sortValue(row.robustAccuracy()));
    }

    private static Map<String, String> provenance(ModelSummary summary, List<ResultRow> rows) {
        Map<String, String> lines = new LinkedHashMap<>();
        ResultRow first = rows.isEmpty() ? null : rows.get(0);
        lines.put("seed", Long.toString(summary != null ? summary.seed() : first.seed()));
        lines.put("preprocessing", summary != null ? summary.preprocessing() : first.preprocessing());
        if (summary != null && !summary.createdAt().isEmpty()) {
            lines.put("trained", summary.createdAt());
        }
        Set<String> hashes = rows.stream().map(ResultRow::cellHash).filter(h -> !h.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!hashes.isEmpty()) {
            lines.put("cell", String.join(", ", hashes));
        }
        if (summary != null) {
            summary.details().forEach(lines::putIfAbsent);
        }
        return lines;
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
