package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A merge checks its shards and its {@code --out} before it writes anything: a shard missing its models or
 * evaluations is named with what is missing, an {@code --out} holding another experiment's run is refused
 * (unless forced), and a refused merge leaves {@code --out} as it was.
 */
class MergeChecksTest {

    @TempDir
    static Path shared;
    private static Path first;
    private static Path second;

    @TempDir
    Path temp;

    @BeforeAll
    static void runTwoShards() throws IOException {
        Plugins plugins = Plugins.discover();
        TinyMnist data = TinyMnist.write(shared.resolve("raw"), 120, 40, 7);
        Runner runner = new Runner(plugins, data.registry(), shared.resolve("data"), ProgressListener.SILENT);
        var experiment = new ExperimentLoader(plugins, data.registry().names()).parse("shards.yaml", TinyExperiment.TWO_TREES);
        first = shared.resolve("s1");
        second = shared.resolve("s2");
        runner.run(experiment, first, Device.cpu(), new Shard(1, 2));
        runner.run(experiment, second, Device.cpu(), new Shard(2, 2));
    }

    private Path copy(Path shard, String name) throws IOException {
        Path to = temp.resolve(name);
        try (Stream<Path> files = Files.walk(shard)) {
            files.forEach(f -> {
                try {
                    Files.copy(f, to.resolve(shard.relativize(f).toString()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return to;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static Path firstFile(Path shard, String dir) throws IOException {
        try (Stream<Path> files = Files.walk(shard.resolve(dir))) {
            return files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
    }

    @Test
    void aShardWithoutItsModelsNamesTheMissingCardsAndWritesNothing() throws IOException {
        Path broken = copy(second, "s2");
        delete(broken.resolve(OutputLayout.MODELS));
        Path out = temp.resolve("merged");

        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, broken), out, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot merge " + broken + ": 2 missing: models/<")
                .hasMessageContaining("/card.json (the card of ");
        assertThat(out).doesNotExist();
    }

    @Test
    void aShardWithoutItsEvaluationsNamesThem() throws IOException {
        Path broken = copy(second, "s2");
        delete(broken.resolve("evaluations"));

        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, broken), temp.resolve("merged"), false))
                .hasMessageStartingWith("cannot merge " + broken + ": 2 missing: evaluations/")
                .hasMessageContaining("/*.json (the stored evaluation of ");
    }

    @Test
    void aShardWithoutTheResultsOfACellOfItsManifestNamesTheCell() throws IOException {
        Path broken = copy(second, "s2");
        List<String> lines = Files.readAllLines(broken.resolve(OutputLayout.RESULTS));
        String dropped = RunManifest.read(broken).cells().get(0);
        Files.write(broken.resolve(OutputLayout.RESULTS),
                lines.stream().filter(l -> !l.contains("," + dropped + ",")).toList());

        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, broken), temp.resolve("merged"), false))
                .hasMessageContaining("results of cell " + dropped + " (listed in run.json)");
    }

    @Test
    void anOutHoldingAnotherExperimentsRunIsRefusedAndKept() throws IOException {
        Path other = Files.createDirectories(temp.resolve("other"));
        new RunManifest("other-experiment", "f".repeat(64), "0.1.0", 1, 1, List.of("a/mlp/s0")).write(other);
        Files.writeString(other.resolve(OutputLayout.RESULTS), "the other run's results");

        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, second), other, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--out " + other + " holds a run of another experiment ('other-experiment'")
                .hasMessageEndingWith("choose a new directory, or pass --force");
        assertThat(Files.readString(other.resolve(OutputLayout.RESULTS))).isEqualTo("the other run's results");
        try (Stream<Path> entries = Files.list(other)) {
            assertThat(entries).hasSize(2);
        }

        // forced, it is replaced, a file at the path of a shard's file included
        Path clash = firstFile(first, "models");
        Path inOther = other.resolve(first.relativize(clash).toString());
        Files.createDirectories(inOther.getParent());
        Files.writeString(inOther, "the other run's file");
        assertThat(ShardMerge.merge(List.of(first, second), other, false, true).rows()).isNotEmpty();
        assertThat(Files.mismatch(inOther, clash)).isEqualTo(-1L);
        assertThat(RunManifest.read(other).experiment()).isEqualTo("tiny");
    }

    @Test
    void anOutWithOtherFilesIsRefusedButAnEarlierMergeOfTheSameRunIsRefreshed() throws IOException {
        Path notes = Files.createDirectories(temp.resolve("notes"));
        Files.writeString(notes.resolve("todo.txt"), "x");
        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, second), notes, false))
                .hasMessageContaining("is not empty and holds no run (no run.json)");

        Path merged = temp.resolve("merged");
        int rows = ShardMerge.merge(List.of(first, second), merged, false).rows().size();
        assertThat(ShardMerge.merge(List.of(first, second), merged, false).rows()).hasSize(rows);
    }

    @Test
    void aLateRefusalLeavesNoHalfFilledOut() throws IOException {
        Path broken = copy(second, "s2");
        Files.delete(broken.resolve(OutputLayout.RESULTS));
        Path out = temp.resolve("merged");

        assertThatThrownBy(() -> ShardMerge.merge(List.of(first, broken), out, false))
                .hasMessageContaining("results.csv: missing; did that shard finish?");
        assertThat(out).doesNotExist();
    }
}
