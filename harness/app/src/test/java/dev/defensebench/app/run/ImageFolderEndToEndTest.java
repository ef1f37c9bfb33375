package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.DataUnavailableException;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageFolderLoader;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ci/imagefolder.yaml} end to end on images this test draws ({@link SyntheticImages}): the imported 224×224
 * ResNet-style fixture is interpreted (white-box), scores its images well, and PGD and AutoAttack run on them; the
 * folder's identity is in the cell hash; and the experiment's mistakes stop the run before any work, named.
 */
@Tag("slow")
class ImageFolderEndToEndTest {

    private static final Path CI_FILE = Path.of("..", "..", "ci", "imagefolder.yaml");
    private static final Path MODEL = Path.of("src", "test", "resources", "imagefolder", "tiny_resnet224.onnx").toAbsolutePath();
    private static final Plugins PLUGINS = Plugins.discover();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Test images scored end to end: a seeded draw of 30 of the folder's 60. */
    private static final int TEST = 30;

    @TempDir
    static Path temp;
    private static Path images;

    @BeforeAll
    static void drawImages() throws IOException {
        images = SyntheticImages.write(temp.resolve("images"), 15, 5);
    }

    /** The shipped file with its image root and model path pointed at this test's files, then each edit (from, to). */
    private static Experiment experiment(Path root, String... edits) throws IOException {
        String text = Files.readString(CI_FILE)
                .replace("root: out/imagefolder-demo", "root: " + root)
                .replace("onnx: harness/app/src/test/resources/imagefolder/tiny_resnet224.onnx", "onnx: " + MODEL);
        for (int i = 0; i < edits.length; i += 2) {
            assertThat(text).as("the shipped file").contains(edits[i]);
            text = text.replace(edits[i], edits[i + 1]);
        }
        return new ExperimentLoader(PLUGINS, DatasetRegistry.standard().names()).parse(CI_FILE.toString(), text);
    }

    private static Runner runner() {
        return new Runner(PLUGINS, DatasetRegistry.standard(), temp.resolve("data"), ProgressListener.SILENT);
    }

