package dev.defensebench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The accuracy-vs-ε charts of an entry page, one per norm: every attack's curve from the clean accuracy at
 * ε = 0, the per-point worst case (or, without one, the lowest over the attacks at each ε) emphasized, and the
 * certified lower bounds.
 */
final class AccuracyCharts {

    private AccuracyCharts() {
    }

    /** The charts of {@code rows} (one entry's, certified rows included), norms in alphabetical order. */
    static List<EntryPageView.Chart> of(List<ResultRow> rows, double cleanAccuracy) {
        Map<String, Map<String, List<ResultRow>>> byNorm = new TreeMap<>();
        Map<String, Map<String, List<ResultRow>>> certifiedByNorm = new TreeMap<>();
        for (ResultRow r : rows) {
            if (r.isCertified()) {
                certifiedByNorm.computeIfAbsent(r.norm(), n -> new TreeMap<>())
                        .computeIfAbsent(r.attack(), a -> new ArrayList<>()).add(r);
            } else if (!r.isClean()) {
                byNorm.computeIfAbsent(r.norm(), n -> new TreeMap<>()).computeIfAbsent(r.attack(), a -> new ArrayList<>())
                        .add(r);
            }
        }
        certifiedByNorm.keySet().forEach(n -> byNorm.computeIfAbsent(n, k -> new TreeMap<>()));
        List<EntryPageView.Chart> charts = new ArrayList<>();
        byNorm.forEach((norm, byAttack) -> {
            List<SvgChart.Series> series = attackSeries(byAttack, cleanAccuracy);
            certifiedByNorm.getOrDefault(norm, Map.of()).forEach((certifier, certifiedRows) -> series.add(
                    new SvgChart.Series("certified: " + certifiedRows.get(0).attackLabel(), points(certifiedRows), false)));
            series.sort(Comparator.comparing(SvgChart.Series::emphasized));
            String title = "Robust accuracy vs " + Formats.normName(norm) + " ε";
            charts.add(new EntryPageView.Chart(
                    SvgChart.accuracyCurve(title, Formats.normName(norm) + " perturbation budget ε", series)));
        });
        return charts;
    }

    /** One series per attack of a norm, plus the lowest over the attacks when there is no per-point worst case. */
    private static List<SvgChart.Series> attackSeries(Map<String, List<ResultRow>> byAttack, double cleanAccuracy) {
        List<SvgChart.Series> series = new ArrayList<>();
        boolean perPoint = byAttack.keySet().stream().anyMatch(a -> a.equalsIgnoreCase(Leaderboard.WORST_CASE_ATTACK));
        Map<Double, Double> lowest = new TreeMap<>();
        byAttack.forEach((attack, attackRows) -> {
            boolean worst = attack.equalsIgnoreCase(Leaderboard.WORST_CASE_ATTACK);
            List<double[]> points = fromClean(cleanAccuracy);
            points.addAll(points(attackRows));
            if (!worst) {
                attackRows.forEach(r -> lowest.merge(r.epsilon(), r.robustAccuracy(), Math::min));
            }
            series.add(new SvgChart.Series(worst ? "worst case (per point)" : attackRows.get(0).attackLabel(), points, worst));
        });
        if (!perPoint && byAttack.size() > 1) {
            List<double[]> points = fromClean(cleanAccuracy);
            lowest.forEach((eps, acc) -> points.add(new double[] {eps, acc}));
            series.add(new SvgChart.Series("lowest over attacks", points, true));
        }
        return series;
    }

    /** A curve's first point, (0, clean accuracy), when the clean accuracy is known. */
    private static List<double[]> fromClean(double cleanAccuracy) {
        List<double[]> points = new ArrayList<>();
        if (!Double.isNaN(cleanAccuracy)) {
            points.add(new double[] {0, cleanAccuracy});
        }
        return points;
    }

    /** (ε, robust accuracy) of {@code rows}, by increasing ε. */
    private static List<double[]> points(List<ResultRow> rows) {
        return rows.stream().sorted(Comparator.comparingDouble(ResultRow::epsilon))
                .map(r -> new double[] {r.epsilon(), r.robustAccuracy()}).toList();
    }
}
