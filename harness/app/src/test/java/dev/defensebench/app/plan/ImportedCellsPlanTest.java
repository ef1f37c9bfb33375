package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.onnx.FixtureModels;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxImporter;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.onnx.interp.PyTorchFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imported {@code onnx:} entries in the plan: one cell each, after its surrogate and in its shard, hashed by the
 * file's content (and its external data files'); entries fine-tuned from it get the architecture "onnx", one cell per
 * seed, and their hashes follow the file through their parent's.
 */
class ImportedCellsPlanTest {

    private static final Plugins PLUGINS = Plugins.discover();
    private static final ExperimentLoader LOADER = new ExperimentLoader(PLUGINS, Set.of("mnist"));
    private static final CodeIdentity CODE = new CodeIdentity("1.0", "libraries", Class::getName);
    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final String EXPERIMENT = String.join("\n",
            "name: imported",
            "dataset: mnist",
            "seeds: [0, 1]",
            "models:",
            "  - {name: tune2, defense: vanilla, init_from: tune, params: {epochs: 1}}",
            "  - {name: tune, defense: deep-defense, init_from: theirs, params: {epochs: 1}}",
            "  - {name: theirs, onnx: theirs.onnx, surrogate: base}",
            "  - {name: base, defense: vanilla, architectures: [mlp, lenet], params: {epochs: 2}}",
            "  - {name: alone, defense: vanilla, architectures: [mlp], params: {epochs: 2}}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
            "");

    @TempDir
    Path temp;

    private OnnxFile file(long seed) throws IOException {
        Path path = temp.resolve("m" + seed + ".onnx");
        Files.write(path, OnnxCodec.encode(FixtureModels.mlp(FixtureModels.Weights.random(784, 10, seed),
                MNIST.getShape(), "Relu", "")));
        return OnnxImporter.inspect(path, Long.MAX_VALUE, MNIST, 10);
    }

    private static Plan plan(OnnxFile file) {
        Experiment e = LOADER.parse("imported.yaml", EXPERIMENT);
        return Plan.of(e, PLUGINS, "a".repeat(64), 1000, CODE, Map.of("theirs", file));
    }

    private static Map<String, Cell> byId(Plan plan) {
        return plan.cells().stream().collect(Collectors.toMap(Cell::id, Function.identity()));
    }

    @Test
    void anImportedEntryIsOneCellAfterItsSurrogateAndItsFineTunesFollowIt() throws IOException {
        Plan plan = plan(file(1));
        Map<String, Cell> cells = byId(plan);
        assertThat(cells.keySet()).containsExactlyInAnyOrder("base/mlp/s0", "base/mlp/s1", "base/lenet/s0", "base/lenet/s1",
                "theirs/onnx", "tune/onnx/s0", "tune/onnx/s1", "tune2/onnx/s0", "tune2/onnx/s1", "alone/mlp/s0", "alone/mlp/s1");
        Cell theirs = cells.get("theirs/onnx");
        assertThat(theirs.imported()).isTrue();
        assertThat(theirs.surrogate()).isSameAs(cells.get("base/mlp/s0"));
        assertThat(theirs.directoryName()).startsWith("theirs-onnx-");
        for (long seed : List.of(0L, 1L)) {
            Cell tune = cells.get("tune/onnx/s" + seed);
            assertThat(tune.parent()).isSameAs(theirs);
            assertThat(tune.architecture()).isEqualTo("onnx");
            assertThat(tune.importedRoot()).isSameAs(theirs);
            assertThat(cells.get("tune2/onnx/s" + seed).parent()).isSameAs(tune);
            assertThat(cells.get("tune2/onnx/s" + seed).importedRoot()).isSameAs(theirs);
        }
        assertThat(cells.get("base/mlp/s0").importedRoot()).isNull();
        List<Cell> order = plan.cells();
        for (Cell c : order) {
            if (c.upstream() != null) {
                assertThat(order.indexOf(c.upstream())).as("%s after %s", c.id(), c.upstream().id()).isLessThan(order.indexOf(c));
            }
        }
    }

    @Test
    void anotherFileChangesTheImportedCellAndItsFineTunesButNothingElse() throws IOException {
        Map<String, Cell> one = byId(plan(file(1)));
        Map<String, Cell> other = byId(plan(file(2)));
        Set<String> changed = one.keySet().stream().filter(id -> !one.get(id).hash().equals(other.get(id).hash()))
                .collect(Collectors.toSet());
        assertThat(changed).containsExactlyInAnyOrder("theirs/onnx", "tune/onnx/s0", "tune/onnx/s1", "tune2/onnx/s0",
                "tune2/onnx/s1");
        assertThat(byId(plan(file(1))).get("theirs/onnx").hash()).isEqualTo(one.get("theirs/onnx").hash());
    }

    @Test
    void aByteOfAnExternalDataFileChangesTheImportedCell() throws IOException {
        // make_fixtures.py's resnet (MNIST-shaped) with its tensors in resnet_external.onnx.data beside the model
        Path model = temp.resolve("resnet_external.onnx");
        Path data = temp.resolve("resnet_external.onnx.data");
        Files.write(model, PyTorchFixtures.file("external/resnet_external.onnx"));
        byte[] bytes = PyTorchFixtures.file("external/resnet_external.onnx.data");
        Files.write(data, bytes);
        Map<String, Cell> before = byId(plan(OnnxImporter.inspect(model, Long.MAX_VALUE, MNIST, 10)));
        bytes[bytes.length / 2] ^= 1; // a low bit of one weight; the model file itself is untouched
        Files.write(data, bytes);
        Map<String, Cell> after = byId(plan(OnnxImporter.inspect(model, Long.MAX_VALUE, MNIST, 10)));
        for (String id : List.of("theirs/onnx", "tune/onnx/s0", "tune2/onnx/s1")) {
            assertThat(after.get(id).hash()).as(id).isNotEqualTo(before.get(id).hash());
        }
        assertThat(after.get("base/mlp/s0").hash()).isEqualTo(before.get("base/mlp/s0").hash());
    }

    @Test
    void anImportedEntryRunsInItsSurrogatesShardWithItsFineTunes() throws IOException {
        Plan plan = plan(file(1));
        for (int n = 2; n <= 4; n++) {
            for (int i = 1; i <= n; i++) {
                Set<String> here = new HashSet<>();
                new Shard(i, n).select(plan).forEach(c -> here.add(c.id()));
                if (here.contains("theirs/onnx")) {
                    assertThat(here).as("shard %d/%d", i, n).contains("base/mlp/s0", "tune/onnx/s0", "tune2/onnx/s1");
                } else {
                    assertThat(here).as("shard %d/%d", i, n).doesNotContain("base/mlp/s0", "tune/onnx/s0", "tune2/onnx/s1");
                }
            }
        }
    }
}