    @Test
    void theShippedExperimentScoresTheImportedModelWhiteBoxWithPgdAndAutoAttack() throws IOException {
        Path out = temp.resolve("out");
        String[] smaller = {"test_size: 60", "test_size: " + TEST}; // the shipped 60, halved to keep the test short
        Runner.Summary summary = runner().run(experiment(images, smaller), out, Device.cpu());
        assertThat(summary.failures()).isEmpty();
        assertThat(summary.evaluated()).containsExactly("tiny-resnet224/onnx");
        List<ResultRow> rows = ResultsFile.read(summary.results());
        assertThat(rows).extracting(r -> r.attack() + " " + r.access()).contains("clean white-box", "pgd white-box",
                "autoattack white-box");
        ResultRow clean = rows.stream().filter(r -> r.attack().equals("clean")).findFirst().orElseThrow();
        assertThat(clean.samples()).isEqualTo(TEST);
        assertThat(clean.dataset()).isEqualTo("imagefolder");
        assertThat(clean.preprocessing()).isEqualTo("imagenet");
        assertThat(clean.cleanAccuracy()).as("the fixture learned the colours (chance: 25%)").isGreaterThanOrEqualTo(0.8);
        for (ResultRow r : rows) {
            assertThat(r.robustAccuracy()).as(r.attack()).isLessThanOrEqualTo(clean.cleanAccuracy());
        }
        JsonNode card;
        try (Stream<Path> dirs = Files.list(out.resolve("models"))) {
            card = JSON.readTree(dirs.findFirst().orElseThrow().resolve(OutputLayout.CARD).toFile());
        }
        assertThat(card.at("/notes/import_path").asText()).isEqualTo("djl");
        assertThat(card.at("/data/dataset").asText()).isEqualTo("imagefolder");
        assertThat(card.at("/data/preprocessing").asText()).isEqualTo("imagenet");
        assertThat(card.at("/notes/test_data_sha256").asText()).hasSize(64);

        // the same images elsewhere: the same cell, its evaluation reused
        Path copy = temp.resolve("copy");
        copyTree(images, copy);
        Runner.Summary again = runner().run(experiment(copy, smaller), out, Device.cpu());
        assertThat(again.evaluationsReused()).containsExactly("tiny-resnet224/onnx");

        // the blue images' bytes replaced (names and labels kept): another data identity, so another cell
        String hash = runner().prepare(experiment(copy, smaller)).plan().cells().get(0).hash();
        assertThat(hash).isEqualTo(runner().prepare(experiment(images, smaller)).plan().cells().get(0).hash());
        for (int i = 0; i < 15; i++) {
            String name = String.format("%03d.png", i);
            Files.copy(copy.resolve("red").resolve(name), copy.resolve("blue").resolve(name),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertThat(runner().prepare(experiment(copy, smaller)).plan().cells().get(0).hash()).isNotEqualTo(hash);
    }

    @Test
    void aLabelCountThatIsNotTheModelsStopsTheRunNamingTheEntryAndFile() throws IOException {
        Path two = temp.resolve("two");
        copyTree(images.resolve("blue"), two.resolve("blue"));
        copyTree(images.resolve("red"), two.resolve("red"));
        Path out = temp.resolve("out-two");
        assertThatThrownBy(() -> runner().run(experiment(two, "test_size: 60", "test_size: 30"), out, Device.cpu()))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("models 'tiny-resnet224'")
                .hasMessageContaining(MODEL.toString()).hasMessageContaining("the data set has 2 classes");
        assertThat(out).doesNotExist();
    }

    @Test
    void theSubsetIsDrawnWithTheSeedAndCannotExceedTheFolder() throws IOException {
        Experiment e = experiment(images, "test_size: 60", "test_size: 12");
        assertThat(ExperimentData.spec(e)).satisfies(s -> {
            assertThat(s.crop()).as("from the model's input").isEqualTo(224);
            assertThat(s.resize()).isEqualTo(256);
            assertThat(s.subsetSize()).isEqualTo(12);
        });
        var data = ExperimentData.load(e, DatasetRegistry.standard(), temp);
        assertThat(data.test().count()).isEqualTo(12);
        assertThat(ExperimentData.load(e, DatasetRegistry.standard(), temp).test()).isEqualTo(data.test());
        var otherSeed = ExperimentData.load(experiment(images, "seed: 0 ", "seed: 1 ", "test_size: 60", "test_size: 12"), DatasetRegistry.standard(), temp);
        assertThat(otherSeed.sha256()).isNotEqualTo(data.sha256());
        assertThatThrownBy(() -> runner().run(experiment(images, "test_size: 60", "test_size: 61"), temp.resolve("o"), Device.cpu()))
                .hasMessageContaining("'test_size' is 61 but data set 'imagefolder' has 60 test images");
    }

    @Test
    void mistakesAreNamedBeforeAnyWork() throws IOException {
        assertThatThrownBy(() -> runner().run(experiment(temp.resolve("nowhere")), temp.resolve("o1"), Device.cpu()))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("nowhere: the image folder's root does not exist");
        assertThatThrownBy(() -> experiment(images, "preprocessing: imagenet", "preprocessing: paper"))
                .hasMessageContaining("'preprocessing: paper' is fitted on training images");
        assertThatThrownBy(() -> experiment(images, "models:\n", "models:\n  - {name: mine, defense: vanilla, architectures: [mlp]}\n"))
                .hasMessageContaining("models[0] 'mine': an image folder has no training images");
        assertThatThrownBy(() -> experiment(images, "dataset: imagefolder", "dataset: mnist"))
                .hasMessageContaining("'image_folder' applies to 'dataset: imagefolder' only");
        assertThatThrownBy(() -> experiment(images, "  seed: 0 ", "  csv: list.csv\n  seed: 0 "))
                .hasMessageContaining("exactly one of 'root'").hasMessageContaining("found both");
        assertThatThrownBy(() -> experiment(images, "  seed: 0 ", "  crop: 300\n  resize: 256\n  seed: 0 "))
                .hasMessageContaining("'resize' (256) must be at least 'crop' (300)");
        Experiment noSide = experiment(images, "  - name: tiny-resnet224\n", "  - name: tiny-resnet224\n    input_shape: [3, 224, 200]\n");
        assertThatThrownBy(() -> ExperimentData.spec(noSide)).hasMessageContaining("set 'crop'");
        assertThat(ImageFolderLoader.NAME).isEqualTo("imagefolder");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.sorted().toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
