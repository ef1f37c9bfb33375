package dev.defensebench.spark;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.run.CellOutcome;
import dev.defensebench.app.run.Devices;
import dev.defensebench.app.run.RunContext;
import dev.defensebench.app.run.Runner;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.kernels.NumericsCheck;
import dev.defensebench.train.ConsoleProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of a Spark run: rebuilds the run from its {@link JobSpec} (once per run and JVM),
 * finds the cell by hash, and runs it through {@link Runner#runCell} on the store's artifacts.
 *
 * <p>A JVM runs one cell at a time: PyTorch's random generator is global to the process (a cell seeds
 * it before it initialises weights and before each attack), so two cells running side by side would
 * change each other's results. Give each executor as many cores as a task needs ({@code
 * spark.task.cpus = spark.executor.cores}) so Spark does not queue tasks on this lock.
 */
final class WorkerRuns {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRuns.class);
    private static final ReentrantLock ONE_CELL_AT_A_TIME = new ReentrantLock();
    private static final Set<String> CHECKED_DEVICES = new HashSet<>();
    private static String preparedRun;
    private static RunContext prepared;

    private WorkerRuns() {}

    /** Runs the cell with hash {@code cellHash} of the run {@code spec} describes. */
    static CellOutcome run(JobSpec spec, String cellHash) throws IOException {
        if (ONE_CELL_AT_A_TIME.isLocked()) {
            LOG.info("cell {}: waiting for the cell running in this JVM to finish", cellHash.substring(0, 12));
        }
        ONE_CELL_AT_A_TIME.lock();
        try {
            Device device = taskDevice(spec.device());
            if (CHECKED_DEVICES.add(device.toString())) {
                NumericsCheck.requireSoundKernels(device);
            }
            Plugins plugins = Plugins.discover();
            DatasetRegistry datasets = spec.datasets().get();
            Runner runner = new Runner(plugins, datasets, Path.of(spec.dataDir()), new ConsoleProgress());
            if (!spec.runId().equals(preparedRun)) {
                prepared = null; // free the previous run's data before loading this one's
                Experiment experiment = new ExperimentLoader(plugins, datasets.names())
                        .parse(spec.experimentFile(), spec.experimentText());
                prepared = runner.prepare(experiment);
                preparedRun = spec.runId();
            }
            RunContext context = prepared;
            Cell cell = context.plan().cells().stream().filter(c -> c.hash().equals(cellHash)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("this worker's plan of " + spec.experimentFile()
                            + " has no cell with hash " + cellHash + ": its data (SHA-256 " + context.data().sha256()
                            + ") or code (defense-bench " + context.version() + ", " + context.code().libraries()
                            + ", the plugins' class files) differ from the driver's"));
            long start = System.nanoTime();
            CellOutcome outcome = spec.store().withCell(cell, out -> runner.runCell(context, cell, out, device));
            LOG.info("{}: {} and {} on {} in {} s", cell.id(), outcome.trained() ? "trained" : "model reused",
                    outcome.evaluated() ? "scored" : "evaluation reused", device,
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
            return outcome;
        } finally {
            ONE_CELL_AT_A_TIME.unlock();
        }
    }

    private static Device taskDevice(String setting) {
        TaskContext task = TaskContext.get();
        return deviceFor(setting, task == null ? Map.of() : task.resourcesJMap());
    }

    /**
     * The first GPU among the task's {@code resources} ({@code spark.task.resource.gpu.amount}) unless the
     * setting is {@code cpu}; without one, the device setting as the plain engine resolves it.
     */
    static Device deviceFor(String setting, Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get("gpu");
        if (!"cpu".equals(setting) && gpus != null && gpus.addresses().length > 0) {
            String address = gpus.addresses()[0];
            try {
                return Device.gpu(Integer.parseInt(address.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalStateException("Spark assigned GPU address '" + address + "' to this task; expected a "
                        + "CUDA device number (check the executor's GPU discovery script)", e);
            }
        }
        return Devices.resolve(setting);
    }
}
