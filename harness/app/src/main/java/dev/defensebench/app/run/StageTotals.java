package dev.defensebench.app.run;

import dev.defensebench.spi.StageOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sums an ensemble's per-batch stage outcomes into one {@link StageRow} per (ε, stage), in first-seen order. */
final class StageTotals {

    private record Key(double epsilon, String stage) {}

    private final Map<Key, long[]> robust = new LinkedHashMap<>();
    private final Map<Key, double[]> seconds = new LinkedHashMap<>();

    void add(List<StageOutcome> stages) {
        for (StageOutcome s : stages) {
            Key key = new Key(s.epsilon(), s.stage());
            robust.computeIfAbsent(key, k -> new long[1])[0] += s.robust();
            seconds.computeIfAbsent(key, k -> new double[1])[0] += s.seconds();
        }
    }

    List<StageRow> rows(String attack, String norm, int samples) {
        List<StageRow> rows = new ArrayList<>();
        robust.forEach((key, count) -> rows.add(new StageRow(attack, norm, key.epsilon(), key.stage(),
                (double) count[0] / samples, samples, seconds.get(key)[0])));
        return rows;
    }
}
