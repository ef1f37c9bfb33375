package dev.defensebench.app.timing;

import dev.defensebench.app.config.TimingConfig;
import dev.defensebench.report.TimingMeasurement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the {@link ModelBenchmarks} of one model with JMH, programmatically, under the settings of a
 * {@link TimingConfig}: inference latency (batch 1, average time), inference throughput (large batch,
 * operations per second scaled to images per second) and the cost of each timed attack per image
 * (average time of one run on a batch, divided by the batch). Scores are JMH's mean and the half-width
 * of its 99.9% confidence interval.
 */
public final class TimingRunner {

    private final TimingConfig config;

    public TimingRunner(TimingConfig config) {
        this.config = config;
    }

    /** The JMH settings in words, for the report. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("preset", config.preset());
        s.put("forks", Integer.toString(config.forks()));
        s.put("warm-up", config.warmupIterations() + " × " + fmt(config.warmupSeconds()) + " s");
        s.put("measurement", config.iterations() + " × " + fmt(config.iterationSeconds()) + " s");
        s.put("throughput batch", Integer.toString(config.throughputBatch()));
        s.put("attack batch", Integer.toString(config.attackBatch()));
        return s;
    }

    /**
     * Times the model of {@code setupFile} (whose setup holds at least {@code max(throughputBatch,
     * attackBatch)} images); {@code attacks} maps an attack id to the setup file that names it.
     */
    public List<TimingMeasurement> time(String model, Path setupFile, Map<String, Path> attacks, int throughputBatch,
            int attackBatch) {
        List<TimingMeasurement> out = new ArrayList<>();
        RunResult latency = run("inference", setupFile, 1, Mode.AverageTime);
        out.add(measurement(model, TimingMeasurement.LATENCY, "ms/image", latency, 1, false));
        int big = throughputBatch;
        RunResult throughput = run("inference", setupFile, big, Mode.Throughput);
        out.add(measurement(model, TimingMeasurement.THROUGHPUT, "images/s", throughput, big, true));
        attacks.forEach((attack, file) -> {
            RunResult cost = run("attack", file, attackBatch, Mode.AverageTime);
            out.add(measurement(model, TimingMeasurement.ATTACK_PREFIX + attack, "ms/image", cost, attackBatch, false));
        });
        return out;
    }

    private RunResult run(String benchmark, Path setupFile, int batch, Mode mode) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(ModelBenchmarks.class.getName() + "\\." + benchmark + "$")
                .param("setup", setupFile.toAbsolutePath().toString())
                .param("batch", Integer.toString(batch))
                .mode(mode)
                .timeUnit(mode == Mode.Throughput ? TimeUnit.SECONDS : TimeUnit.MILLISECONDS)
                .forks(config.forks())
                .warmupIterations(config.warmupIterations())
                .warmupTime(TimeValue.milliseconds(Math.round(config.warmupSeconds() * 1000)))
                .measurementIterations(config.iterations())
                .measurementTime(TimeValue.milliseconds(Math.round(config.iterationSeconds() * 1000)))
                .threads(1)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        try {
            Collection<RunResult> results = new Runner(options.build()).run();
            if (results.size() != 1) {
                throw new IllegalStateException("JMH returned " + results.size() + " results for " + benchmark);
            }
            return results.iterator().next();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH benchmark '" + benchmark + "' failed for " + setupFile + ": " + e.getMessage(), e);
        }
    }

    private TimingMeasurement measurement(String model, String benchmark, String unit, RunResult run, int batch,
            boolean throughput) {
        Result<?> primary = run.getPrimaryResult();
        double score = primary.getScore();
        double error = primary.getScoreError();
        long n = primary.getStatistics().getN();
        if (throughput) {
            score *= batch;
            error *= batch;
        } else {
            score /= batch;
            error /= batch;
        }
        return new TimingMeasurement(model, benchmark, unit, score, Double.isFinite(error) ? error : Double.NaN, batch,
                (int) n);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
