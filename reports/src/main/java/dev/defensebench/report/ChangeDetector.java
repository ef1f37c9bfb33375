package dev.defensebench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares this run with the previous one, entry by entry (matched by dataset and model id).
 *
 * <p>Rules: an accuracy (the clean accuracy, and every attack × norm × ε present in both runs, the
 * worst case included) is a regression when it dropped by more than its confidence interval allows,
 * i.e. when a two-sided two-proportion z-test at 95% rejects equality: {@code p_old − p_new > 1.96 ·
 * sqrt(p_old(1−p_old)/n_old + p_new(1−p_new)/n_new)}. A timing is a regression when it got more than
 * {@value #TIMING_TOLERANCE_PERCENT}% slower (latency or attack cost × 1.2, or throughput ÷ 1.2), and
 * it is compared only when both runs were timed on the same hardware (CPU, cores, GPU, device). The
 * mirror images are reported as improvements; added and removed entries are listed too.
 */
public final class ChangeDetector {

    /** How much slower a timing may get before it is a regression, in percent. */
    public static final int TIMING_TOLERANCE_PERCENT = 20;
    private static final double TIMING_FACTOR = 1 + TIMING_TOLERANCE_PERCENT / 100.0;

    private ChangeDetector() {
    }

    /** The changes from {@code previous} to {@code current}, entries in the current run's order. */
    public static List<Change> compare(ResultSet previous, ResultSet current) {
        Map<String, Map<String, ResultRow>> before = byEntry(previous.rows());
        Map<String, Map<String, ResultRow>> after = byEntry(current.rows());
        List<Change> changes = new ArrayList<>();
        boolean sameMachine = previous.timing() != null && current.timing() != null
                && previous.timing().machine().hardwareKey().equals(current.timing().machine().hardwareKey());
        if (previous.timing() != null && current.timing() != null && !sameMachine) {
            changes.add(new Change("(all)", "timing", Change.Kind.NOTE, previous.timing().machine().describe(),
                    current.timing().machine().describe(), "timings were measured on different hardware and are not compared"));
        }
        after.forEach((entry, rows) -> {
            String model = model(entry);
            Map<String, ResultRow> old = before.get(entry);
            if (old == null) {
                changes.add(new Change(model, "entry", Change.Kind.ADDED, "", "", "new in this run"));
                return;
            }
            rows.forEach((key, row) -> {
                ResultRow was = old.get(key);
                if (was != null) {
                    accuracy(model, metric(row), was, row).ifPresent(changes::add);
                }
            });
            if (sameMachine) {
                timings(model, previous.timing(), current.timing(), AttackLabels.of(current.rows()), changes);
            }
        });
        before.keySet().stream().filter(e -> !after.containsKey(e)).forEach(e ->
                changes.add(new Change(model(e), "entry", Change.Kind.REMOVED, "", "", "not in this run")));
        return changes;
    }

    /** The significance test of the class comment on one pair of rows, if it flags a change. */
    static java.util.Optional<Change> accuracy(String model, String metric, ResultRow was, ResultRow now) {
        double pOld = accuracyOf(was);
        double pNew = accuracyOf(now);
        if (Double.isNaN(pOld) || Double.isNaN(pNew) || was.samples() == 0 || now.samples() == 0) {
            return java.util.Optional.empty();
        }
        double se = Math.sqrt(pOld * (1 - pOld) / was.samples() + pNew * (1 - pNew) / now.samples());
        double allowed = WilsonInterval.Z95 * se;
        double drop = pOld - pNew;
        if (Math.abs(drop) <= allowed || drop == 0) {
            return java.util.Optional.empty();
        }
        String detail = (drop > 0 ? "dropped" : "rose") + " by " + Formats.points(Math.abs(drop))
                + " points; the 95% interval of the difference allows ±" + Formats.points(allowed) + " (n = "
                + Formats.integer(was.samples()) + " → " + Formats.integer(now.samples()) + ")";
        return java.util.Optional.of(new Change(model, metric, drop > 0 ? Change.Kind.REGRESSION : Change.Kind.IMPROVEMENT,
                Formats.percent(pOld), Formats.percent(pNew), detail));
    }

    private static void timings(String model, TimingReport previous, TimingReport current, AttackLabels labels,
            List<Change> changes) {
        Map<String, TimingMeasurement> old = new LinkedHashMap<>();
        previous.measurements().stream().filter(m -> m.model().equals(model)).forEach(m -> old.put(m.benchmark(), m));
        for (TimingMeasurement now : current.measurements()) {
            TimingMeasurement was = now.model().equals(model) ? old.get(now.benchmark()) : null;
            if (was == null || !was.unit().equals(now.unit()) || !(was.score() > 0) || !(now.score() > 0)) {
                continue;
            }
            double slowdown = now.higherIsBetter() ? was.score() / now.score() : now.score() / was.score();
            Change.Kind kind = slowdown > TIMING_FACTOR ? Change.Kind.REGRESSION
                    : slowdown < 1 / TIMING_FACTOR ? Change.Kind.IMPROVEMENT : null;
            if (kind != null) {
                changes.add(new Change(model, timingName(now.benchmark(), labels), kind,
                        Formats.score(was.score(), was.error(), was.unit()), Formats.score(now.score(), now.error(), now.unit()),
                        Formats.wholePercent(Math.abs(slowdown - 1)) + " " + (slowdown > 1 ? "slower" : "faster")
                                + " (tolerance " + Formats.integer(TIMING_TOLERANCE_PERCENT) + "%)"));
            }
        }
    }

    /** A benchmark id for people (an attack's cost by the attack's declared display name). */
    static String timingName(String benchmark, AttackLabels labels) {
        if (benchmark.equals(TimingMeasurement.LATENCY)) {
            return "inference latency";
        }
        if (benchmark.equals(TimingMeasurement.THROUGHPUT)) {
            return "inference throughput";
        }
        if (benchmark.startsWith(TimingMeasurement.ATTACK_PREFIX)) {
            return labels.of(benchmark.substring(TimingMeasurement.ATTACK_PREFIX.length())) + " cost";
        }
        return benchmark;
    }

    private static double accuracyOf(ResultRow row) {
        if (row.isClean()) {
            return Double.isNaN(row.cleanAccuracy()) ? row.robustAccuracy() : row.cleanAccuracy();
        }
        return row.robustAccuracy();
    }

    /** A metric name of a row: "clean accuracy", "FGSM ℓ∞ ε=0.1", "worst case ℓ2 ε=1". */
    static String metric(ResultRow row) {
        if (row.isClean()) {
            return "clean accuracy";
        }
        String name = Leaderboard.isWorstCase(row) ? "worst case" : row.attackLabel();
        return name + " " + Formats.normName(row.norm()) + " ε=" + Formats.epsilon(row.epsilon());
    }

    private static Map<String, Map<String, ResultRow>> byEntry(List<ResultRow> rows) {
        Map<String, Map<String, ResultRow>> map = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            map.computeIfAbsent(row.dataset() + "\u0000" + row.model(), k -> new LinkedHashMap<>())
                    .put(row.attack() + "\u0000" + row.norm() + "\u0000" + row.epsilon(), row);
        }
        return map;
    }

    private static String model(String entry) {
        return entry.substring(entry.indexOf('\u0000') + 1);
    }
}
