package dev.defensebench.app.cli;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.app.run.Devices;
import dev.defensebench.app.run.OutputLock;
import dev.defensebench.app.run.PlainEngine;
import dev.defensebench.app.run.RunEngine;
import dev.defensebench.app.run.RunEngines;
import dev.defensebench.app.run.RunJob;
import dev.defensebench.app.run.Runner;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.OutputLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code defense-bench run EXPERIMENT.yaml}: train, attack, write results and the site. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment: train every entry (reusing finished ones), attack it, write results.csv and site/index.html.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every cell has results", "1:a bug (with its trace)", "2:bad input (a message names it)",
                "4:this machine computes wrong numbers (numerics check)",
                "5:the run finished, but some cells failed or were skipped (see failures.json)"})
final class RunCommand implements Callable<Integer> {

    /** The exit code of a run that finished, but where at least one cell failed or was skipped. */
    static final int FAILED_CELLS = 5;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "EXPERIMENT.yaml", description = "the experiment file")
    Path experimentFile;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: out/<experiment name>)")
    Path out;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "where to train and attack (default: the experiment's 'device', else auto)")
    String device;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where data sets are looked for and cached (default: $DEFENSEBENCH_DATA, else ~/.defense-bench/data)")
    Path dataDir;

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (deterministic, balanced; a "
            + "fine-tune runs with its parent); merge the shards' output directories with 'defense-bench merge'")
    String shard;

    @Option(names = "--engine", paramLabel = "NAME", defaultValue = PlainEngine.NAME,
            description = "how cells are executed: plain (this process, default) or spark (each cell a Spark task; "
                    + "needs the spark module, see the README)")
    String engine;

    @Option(names = "--shared", paramLabel = "DIR|URI", description = "--engine spark: where the Spark tasks share the "
            + "cells' artifacts: a directory every worker sees, or a Hadoop FileSystem URI (hdfs://, s3a://, file://); "
            + "default: --out")
    String shared;

    @Override
    public Integer call() throws Exception {
        Shard part = shard == null ? Shard.ALL : Shard.parse(shard);
        RunEngine runEngine = RunEngines.find(engine);
        PrintWriter err = spec.commandLine().getErr();
        Plugins plugins = Plugins.discover();
        DatasetRegistry datasets = DatasetRegistry.standard();
        ExperimentLoader loader = new ExperimentLoader(plugins, datasets.names());
        String text = loader.read(experimentFile);
        Experiment experiment = loader.parse(experimentFile.toString(), text);
        Path target = out != null ? out : Path.of("out", experiment.name());
        String deviceSetting = device != null ? device : experiment.device();
        EnvironmentException.requireSoundNumerics(Devices.resolve(deviceSetting));
        long start = System.nanoTime();
        Runner.Summary summary;
        try (OutputLock lock = OutputLock.acquire(target); InterruptNotice notice = InterruptNotice.install(target, System.err)) {
            summary = runEngine.run(new RunJob(experimentFile.toString(), text, experiment, target,
                    deviceSetting, part, DatasetRegistry.defaultDataDir(dataDir), DatasetRegistry::standard, shared));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return report(summary, seconds, spec.commandLine().getOut(), err);
    }

    /**
     * Prints what the run did and where its results are, then each cell without results on {@code err};
     * returns the exit code: 0, or {@link #FAILED_CELLS} when any cell failed or was skipped.
     */
    static int report(Runner.Summary summary, double seconds, PrintWriter o, PrintWriter err) {
        o.printf(Locale.ROOT, "trained %d, reused %d models; evaluated %d, reused %d evaluations in %.1f s%n",
                summary.trained().size(), summary.reused().size(), summary.evaluated().size(),
                summary.evaluationsReused().size(), seconds);
        o.println("results: " + summary.results().toAbsolutePath());
        o.println("report:  " + summary.site().toAbsolutePath());
        o.flush();
        if (!summary.failures().isEmpty()) {
            err.printf(Locale.ROOT, "defense-bench: %d cell(s) have no results (listed apart under \"Failed entries\" on "
                    + "the board, and in %s); exit code %d:%n", summary.failures().size(), OutputLayout.FAILURES, FAILED_CELLS);
            for (FailedEntry f : summary.failures()) {
                err.printf(Locale.ROOT, "  %s %s: %s%n", f.model(), f.statusLabel(), f.reason());
            }
        }
        err.flush();
        return summary.failures().isEmpty() ? 0 : FAILED_CELLS;
    }
}
