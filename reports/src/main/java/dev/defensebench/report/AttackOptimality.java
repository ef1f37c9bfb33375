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
 * {@value Leaderboard#WORST_CASE_ATTACK} rows); an attack's optimality is {@code 1 − (A − A_best) /
 * (clean · ε_max − A_best)}, A the area under its robust-accuracy-vs-ε curve. Both areas are trapezoids
 * over the same grid: the ε at which the attack itself has a value (a min-norm attack's thresholds, a
 * fixed-ε attack's runs) with ε = 0 added, where every curve starts at the clean accuracy, and the
 * reference read at those same ε (the worst case has a row at every ε of the norm's union grid). An
 * attack is never scored by a step function over ε it did not run at, so two attacks that agree at every
 * shared ε score alike whatever their grids. 1 means the attack alone matched the per-point best at
 * every ε it ran, 0 that it broke nothing beyond the clean errors. Transfer rows are left out (the worst
 * case does not use them); without worst-case rows there is no reference and no score.
 *
 * @param model the entry
 * @param norm the norm
 * @param attack the attack id
 * @param area A, the attack's area
 * @param bestArea A_best, the per-point best's area over the attack's grid
 * @param cleanArea clean accuracy · ε_max (the attack's largest ε), the area of an attack that breaks nothing
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
            attacks.forEach((attack, own) -> {
                if (!attack.equals(Leaderboard.WORST_CASE_ATTACK)) {
                    score(model, norm, attack, own, best, cleanAccuracy).ifPresent(scores::add);
                }
            });
        }));
        return scores;
    }

    /** One attack's score over its own grid; empty when it has no ε above 0 that the reference also has. */
    private static java.util.Optional<AttackOptimality> score(String model, String norm, String attack, List<ResultRow> own,
            List<ResultRow> best, double cleanAccuracy) {
        Map<Double, Double> reference = values(best);
        Map<Double, Double> values = values(own);
        values.keySet().retainAll(reference.keySet());
        if (values.keySet().stream().noneMatch(e -> e > 0)) {
            return java.util.Optional.empty();
        }
        reference.keySet().retainAll(values.keySet());
        double epsMax = values.keySet().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double area = area(values, cleanAccuracy);
        double bestArea = area(reference, cleanAccuracy);
        double cleanArea = cleanAccuracy * epsMax;
        return java.util.Optional.of(new AttackOptimality(model, norm, attack, area, bestArea, cleanArea,
                score(area, bestArea, cleanArea)));
    }

    /** Robust accuracy by ε. */
    private static Map<Double, Double> values(List<ResultRow> rows) {
        Map<Double, Double> byEpsilon = new java.util.TreeMap<>();
        rows.forEach(r -> byEpsilon.put(r.epsilon(), r.robustAccuracy()));
        return byEpsilon;
    }

    /** The trapezoid area of the curve through {@code values} (ε to accuracy), starting at (0, clean). */
    static double area(Map<Double, Double> values, double cleanAccuracy) {
        Map<Double, Double> curve = new java.util.TreeMap<>(values);
        curve.putIfAbsent(0.0, cleanAccuracy);
        double total = 0;
        Map.Entry<Double, Double> previous = null;
        for (Map.Entry<Double, Double> point : curve.entrySet()) {
            if (previous != null) {
                total += (point.getKey() - previous.getKey()) * (point.getValue() + previous.getValue()) / 2;
            }
            previous = point;
        }
        return total;
    }
}
