package dev.defensebench.app.run;

import dev.defensebench.report.OutputLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny experiment with two fine-tuning trees run whole and in two shards: the merged shards give
 * the unsharded run's results, and merge refuses shards that do not belong together.
 */
@Tag("slow")
class ShardedRunTest {

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private TinyMnist data;
    private Runner runner;

    @BeforeEach
    void setUp() throws IOException {
        data = TinyMnist.write(temp.resolve("raw"), 120, 40, 7);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
    }

    private Experiment experiment(String text) {
        return new ExperimentLoader(plugins, data.registry().names()).parse("shards.yaml", text);
    }


    @Test
    void mergedShardsEqualTheUnshardedRunAndMismatchedShardsAreRefused() throws IOException {
        Path whole = temp.resolve("whole");
        runner.run(experiment(TinyExperiment.TWO_TREES), whole, Device.cpu());
        Path first = temp.resolve("s1");
        Path second = temp.resolve("s2");
        Runner.Summary one = runner.run(experiment(TinyExperiment.TWO_TREES), first, Device.cpu(), new Shard(1, 2));
        Runner.Summary two = runner.run(experiment(TinyExperiment.TWO_TREES), second, Device.cpu(), new Shard(2, 2));

        // each shard trains a whole tree (a vanilla model and the Deep Defense model fine-tuned from it)
        assertThat(one.trained()).hasSize(2);
        assertThat(two.trained()).hasSize(2);
        assertThat(one.trained()).doesNotContainAnyElementsOf(two.trained());

        Path merged = temp.resolve("merged");
        ShardMerge.Result result = ShardMerge.merge(List.of(first, second), merged, false);
        List<String> wholeScores = TinyExperiment.scores(ResultsCsv.read(whole.resolve("results.csv")));
        assertThat(TinyExperiment.scores(result.rows())).isEqualTo(wholeScores);
        assertThat(TinyExperiment.scores(ResultsCsv.read(merged.resolve("results.csv")))).isEqualTo(wholeScores);
        assertThat(RunManifest.read(merged).cells()).containsExactlyInAnyOrderElementsOf(RunManifest.read(whole).cells());
        try (var models = Files.list(merged.resolve("models"))) {
            assertThat(models.count()).isEqualTo(4);
        }

        // a missing shard, a shard given twice, and a shard of another version are refused
        assertThatThrownBy(() -> ShardMerge.merge(List.of(first), temp.resolve("m2"), false))
                .hasMessageContaining("shards [2] of 2 are missing");
        assertThat(ShardMerge.merge(List.of(first), temp.resolve("m3"), true).rows()).isNotEmpty();
        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, first), temp.resolve("m4"), false))
                .hasMessageContaining("given twice");
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(second.resolve(OutputLayout.MANIFEST).toFile());
        manifest.put("harnessVersion", "0.0.1-other");
        json.writeValue(second.resolve(OutputLayout.MANIFEST).toFile(), manifest);
        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, second), temp.resolve("m5"), false))
                .hasMessageContaining("harness version").hasMessageContaining("0.0.1-other");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(temp.resolve("nowhere")), temp.resolve("m6"), false))
                .hasMessageContaining("run.json");
    }
}
