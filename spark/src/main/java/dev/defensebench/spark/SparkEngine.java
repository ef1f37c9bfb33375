package dev.defensebench.spark;

import ai.djl.Device;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.run.CellOutcome;
import dev.defensebench.app.run.Devices;
import dev.defensebench.app.run.RunContext;
import dev.defensebench.app.run.RunEngine;
import dev.defensebench.app.run.RunJob;
import dev.defensebench.app.run.Runner;
import dev.defensebench.train.ConsoleProgress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run --engine spark}: every cell of the run is a Spark task. The driver loads the data and
 * expands the plan, then submits the cells wave by wave ({@link CellWaves}: a fine-tune after its
 * parent), one task per cell. Tasks share the content-hashed artifacts through a {@link SharedStore},
 * so a retried task reuses what its failed attempt finished, and a cell finished by an earlier run is
 * not computed again. The driver writes results.csv, run.json and the site exactly as the plain
 * engine does, from the tasks' outcomes.
 *
 * <p>The master and every other Spark setting come from {@code spark-submit} or {@code -Dspark.*}
 * system properties; without a master the run uses {@code local[*]}.
 */
public final class SparkEngine implements RunEngine {

    /** The engine's name. */
    public static final String NAME = "spark";

    private static final Logger LOG = LoggerFactory.getLogger(SparkEngine.class);

    private final JavaSparkContext given;

    /** The engine {@code --engine spark} finds: it starts a Spark context per run and stops it after. */
    public SparkEngine() {
        this.given = null;
    }

    /** An engine that submits to an existing context (and leaves it running). */
    public SparkEngine(JavaSparkContext context) {
        this.given = context;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "every cell a Spark task (local mode without a master; spark-submit for a cluster)";
    }

    @Override
    public Runner.Summary run(RunJob job) throws IOException {
        Runner runner = new Runner(Plugins.discover(), job.datasets().get(), job.dataDir(), new ConsoleProgress());
        RunContext context = runner.prepare(job.experiment());
        Device device = Devices.resolve(job.device());
        List<Cell> cells = runner.select(context, job.shard(), device);
        JavaSparkContext spark = given != null ? given : new JavaSparkContext(defaults(new SparkConf(), job));
        List<CellOutcome> outcomes;
        try {
            SharedStore store = new SharedStore(job.shared() != null ? job.shared() : job.out().toString(),
                    hadoopSettings(spark)).absolute();
            String location = store.location();
            JobSpec spec = new JobSpec(UUID.randomUUID().toString(), job.experimentFile(), job.experimentText(),
                    job.device(), job.dataDir().toAbsolutePath().toString(), job.datasets(), store);
            LOG.info("Spark {} (application {}): {} cells, artifacts shared in {}", spark.master(), spark.sc().applicationId(),
                    cells.size(), location);
            outcomes = runWaves(spark, spec, cells);
            store.downloadCells(cells, job.out());
        } finally {
            if (given == null) {
                spark.stop();
            }
        }
        return runner.finish(context, job.out(), device, job.shard(), cells, outcomes);
    }

    /** Submits the waves one after another and returns the outcomes in the cells' order. */
    private static List<CellOutcome> runWaves(JavaSparkContext spark, JobSpec spec, List<Cell> cells) throws IOException {
        Map<String, CellOutcome> byHash = new HashMap<>();
        List<List<Cell>> waves = CellWaves.of(cells);
        for (int w = 0; w < waves.size(); w++) {
            List<Cell> wave = new ArrayList<>();
            for (Cell cell : waves.get(w)) {
                CellOutcome skipped = Runner.skippedForParent(cell, byHash);
                if (skipped != null) {
                    byHash.put(cell.hash(), skipped); // its parent failed: no task
                } else {
                    wave.add(cell);
                }
            }
            if (wave.isEmpty()) {
                continue;
            }
            List<String> hashes = wave.stream().map(Cell::hash).toList();
            String description = String.format(Locale.ROOT, "defense-bench wave %d/%d: %d cells", w + 1, waves.size(),
                    wave.size());
            LOG.info("{}: {}", description, wave.stream().map(Cell::id).toList());
            spark.setJobDescription(description);
            long start = System.nanoTime();
            List<String> results;
            try {
                results = spark.parallelize(hashes, hashes.size()).map(new CellTask(spec)).collect();
            } catch (Exception e) { // Spark's SparkException is checked but undeclared
                throw new IOException(description + " failed: " + rootCause(e) + ". The cells finished so far are kept in "
                        + spec.store().location() + "; run the same command again to resume", e);
            }
            for (int i = 0; i < wave.size(); i++) {
                byHash.put(wave.get(i).hash(), CellOutcome.fromJson(results.get(i)));
            }
            LOG.info("wave {}/{} finished in {} s", w + 1, waves.size(),
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        }
        List<CellOutcome> outcomes = new ArrayList<>();
        for (Cell cell : cells) {
            outcomes.add(byHash.get(cell.hash()));
        }
        return outcomes;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** Fills the settings spark-submit would: the application name, and local mode without a master. */
    static SparkConf defaults(SparkConf conf, RunJob job) {
        conf.setIfMissing("spark.app.name", "defense-bench " + job.experiment().name());
        if (!conf.contains("spark.master")) {
            LOG.info("no Spark master set (spark-submit --master or -Dspark.master): running in local[*] mode");
            conf.setMaster("local[*]");
        }
        return conf;
    }

    /** The driver's Hadoop settings (including spark.hadoop.*), for opening the store's URI on the workers. */
    private static Map<String, String> hadoopSettings(JavaSparkContext spark) {
        Map<String, String> settings = new HashMap<>();
        for (Map.Entry<String, String> e : spark.hadoopConfiguration()) {
            settings.put(e.getKey(), e.getValue());
        }
        return settings;
    }
}
