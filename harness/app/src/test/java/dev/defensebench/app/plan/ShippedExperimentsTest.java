package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.DatasetRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every experiment file shipped in ci/ is valid, and the halves of the reproduction share its cells. */
class ShippedExperimentsTest {

    private static final Path CI = Path.of("..", "..", "ci");
    private static final Plugins PLUGINS = Plugins.discover();
    private static final CodeIdentity CODE = new CodeIdentity("version", "libraries", c -> "code of " + c.getName());
    private final ExperimentLoader loader = new ExperimentLoader(PLUGINS, DatasetRegistry.standard().names());

    private List<String> cellHashes(String file) {
        Experiment experiment = loader.load(CI.resolve(file));
        return Plan.of(experiment, PLUGINS, "data-sha", 60000, CODE).cells().stream().map(Cell::hash).toList();
    }

    @Test
    void everyShippedExperimentFileLoads() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(CI)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("quickstart.yaml", "tiny.yaml", "paper-mnist.yaml", "nightly.yaml", "cifar10-robustbench.yaml");
        for (Path file : files) {
            assertThat(loader.load(file).models()).as(file.toString()).isNotEmpty();
        }
    }

    @Test
    void theMlpAndLenetHalvesOfTheReproductionHaveItsCellHashes() {
        List<String> whole = cellHashes("paper-mnist.yaml");
        List<String> mlp = cellHashes("paper-mnist-mlp.yaml");
        List<String> lenet = cellHashes("paper-mnist-lenet.yaml");
        assertThat(mlp).hasSize(2).doesNotContainAnyElementsOf(lenet);
        assertThat(lenet).hasSize(2);
        assertThat(whole).containsExactlyInAnyOrderElementsOf(Stream.concat(mlp.stream(), lenet.stream()).toList());
    }

    @Test
    void theRobustBenchFileTrainsFourResNet18EntriesAndScoresAllTestImagesAtTheProtocolsBudgets() {
        Experiment e = loader.load(CI.resolve("cifar10-robustbench.yaml"));
        assertThat(e.dataset()).isEqualTo("cifar10");
        assertThat(e.preprocessing()).isEqualTo("unit");
        assertThat(e.testSize()).isEqualTo(10000);
        assertThat(e.models()).extracting(m -> m.defense())
                .containsExactly("vanilla", "pgd-adversarial", "trades", "deep-defense");
        assertThat(e.models()).allSatisfy(m -> assertThat(m.architectures()).containsExactly("resnet18"));
        assertThat(e.attacks()).filteredOn(a -> a.name().equals("autoattack"))
                .extracting(a -> a.norm().label() + " " + a.epsilons())
                .containsExactly("Linf [" + 8.0 / 255 + "]", "L2 [0.5]");
        assertThat(Plan.of(e, PLUGINS, "data-sha", 50000, CODE).cells()).hasSize(4);
    }
}
