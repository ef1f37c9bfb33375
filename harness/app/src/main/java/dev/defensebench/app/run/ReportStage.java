package dev.defensebench.app.run;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.plan.CacheKeys;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.files.Json;
import dev.defensebench.report.FailuresFile;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.GalleryFile;
import dev.defensebench.report.HeadlineFile;
import dev.defensebench.report.Machine;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultSet;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.report.Site;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.report.TimingReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reporting stage of a run: from the cells' outcomes, {@code results.csv}, {@code run.json},
 * {@code sanity.csv}, {@code failures.json}, the gallery, the timings, the headline and the site, for the plain
 * and the Spark engine alike.
 */
final class ReportStage {

    private static final Logger LOG = LoggerFactory.getLogger(ReportStage.class);

    /** What the cells' outcomes hold together: rows, sanity checks, gallery examples and one machine's timings. */
    private static final class Collected {
        final List<ResultRow> rows = new ArrayList<>();
        final List<SanityCheck> sanity = new ArrayList<>();
        final List<GalleryExample> gallery = new ArrayList<>();
        final List<TimingMeasurement> timings = new ArrayList<>();
        Machine timingMachine;
    }

    private ReportStage() {}

    /** Writes every output of the run of {@code cells} into {@code out}; returns what the run did. */
    static Runner.Summary write(RunContext context, Path out, Device device, Shard shard, List<Cell> cells,
            List<CellOutcome> outcomes) throws IOException {
        Experiment experiment = context.experiment();
        Runner.Summary summary = new Runner.Summary(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), new ArrayList<>(), OutputLayout.of(out).results(),
                OutputLayout.of(out).site().resolve(Site.INDEX));
        Collected all = collect(cells, outcomes, summary);
        ResultsCsv.write(summary.results(), all.rows);
        new RunManifest(experiment.name(), CacheKeys.sha256(Json.MAPPER.convertValue(experiment.file(), Map.class)),
                context.version(), shard.index(), shard.count(), cells.stream().map(Cell::id).toList()).write(out);
        SanityCsv.write(out.resolve(OutputLayout.SANITY), all.sanity);
        FailuresFile.write(out.resolve(OutputLayout.FAILURES), summary.failures());
        GalleryFile.write(out.resolve(OutputLayout.GALLERY), all.gallery);
        TimingStage timing = new TimingStage(experiment, device);
        if (timing.enabled()) {
            TimingReport.write(out.resolve(OutputLayout.TIMING), new TimingReport(
                    all.timingMachine != null ? all.timingMachine : timing.machine(), timing.settings(), all.timings));
        } else {
            Files.deleteIfExists(out.resolve(OutputLayout.TIMING)); // no stale timings from an earlier run
        }
        HeadlineFile.write(out, experiment.headlineByLabel());
        Site.write(ResultSet.read(out), List.of(), summary.site().getParent(), Instant.now());
        return summary;
    }

    /** The outcomes' results together, each cell counted in {@code summary} (trained, reused, evaluated, failed). */
    private static Collected collect(List<Cell> cells, List<CellOutcome> outcomes, Runner.Summary summary) {
        Collected all = new Collected();
        Set<String> importedIds = cells.stream().filter(Cell::imported).map(Cell::id).collect(Collectors.toSet());
        for (CellOutcome outcome : outcomes) {
            if (outcome.failure() != null) {
                summary.failures().add(outcome.failure());
                continue;
            }
            if (!importedIds.contains(outcome.cellId())) { // an imported model is neither trained nor reused
                (outcome.trained() ? summary.trained() : summary.reused()).add(outcome.cellId());
            }
            (outcome.evaluated() ? summary.evaluated() : summary.evaluationsReused()).add(outcome.cellId());
            all.rows.addAll(outcome.evaluation().rows());
            all.sanity.addAll(outcome.evaluation().sanity());
            all.gallery.addAll(outcome.gallery());
            addTimings(all, outcome);
        }
        return all;
    }

    /** One board shows one machine's timings: those of the first timed cell's machine; others are left off. */
    private static void addTimings(Collected all, CellOutcome outcome) {
        if (outcome.timingMachine() == null) {
            return;
        }
        if (all.timingMachine == null) {
            all.timingMachine = outcome.timingMachine();
        }
        if (all.timingMachine.equals(outcome.timingMachine())) {
            all.timings.addAll(outcome.timings());
        } else {
            LOG.warn("{}: timed on another machine ({}) than the first timed cell; its timings are left off the board",
                    outcome.cellId(), outcome.timingMachine());
        }
    }
}
