package dev.defensebench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.app.run.PlainEngine;
import dev.defensebench.app.run.RunEngines;
import dev.defensebench.app.run.RunJob;
import dev.defensebench.app.run.RunManifest;
import dev.defensebench.app.run.Runner;
import dev.defensebench.app.run.TinyExperiment;
import dev.defensebench.app.run.TinyMnist;
import dev.defensebench.report.ResultsCsv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny experiment (two seeds of a vanilla MLP and a Deep Defense fine-tune of each) run by the plain
 * engine and by the Spark engine in local mode: the same results, whether the tasks share the output
 * directory or a Hadoop FileSystem URI, and a second Spark run recomputes nothing.
 */
class SparkEngineTest {

    static final String EXPERIMENT = TinyExperiment.TWO_TREES
            + "  - {attack: pgd, norm: Linf, epsilons: [0.1], params: {steps: 5}}\n";

    private static JavaSparkContext spark;

    @TempDir
    Path temp;

    @BeforeAll
    static void startSpark() {
        spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkEngineTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    static RunJob job(String text, Path raw, Path out, Path dataDir, String shared) throws IOException {
        TinyMnist data = TinyMnist.read(raw);
        Experiment experiment = new ExperimentLoader(Plugins.discover(), data.registry().names()).parse("spark.yaml", text);
        return new RunJob("spark.yaml", text, experiment, out, "cpu", Shard.ALL, dataDir, new TinyRegistry(raw.toString()),
                shared);
    }

    static List<String> scores(Path results) throws IOException {
        return TinyExperiment.scores(ResultsCsv.read(results));
    }

    @Test
    void sparkLocalModeGivesThePlainEnginesResultsAndRecomputesNothingTheSecondTime() throws IOException {
        Path raw = temp.resolve("raw");
        TinyMnist.write(raw, 120, 40, 7);
        Path data = temp.resolve("data");

        Runner.Summary plain = new PlainEngine().run(job(EXPERIMENT, raw, temp.resolve("plain"), data, null));
        Path out = temp.resolve("spark");
        Runner.Summary first = new SparkEngine(spark).run(job(EXPERIMENT, raw, out, data, null));

        assertThat(first.trained()).containsExactlyElementsOf(plain.trained()).hasSize(4);
        assertThat(scores(out.resolve("results.csv"))).isNotEmpty()
                .isEqualTo(scores(temp.resolve("plain").resolve("results.csv")));
        assertThat(RunManifest.read(out).cells()).isEqualTo(RunManifest.read(temp.resolve("plain")).cells());
        assertThat(out.resolve("site").resolve("index.html")).isRegularFile();

        Runner.Summary second = new SparkEngine(spark).run(job(EXPERIMENT, raw, out, data, null));
        assertThat(second.trained()).isEmpty();
        assertThat(second.evaluated()).isEmpty();
        assertThat(second.reused()).hasSize(4);
        assertThat(second.evaluationsReused()).hasSize(4);
        assertThat(scores(out.resolve("results.csv"))).isEqualTo(scores(temp.resolve("plain").resolve("results.csv")));
    }

    @Test
    void tasksCanShareArtifactsThroughAHadoopFileSystemUri() throws IOException {
        Path raw = temp.resolve("raw");
        TinyMnist.write(raw, 120, 40, 7);
        Path data = temp.resolve("data");
        Path store = temp.resolve("store");
        String uri = store.toUri().toString();
        assertThat(uri).startsWith("file:/");

        new PlainEngine().run(job(EXPERIMENT, raw, temp.resolve("plain"), data, null));
        Runner.Summary first = new SparkEngine(spark).run(job(EXPERIMENT, raw, temp.resolve("out1"), data, uri));
        assertThat(first.trained()).hasSize(4);
        assertThat(scores(temp.resolve("out1").resolve("results.csv")))
                .isEqualTo(scores(temp.resolve("plain").resolve("results.csv")));
        try (Stream<Path> models = Files.list(store.resolve("models"))) {
            assertThat(models.count()).isEqualTo(4);
        }
        try (Stream<Path> files = Files.walk(store)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains(".tmp-"));
        }

        // a fresh output directory on the same store: every cell comes from the store, nothing is recomputed
        Runner.Summary second = new SparkEngine(spark).run(job(EXPERIMENT, raw, temp.resolve("out2"), data, uri));
        assertThat(second.trained()).isEmpty();
        assertThat(second.evaluated()).isEmpty();
        assertThat(scores(temp.resolve("out2").resolve("results.csv")))
                .isEqualTo(scores(temp.resolve("plain").resolve("results.csv")));
        assertThat(temp.resolve("out2").resolve("models")).isDirectory();
    }

    @Test
    void theCommandLineFindsTheSparkEngine() {
        assertThat(RunEngines.find("spark")).isInstanceOf(SparkEngine.class);
        assertThat(RunEngines.find("plain")).isInstanceOf(PlainEngine.class);
    }
}
