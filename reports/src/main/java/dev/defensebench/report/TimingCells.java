package dev.defensebench.report;

import java.util.List;

/** The board cells of JMH measurements: latency, throughput and attack cost per image. */
final class TimingCells {

    private TimingCells() {
    }

    /** The measurement of {@code benchmark} in {@code timing}, or null. */
    static TimingMeasurement find(List<TimingMeasurement> timing, String benchmark) {
        return timing.stream().filter(m -> m.benchmark().equals(benchmark)).findFirst().orElse(null);
    }

    /** The cell of {@code m}: its mean and unit, the error and iterations in the tooltip; absent when not timed. */
    static BoardCell of(TimingMeasurement m) {
        if (m == null || Double.isNaN(m.score())) {
            return BoardCell.absent("not timed");
        }
        return new BoardCell(Formats.number(m.score()), m.unit(),
                Formats.score(m.score(), m.error(), m.unit()) + " · JMH mean ± 99.9% error over "
                        + Formats.integer(m.iterations()) + " iterations, batch " + Formats.integer(m.batchSize()),
                Formats.sortValue(m.score()));
    }
}
