package dev.defensebench.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.app.run.Runner;
import dev.defensebench.app.run.TinyMnist;
import dev.defensebench.report.ResultsCsv;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that fails after storing its cell's model is retried by Spark ({@code local[2,2]}: two
 * cores, two attempts per task), and the retry reuses the stored model instead of training again;
 * without retries the run fails with a message that says how to resume, and resuming reuses the model.
 */
@Tag("slow")
class SparkRetryTest {

    private static final String EXPERIMENT = String.join("\n",
            "name: retry",
            "dataset: mnist",
            "test_size: 40",
            "seeds: [3]",
            "device: cpu",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp], params: {epochs: 1, batch_size: 20, lr: 0.1}}",
            "attacks:",
            "  - {attack: fail-once, norm: Linf, epsilons: [0.1]}",
            "");

    @TempDir
    Path temp;

    private static JavaSparkContext start(String master) {
        return new JavaSparkContext(new SparkConf().setMaster(master).setAppName("SparkRetryTest")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    }

    @Test
    void aFailedTaskIsRetriedAndReusesWhatItsFirstAttemptFinished() throws IOException {
        Path raw = temp.resolve("raw");
        TinyMnist.write(raw, 120, 40, 7);
        FailOnceAttack.FAILURES.set(1);
        JavaSparkContext spark = start("local[2,2]");
        Runner.Summary summary;
        try {
            summary = new SparkEngine(spark).run(
                    SparkEngineTest.job(EXPERIMENT, raw, temp.resolve("out"), temp.resolve("data"), null));
        } finally {
            spark.stop();
        }
        assertThat(FailOnceAttack.FAILURES.get()).isNegative(); // the failure happened, then a call succeeded
        // the first attempt trained and stored the model before failing; the retry reused it
        assertThat(summary.trained()).isEmpty();
        assertThat(summary.reused()).containsExactly("vanilla/mlp/s3");
        assertThat(summary.evaluated()).containsExactly("vanilla/mlp/s3");
        assertThat(ResultsCsv.read(temp.resolve("out").resolve("results.csv")))
                .anySatisfy(r -> assertThat(r.attack()).isEqualTo("fail-once"));
    }

    @Test
    void aRunWhoseTaskFailsForGoodSaysSoAndTheSameCommandResumesIt() throws IOException {
        Path raw = temp.resolve("raw");
        TinyMnist.write(raw, 120, 40, 7);
        Path out = temp.resolve("out");
        FailOnceAttack.FAILURES.set(1);
        JavaSparkContext spark = start("local[2]"); // local mode without retries
        try {
            assertThatThrownBy(() -> new SparkEngine(spark).run(
                    SparkEngineTest.job(EXPERIMENT, raw, out, temp.resolve("data"), null)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("wave 1/1").hasMessageContaining("injected failure")
                    .hasMessageContaining("run the same command again to resume");
            assertThat(out.resolve("results.csv")).doesNotExist();

            Runner.Summary resumed = new SparkEngine(spark).run(
                    SparkEngineTest.job(EXPERIMENT, raw, out, temp.resolve("data"), null));
            assertThat(resumed.trained()).isEmpty(); // the failed run had stored the model
            assertThat(resumed.evaluated()).containsExactly("vanilla/mlp/s3");
            assertThat(out.resolve("results.csv")).isRegularFile();
        } finally {
            spark.stop();
        }
    }
}
