package dev.defensebench.app.run;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.timing.EntryTimer;
import dev.defensebench.report.Machine;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.TimingMeasurement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The timing stage of a run: a cell's JMH measurements ({@link EntryTimer}) when the experiment's {@code timing}
 * asks for them and the cell has weights of ours (an imported model scored through ONNX Runtime has none, and is
 * not timed), for trained and imported cells alike.
 */
final class TimingStage {

    /** The timer, or null when the experiment's timing is off. */
    private final EntryTimer timer;

    /** Times the cells of {@code experiment} on {@code device}. */
    TimingStage(Experiment experiment, Device device) {
        this.timer = experiment.timing().enabled() ? new EntryTimer(experiment.timing(), experiment.attacks(), device) : null;
    }

    /** Whether the experiment times its entries at all. */
    boolean enabled() {
        return timer != null;
    }

    /** The machine the timings run on (timing on). */
    Machine machine() {
        return timer.machine();
    }

    /** The JMH settings in words (timing on). */
    Map<String, String> settings() {
        return timer.settings();
    }

    /** {@code outcome} with the timings of {@code cell}, whose artifacts are under {@code out}, when it is timed. */
    CellOutcome timed(RunContext context, Cell cell, Path out, CellOutcome outcome) throws IOException {
        Path params = OutputLayout.of(out).model(cell.directoryName()).resolve(OutputLayout.PARAMS);
        if (!enabled() || !Files.isRegularFile(params)) {
            return outcome;
        }
        Cell root = cell.importedRoot();
        Path onnxFile = root == null ? null : context.imports().get(root.entry().name()).file();
        List<TimingMeasurement> timings = timer.time(cell.id(), cell.hash(), cell.architecture(), onnxFile,
                context.test().numClasses(), params, context.test(), OutputLayout.of(out).cellTiming(cell.directoryName()));
        return new CellOutcome(outcome.cellId(), outcome.trained(), outcome.evaluated(), outcome.evaluation(),
                outcome.gallery(), timings, timer.machine(), null);
    }
}
