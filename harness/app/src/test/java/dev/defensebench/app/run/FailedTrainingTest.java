package dev.defensebench.app.run;

import dev.defensebench.report.OutputLayout;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.FailuresFile;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed training is a failure, not a board entry: a diverging training (lr 1e9) stops at once, the
 * entry fine-tuned from it is skipped, a model that predicts one class is failed after training, every
 * other cell still runs, and the failed entries are listed apart (failures.json, the board's "Failed
 * entries" section) with no result rows.
 */
class FailedTrainingTest {

    private static final String HEADER = String.join("\n",
            "name: tiny",
            "dataset: mnist",
            "test_size: 60",
            "eval_batch_size: 30",
            "device: cpu",
            "models:",
            "");
    private static final String ATTACKS = String.join("\n",
            "attacks:",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.1]",
            "");
    private static final String GOOD = String.join("\n",
            "  - name: good",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "    params: {epochs: 1, batch_size: 20, lr: 0.1}",
            "");

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private TinyMnist data;
    private Runner runner;
    private Path out;

    @BeforeEach
    void setUp() throws IOException {
        data = TinyMnist.write(temp.resolve("raw"), 200, 60, 42);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        out = temp.resolve("out");
    }

    private Runner.Summary run(String models) throws IOException {
        return runner.run(new ExperimentLoader(plugins, data.registry().names()).parse("tiny.yaml", HEADER + models + ATTACKS),
                out, Device.cpu());
    }

    @Test
    void aDivergingTrainingStopsAtOnceAndItsChildIsSkippedWhileTheOthersRun() throws IOException {
        Runner.Summary summary = run(String.join("\n",
                "  - name: nan",
                "    defense: vanilla",
                "    architectures: [mlp]",
                "    params: {epochs: 2, batch_size: 20, lr: 1.0e9}",
                "  - name: child",
                "    defense: vanilla",
                "    architectures: [mlp]",
                "    init_from: nan",
                "    params: {epochs: 1, batch_size: 20, lr: 0.01}",
                "") + GOOD);

        assertThat(summary.failures()).extracting(FailedEntry::model, FailedEntry::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("nan/mlp/s0", FailedEntry.Status.FAILED),
                org.assertj.core.groups.Tuple.tuple("child/mlp/s0", FailedEntry.Status.SKIPPED));
        FailedEntry nan = summary.failures().get(0);
        // stopped in the first epoch, at the step that went non-finite, not after two epochs
        assertThat(nan.reason()).containsPattern("non-finite (loss|weights).* at epoch 1, step \\d+ of 10");
        assertThat(summary.failures().get(1).reason()).contains("fine-tunes from nan/mlp/s0, which failed");
        assertThat(summary.trained()).containsExactly("good/mlp/s0");
        assertThat(summary.evaluated()).containsExactly("good/mlp/s0");
        // no weights are kept for the diverged cell, and neither failed entry has a result row
        try (var models = Files.list(out.resolve("models"))) {
            assertThat(models.map(p -> p.getFileName().toString())).allMatch(name -> name.startsWith("good-"));
        }
        List<ResultRow> rows = ResultsCsv.read(out.resolve("results.csv"));
        assertThat(rows).extracting(ResultRow::model).containsOnly("good/mlp/s0");
        assertThat(FailuresFile.read(out.resolve(OutputLayout.FAILURES))).isEqualTo(summary.failures());
        String board = Files.readString(summary.site());
        assertThat(board).contains("Failed entries").contains("nan/mlp/s0").contains("child/mlp/s0");
        assertThat(board.substring(0, board.indexOf("Failed entries"))).doesNotContain("nan/mlp/s0");
    }

    @Test
    void aModelThatPredictsOneClassIsAFailedCell() throws IOException {
        // weights ~1e-30 underflow to zero logits from every input: the model answers with its biases alone
        Runner.Summary summary = run(String.join("\n",
                "  - name: constant",
                "    defense: vanilla",
                "    architectures: [mlp]",
                "    params: {epochs: 1, batch_size: 20, lr: 1.0e-12, momentum: 0, init_std: 1.0e-30}",
                "") + GOOD);

        assertThat(summary.failures()).hasSize(1);
        FailedEntry constant = summary.failures().get(0);
        assertThat(constant.model()).isEqualTo("constant/mlp/s0");
        assertThat(constant.status()).isEqualTo(FailedEntry.Status.FAILED);
        assertThat(constant.reason()).containsPattern("predicts class \\d for 100\\.0% of the 60 test images "
                + "\\(clean accuracy 10\\.0%\\)");
        assertThat(summary.evaluated()).containsExactly("good/mlp/s0");

        // a rerun reuses the stored model and finds the same failure, without training it again
        Runner.Summary again = run(String.join("\n",
                "  - name: constant",
                "    defense: vanilla",
                "    architectures: [mlp]",
                "    params: {epochs: 1, batch_size: 20, lr: 1.0e-12, momentum: 0, init_std: 1.0e-30}",
                "") + GOOD);
        assertThat(again.failures()).isEqualTo(summary.failures());
        assertThat(again.trained()).isEmpty();
    }
}
