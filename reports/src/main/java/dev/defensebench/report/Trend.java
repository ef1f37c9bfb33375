package dev.defensebench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One entry's headline numbers over the runs (oldest first, this run last): clean accuracy and the
 * worst-case robust accuracy at this run's headline norm and ε.
 *
 * @param model  the entry id
 * @param metric what {@code headline} holds, e.g. "worst case ℓ∞ ε=0.3"; "clean accuracy" without one
 * @param points one per run that holds the entry
 */
record Trend(String model, String metric, List<Point> points) {

    /**
     * The entry in one run.
     *
     * @param run      the run's label
     * @param when     when it was written
     * @param clean    clean accuracy (NaN when absent)
     * @param headline the headline number (NaN when absent)
     */
    record Point(String run, String when, double clean, double headline) {}

    /** The trend of {@code model} of {@code dataset} over {@code runs} (oldest first). */
    static Trend of(String model, String dataset, Leaderboard.Headline headline, List<ResultSet> runs) {
        return of(model, dataset, headline, runs, runs.stream().map(Trend::byModel).toList());
    }

    /** The rows of a run grouped by model id, so that many trends need one pass over each run. */
    static Map<String, List<ResultRow>> byModel(ResultSet run) {
        Map<String, List<ResultRow>> map = new java.util.HashMap<>();
        run.rows().forEach(r -> map.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r));
        return map;
    }

    /** {@link #of(String, String, Leaderboard.Headline, List)} with each run's rows grouped by {@link #byModel}. */
    static Trend of(String model, String dataset, Leaderboard.Headline headline, List<ResultSet> runs,
            List<Map<String, List<ResultRow>>> rowsByModel) {
        Map.Entry<String, Double> first = headline == null ? null : headline.first();
        String metric = first == null ? "clean accuracy"
                : (headline.perPoint() ? "worst case " : "lowest over attacks ") + Formats.normName(first.getKey())
                        + " ε=" + Formats.epsilon(first.getValue());
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ResultSet run = runs.get(i);
            List<ResultRow> rows = rowsByModel.get(i).getOrDefault(model, List.of()).stream()
                    .filter(r -> dataset == null || r.dataset().equals(dataset)).toList();
            if (rows.isEmpty()) {
                continue;
            }
            double clean = rows.stream().filter(ResultRow::isClean).findFirst()
                    .map(r -> Double.isNaN(r.cleanAccuracy()) ? r.robustAccuracy() : r.cleanAccuracy()).orElse(Double.NaN);
            double value = first == null ? clean
                    : new Leaderboard.Headline(headline.epsilons(), rows.stream().anyMatch(Leaderboard::isWorstCase))
                            .value(rows);
            points.add(new Point(run.label(), run.when().toString(), clean, value));
        }
        return new Trend(model, metric, points);
    }

    /** How many runs hold the entry. */
    int runs() {
        return points.size();
    }

    /** A sparkline of the headline numbers, its title listing run and value. */
    String sparkline() {
        StringBuilder title = new StringBuilder(metric).append(" over ").append(points.size()).append(" runs:");
        List<Double> values = new ArrayList<>();
        for (Point p : points) {
            title.append(' ').append(p.run()).append(' ').append(Formats.percent(p.headline())).append(';');
            values.add(p.headline());
        }
        return SvgChart.sparkline(title.toString(), values);
    }
}
