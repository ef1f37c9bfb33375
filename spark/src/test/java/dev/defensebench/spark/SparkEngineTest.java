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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny experiment (two seeds of a vanilla MLP and a Deep Defense fine-tune of each) run by the plain
 * engine and by the Spark engine in local mode: the same results, whether the tasks share the output
 * directory or a Hadoop FileSystem URI, and a second Spark run recomputes nothing.
 */
@Tag("slow")
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
    void importedEntriesAndTheirFineTunesRunAsTasksWithThePlainEnginesResults() throws IOException {
        Path raw = temp.resolve("raw");
        TinyMnist.write(raw, 120, 40, 7);
        Path data = temp.resolve("data");
        String exporting = EXPERIMENT.replace("device: cpu\n", "device: cpu\nexport_onnx: true\n");
        new PlainEngine().run(job(exporting, raw, temp.resolve("first"), data, null));
        Path exported;
        try (Stream<Path> dirs = Files.list(temp.resolve("first").resolve("models"))) {
            exported = dirs.filter(d -> d.getFileName().toString().startsWith("vanilla-mlp-s0-")).findFirst().orElseThrow()
                    .resolve("model.onnx");
        }
        String imports = EXPERIMENT.replace("attacks:\n", String.join("\n",
                "  - {name: theirs, onnx: " + exported + ", surrogate: vanilla}",
                "  - {name: tuned, defense: vanilla, init_from: theirs, params: {epochs: 1, batch_size: 20, lr: 0.05}}",
                "attacks:", ""));
        Runner.Summary plain = new PlainEngine().run(job(imports, raw, temp.resolve("plain"), data, null));
        Runner.Summary spark = new SparkEngine(SparkEngineTest.spark).run(job(imports, raw, temp.resolve("spark"), data, null));
        assertThat(spark.trained()).containsExactlyElementsOf(plain.trained()).contains("tuned/onnx/s0", "tuned/onnx/s1");
        assertThat(spark.evaluated()).contains("theirs/onnx", "tuned/onnx/s0");
        List<String> scores = scores(temp.resolve("spark").resolve("results.csv"));
        assertThat(scores).isEqualTo(scores(temp.resolve("plain").resolve("results.csv")));
        assertThat(scores).anyMatch(line -> line.contains("theirs/onnx") && line.contains("transfer"));
    }

    @Test
    void theCommandLineFindsTheSparkEngine() {
        assertThat(RunEngines.find("spark")).isInstanceOf(SparkEngine.class);
        assertThat(RunEngines.find("plain")).isInstanceOf(PlainEngine.class);
    }
}
