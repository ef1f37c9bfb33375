package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Assembles one model's leaderboard entry (clean, ρ2, attack and worst-case cells, training time,
 * provenance) from its result rows and summary, given the columns of its dataset's table.
 *
 * @param keys          the attack columns of the table, in order
 * @param worstEpsilons the headline ε of each worst-case column, by norm, in column order
 * @param perPoint      whether the worst case comes from per-point worst-case rows (else the fallback minimum)
 */
record BoardEntryAssembler(List<AttackKey> keys, Map<String, Double> worstEpsilons, boolean perPoint) {

    /** The unranked entry (rank 0) of {@code model}; {@code summary} may be null, {@code rows} empty only with one. */
    BoardEntry entry(String model, List<ResultRow> rows, ModelSummary summary, EntryExtras extras) {
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
        Map<AttackKey, ResultRow> byKey = new HashMap<>();
        rows.stream().filter(r -> !r.isClean()).forEach(r -> byKey.put(AttackKey.of(r), r));
        List<BoardCell> attacks = keys.stream().map(k -> attackCell(byKey.get(k))).toList();
        List<BoardCell> worstCases = new ArrayList<>();
        double rankScore = cleanAccuracy;
        boolean firstWorst = true;
        for (Map.Entry<String, Double> worst : worstEpsilons.entrySet()) {
            ResultRow weakest = worstCaseCell(rows, worst.getKey(), worst.getValue(), worstCases);
            if (firstWorst) {
                rankScore = weakest == null ? Double.NaN : weakest.robustAccuracy();
                firstWorst = false;
            }
        }
        double trainSeconds = summary != null && !Double.isNaN(summary.trainSeconds()) ? summary.trainSeconds()
                : rows.stream().mapToDouble(ResultRow::trainSeconds).filter(t -> !Double.isNaN(t)).findFirst()
                        .orElse(Double.NaN);
        ModelCard.Budget budget = summary == null ? null : summary.budget();
        BoardCell trainTime = RankingNotes.trainingCell(trainSeconds, budget);
        return new BoardEntry(0, model, defense(rows, summary, first),
                summary != null ? summary.architecture() : first.architecture(),
                cleanCell(cleanAccuracy, samples), rho2Cell(rows), attacks, worstCases, trainTime,
                RankingNotes.cell(budget), provenance(summary, rows), rankScore, cleanAccuracy, extras);
    }

    /** The robust-accuracy cell of one attack row; "not run" when there is none. */
    static BoardCell attackCell(ResultRow row) {
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
        return new BoardCell(Formats.percent(row.robustAccuracy()), Formats.percentRange(low, high),
                "95% CI " + Formats.percentRange(low, high) + " · n = " + Formats.integer(row.samples()) + " · attack time "
                        + Formats.duration(row.attackSeconds()),
                Formats.sortValue(row.robustAccuracy()));
    }

    private static BoardCell cleanCell(double cleanAccuracy, int samples) {
        if (Double.isNaN(cleanAccuracy)) {
            return BoardCell.absent("no clean accuracy recorded");
        }
        WilsonInterval ci = WilsonInterval.ofFraction(cleanAccuracy, samples);
        return new BoardCell(Formats.percent(cleanAccuracy), Formats.percentRange(ci.low(), ci.high()),
                "95% CI " + Formats.percentRange(ci.low(), ci.high()) + " · n = " + Formats.integer(samples) + " test points",
                Formats.sortValue(cleanAccuracy));
    }

    private static BoardCell rho2Cell(List<ResultRow> rows) {
        return rows.stream()
                .filter(ResultRow::givesRho2)
                .findFirst()
                .map(r -> new BoardCell(Formats.fixed3(r.rho2()), "",
                        "mean ‖Δx‖₂/‖x‖₂ of " + r.attackLabel() + " over " + Formats.integer(r.samples()) + " points (preprocessing: "
                                + r.preprocessing() + ")", Formats.sortValue(r.rho2())))
                .orElse(BoardCell.absent("no result of an attack that declares ρ2"));
    }

    /** Adds the worst-case cell at ({@code norm}, {@code epsilon}) to {@code cells}; returns the weakest row or null. */
    private ResultRow worstCaseCell(List<ResultRow> rows, String norm, double epsilon, List<BoardCell> cells) {
        List<ResultRow> candidates = Leaderboard.worstCaseRows(rows, perPoint, norm, epsilon);
        ResultRow weakest = candidates.stream().min(Comparator.comparingDouble(ResultRow::robustAccuracy))
                .orElse(null);
        if (weakest == null) {
            cells.add(BoardCell.absent("no attack at this ε"));
        } else if (perPoint) {
            BoardCell cell = attackCell(weakest);
            cells.add(new BoardCell(cell.text(), cell.detail(), "per-point worst case over all attacks"
                    + (weakest.isReliable() ? ", a reliable evaluation among them" : ", no reliable evaluation among them")
                    + " · " + cell.title(), cell.sortValue()));
        } else {
            cells.add(new BoardCell(Formats.percent(weakest.robustAccuracy()), "",
                    "lowest of " + Formats.integer(candidates.size()) + " attack(s) ("
                            + candidates.stream().map(ResultRow::attack).collect(Collectors.joining(", "))
                            + "); strongest: " + weakest.attack(),
                    Formats.sortValue(weakest.robustAccuracy())));
        }
        return weakest;
    }

    /** The defense name; an entry scored through logits only (an imported ONNX model) must not pass for white-box. */
    private static String defense(List<ResultRow> rows, ModelSummary summary, ResultRow first) {
        String defense = summary != null ? summary.defense() : first.defense();
        if (rows.stream().anyMatch(r -> !ResultRow.WHITE_BOX.equals(r.access()))) {
            String blocking = summary == null ? null : summary.blockingOperator();
            defense += blocking == null ? " (black-box evaluated)" : " (black-box evaluated: ONNX operator " + blocking
                    + " at node '" + summary.blockingNode() + "' is not interpreted)";
        }
        return defense;
    }

    private static Map<String, String> provenance(ModelSummary summary, List<ResultRow> rows) {
        Map<String, String> lines = new LinkedHashMap<>();
        ResultRow first = rows.isEmpty() ? null : rows.get(0);
        lines.put("seed", Formats.integer(summary != null ? summary.seed() : first.seed()));
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
}
