package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {

    private static final Machine MACHINE = new Machine("CPU A", 2, 1L << 30, "none", "cpu()", "Linux", "JDK 17", "0.36.0");

    private static ResultRow clean(String model, double accuracy, int n) {
        WilsonInterval ci = WilsonInterval.of((int) Math.round(accuracy * n), n);
        return row(model, n).attack("clean").norm("none").epsilon(0).cleanAccuracy(accuracy).robustAccuracy(accuracy)
                .robustCi(ci).attackSeconds(0).build();
    }

    private static ResultRow attack(String model, String attack, double eps, double robust, int n) {
        WilsonInterval ci = WilsonInterval.of((int) Math.round(robust * n), n);
        return row(model, n).attack(attack).norm("Linf").epsilon(eps).cleanAccuracy(0.99).robustAccuracy(robust)
                .robustCi(ci).attackSeconds(1).build();
    }

    private static ResultRowBuilder row(String model, int n) {
        return ResultRow.builder().experiment("x").model(model).defense("vanilla").architecture("mlp").dataset("mnist")
                .preprocessing("unit").seed(0).cellHash("h").samples(n).trainSeconds(1).attackParams("{}");
    }

    private static ResultSet run(List<ResultRow> rows, TimingReport timing) {
        return new ResultSet(Path.of("r"), "r", Instant.EPOCH, rows, null, timing, List.of(), List.of(), List.of());
    }

    private static TimingReport timing(Machine machine, double latency, double throughput) {
        return new TimingReport(machine, Map.of(), List.of(
                new TimingMeasurement("a", TimingMeasurement.LATENCY, "ms/image", latency, 0.01, 1, 3),
                new TimingMeasurement("a", TimingMeasurement.THROUGHPUT, "images/s", throughput, 10, 128, 3)));
    }

    @Test
    void anAccuracyDropIsARegressionOnlyBeyondTheIntervalOfTheDifference() {
        // n = 1000: 99.0% vs 98.5% -> allowed 1.96·sqrt(.99·.01/1000 + .985·.015/1000) = 0.98 points
        assertThat(ChangeDetector.compare(run(List.of(clean("a", 0.99, 1000)), null),
                run(List.of(clean("a", 0.985, 1000)), null))).isEmpty();
        List<Change> drop = ChangeDetector.compare(run(List.of(clean("a", 0.99, 1000)), null),
                run(List.of(clean("a", 0.975, 1000)), null));
        assertThat(drop).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Change.Kind.REGRESSION);
            assertThat(c.metric()).isEqualTo("clean accuracy");
            assertThat(c.before()).isEqualTo("99.00%");
            assertThat(c.after()).isEqualTo("97.50%");
            assertThat(c.detail()).contains("dropped by 1.50 points", "±1.15");
        });
        // the same drop on 100 points is noise
        assertThat(ChangeDetector.compare(run(List.of(clean("a", 0.99, 100)), null),
                run(List.of(clean("a", 0.975, 100)), null))).isEmpty();
        // and a rise is an improvement, not a regression
        assertThat(ChangeDetector.compare(run(List.of(clean("a", 0.975, 1000)), null),
                run(List.of(clean("a", 0.99, 1000)), null)))
                .singleElement().extracting(Change::kind).isEqualTo(Change.Kind.IMPROVEMENT);
    }

    @Test
    void robustAccuracyIsComparedPerAttackAndEpsilonIncludingTheWorstCase() {
        List<Change> changes = ChangeDetector.compare(
                run(List.of(attack("a", "fgsm", 0.1, 0.60, 1000), attack("a", "worst-case", 0.1, 0.50, 1000),
                        attack("a", "pgd", 0.3, 0.2, 1000)), null),
                run(List.of(attack("a", "fgsm", 0.1, 0.59, 1000), attack("a", "worst-case", 0.1, 0.40, 1000),
                        attack("a", "pgd", 0.2, 0.1, 1000)), null));
        // fgsm -1 point is noise; the worst case -10 points is not; pgd at different ε is not compared
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.metric()).isEqualTo("worst case ℓ∞ ε=0.1");
            assertThat(c.isRegression()).isTrue();
        });
    }

    @Test
    void timingRegressesBeyondTwentyPercentOnTheSameHardwareOnly() {
        List<ResultRow> rows = List.of(clean("a", 0.99, 1000));
        assertThat(ChangeDetector.compare(run(rows, timing(MACHINE, 1.0, 1000)), run(rows, timing(MACHINE, 1.19, 850))))
                .isEmpty();
        List<Change> slower = ChangeDetector.compare(run(rows, timing(MACHINE, 1.0, 1000)),
                run(rows, timing(MACHINE, 1.25, 800)));
        assertThat(slower).extracting(Change::metric).containsExactly("inference latency", "inference throughput");
        assertThat(slower).allMatch(Change::isRegression);
        assertThat(slower.get(0).detail()).contains("25% slower");

        Machine other = new Machine("CPU B", 16, 1L << 30, "none", "cpu()", "Linux", "JDK 17", "0.36.0");
        List<Change> elsewhere = ChangeDetector.compare(run(rows, timing(MACHINE, 1.0, 1000)),
                run(rows, timing(other, 5.0, 100)));
        assertThat(elsewhere).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Change.Kind.NOTE);
            assertThat(c.detail()).contains("different hardware");
        });
    }

    @Test
    void addedAndRemovedEntriesAreListedButAreNoRegression() {
        List<Change> changes = ChangeDetector.compare(run(List.of(clean("old", 0.9, 100)), null),
                run(List.of(clean("new", 0.9, 100)), null));
        assertThat(changes).extracting(Change::model, Change::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("new", Change.Kind.ADDED),
                        org.assertj.core.groups.Tuple.tuple("old", Change.Kind.REMOVED));
        assertThat(changes).noneMatch(Change::isRegression);
    }
}
