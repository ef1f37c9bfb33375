package dev.defensebench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How close one attack came to the best the suite did, as AttackBench (Cinà et al., AAAI 2025) defines
 * it: per model and norm, the reference curve is the per-point best over every attack of the suite (the
 * {@value Leaderboard#WORST_CASE_ATTACK} rows: min-norm attacks by their distances, fixed-ε attacks as
 * step functions at their ε); an attack's optimality is {@code 1 − (A − A_best) / (clean · ε_max −
 * A_best)}, A the area under its robust-accuracy-vs-ε curve over the grid. The grid is the worst case's
 * ε of that norm (the union of the attacks' grids) with ε = 0 added, where every curve starts at the
 * clean accuracy; areas are trapezoids over it. An attack's value at a grid ε it was not run at is its
 * value at its largest ε below (a step function; for a min-norm attack whose grid misses some of the
 * norm's ε this can only lower its optimality). 1 means the attack alone matched the per-point best
 * everywhere, 0 that it broke nothing beyond the clean errors. Transfer rows are left out (the worst
 * case does not use them); without worst-case rows there is no reference and no score.
 *
 * @param model the entry
 * @param norm the norm
 * @param attack the attack id
 * @param area A, the attack's area
 * @param bestArea A_best, the per-point best's area
 * @param cleanArea clean accuracy · ε_max, the area of an attack that breaks nothing
 * @param optimality the score; NaN when no attack broke anything beyond the clean errors
 */
public record AttackOptimality(String model, String norm, String attack, double area, double bestArea,
        double cleanArea, double optimality) {

    /** The score from the three areas; NaN when the reference breaks nothing ({@code cleanArea <= bestArea}). */
    public static double score(double area, double bestArea, double cleanArea) {
        double span = cleanArea - bestArea;
        return span > 0 ? 1 - (area - bestArea) / span : Double.NaN;
    }

    /** The optimality of every attack of every model and norm in {@code rows}, in row order. */
    public static List<AttackOptimality> of(List<ResultRow> rows) {
        Map<String, Map<String, Map<String, List<ResultRow>>>> byModel = new LinkedHashMap<>();
        Map<String, Double> clean = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (r.isClean()) {
                clean.put(r.model(), Double.isNaN(r.cleanAccuracy()) ? r.robustAccuracy() : r.cleanAccuracy());
            } else if (!ResultRow.TRANSFER.equals(r.access())) {
                byModel.computeIfAbsent(r.model(), m -> new LinkedHashMap<>())
                        .computeIfAbsent(r.norm(), n -> new LinkedHashMap<>())
                        .computeIfAbsent(r.attack(), a -> new ArrayList<>()).add(r);
            }
        }
        List<AttackOptimality> scores = new ArrayList<>();
        byModel.forEach((model, norms) -> norms.forEach((norm, attacks) -> {
            List<ResultRow> best = attacks.get(Leaderboard.WORST_CASE_ATTACK);
            Double cleanAccuracy = clean.get(model);
            if (best == null || cleanAccuracy == null || Double.isNaN(cleanAccuracy)) {
                return;
            }
            TreeSet<Double> grid = new TreeSet<>(List.of(0.0));
            best.forEach(r -> grid.add(r.epsilon()));
            double epsMax = grid.last();
            if (epsMax <= 0) {
                return;
            }
            double bestArea = area(best, grid, cleanAccuracy);
            double cleanArea = cleanAccuracy * epsMax;
            attacks.forEach((attack, own) -> {
                if (!attack.equals(Leaderboard.WORST_CASE_ATTACK)) {
                    double area = area(own, grid, cleanAccuracy);
                    scores.add(new AttackOptimality(model, norm, attack, area, bestArea, cleanArea,
                            score(area, bestArea, cleanArea)));
                }
            });
        }));
        return scores;
    }

    /** The trapezoid area of the step curve through {@code rows} over {@code grid} (starting at 0). */
    static double area(List<ResultRow> rows, TreeSet<Double> grid, double cleanAccuracy) {
        List<ResultRow> sorted = rows.stream().sorted(Comparator.comparingDouble(ResultRow::epsilon)).toList();
        double total = 0;
        Double previous = null;
        double previousValue = 0;
        for (double eps : grid) {
            double value = cleanAccuracy;
            for (ResultRow r : sorted) {
                if (r.epsilon() <= eps) {
                    value = r.robustAccuracy();
                }
            }
            if (previous != null) {
                total += (eps - previous) * (value + previousValue) / 2;
            }
            previous = eps;
            previousValue = value;
        }
        return total;
    }

    /** The weakest attack (lowest optimality) of each model and norm, in row order. */
    public static List<AttackOptimality> weakest(List<AttackOptimality> scores) {
        Map<String, AttackOptimality> weakest = new LinkedHashMap<>();
        for (AttackOptimality s : scores) {
            String key = s.model() + "\u0000" + s.norm();
            AttackOptimality current = weakest.get(key);
            if (!Double.isNaN(s.optimality()) && (current == null || s.optimality() < current.optimality())) {
                weakest.put(key, s);
            }
        }
        return List.copyOf(weakest.values());
    }
}
