package dev.defensebench.app.run;

import dev.defensebench.report.OutputLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.CodeIdentity;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.onnx.FixtureModels;
import dev.defensebench.onnx.OnnxExporter;
import dev.defensebench.onnx.OnnxMetadata;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.report.TimingReport;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX in and out on the tiny MNIST: a trained MLP is exported by the run ({@code export_onnx}); its
 * file imported as board entries (run by the DJL graph interpreter, and black-box with transfer attacks from the
 * original) scores the same clean accuracy; a random-weight fixture written in another layout imports and fails as
 * a chance-level model;
 * a broken file is refused with its name.
 */
class OnnxEntriesTest {

    private static final int TEST = 60;
    private static final String HEADER = String.join("\n",
            "name: tiny-onnx",
            "dataset: mnist",
            "test_size: " + TEST,
            "eval_batch_size: 30",
            "device: cpu",
            "export_onnx: true",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "    params: {epochs: 1, batch_size: 20, lr: 0.1}",
            "");
    private static final String ATTACKS = String.join("\n",
            "attacks:",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.05, 0.2]",
            "");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private TinyMnist data;
    private Runner runner;
    private Path out;

    @BeforeEach
    void setUp() throws IOException {
        data = TinyMnist.write(temp.resolve("raw"), 200, TEST, 42);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        out = temp.resolve("out");
    }

    private Experiment experiment(String text) {
        return new ExperimentLoader(plugins, data.registry().names()).parse("tiny-onnx.yaml", text);
    }

    private static List<ResultRow> rowsOf(List<ResultRow> rows, String model) {
        return rows.stream().filter(r -> r.model().equals(model)).collect(Collectors.toList());
    }

    private Path exportedFile() {
        Plan plan = Plan.of(experiment(HEADER + ATTACKS), plugins, data.identity(), 200, CodeIdentity.current(Versions.harness()));
        Cell vanilla = plan.cells().get(0);
        return out.resolve("models").resolve(vanilla.directoryName()).resolve(OutputLayout.ONNX);
    }

    @Test
    void exportedModelsImportAsBoardEntriesAndFixturesScore() throws Exception {
        // ---- 1. train and export
        runner.run(experiment(HEADER + ATTACKS), out, Device.cpu());
        Path exported = exportedFile();
        assertThat(exported).isRegularFile();
        Model decoded = OnnxCodec.decode(Files.readAllBytes(exported));
        assertThat(decoded.defaultOpset()).isEqualTo(OnnxExporter.OPSET);
        assertThat(decoded.metadata()).containsEntry(OnnxMetadata.PREPROCESSING, "unit")
                .containsEntry(OnnxMetadata.CELL, "vanilla/mlp/s0").containsEntry(OnnxMetadata.INPUT_SHAPE, "1,8,8")
                .containsEntry(OnnxMetadata.NUM_CLASSES, "10");

        // ---- 2. the same file as two entries, and a fixture in another layout
        FixtureModels.Weights weights = FixtureModels.Weights.random(64, 10, 21);
        Path fixture = temp.resolve("fixture.onnx");
        Files.write(fixture, OnnxCodec.encode(FixtureModels.mlp(weights, new long[] {1, 8, 8}, "Relu", "")));
        String withImports = HEADER + String.join("\n",
                "  - name: back",
                "    onnx: " + exported,
                "    dataset: mnist",
                "    preprocessing: unit",
                "    input_shape: [1, 8, 8]",
                "  - name: black",
                "    onnx: " + exported,
                "    white_box: false",
                "    surrogate: vanilla",
                "  - name: fixture",
                "    onnx: " + fixture,
                "    white_box: false",
                "    max_mb: 1",
                "") + ATTACKS;
        Runner.Summary summary = runner.run(experiment(withImports), out, Device.cpu());
        assertThat(summary.trained()).isEmpty();
        assertThat(summary.evaluated()).containsExactly("back/onnx", "black/onnx");
        List<ResultRow> rows = ResultsFile.read(summary.results());
        List<ResultRow> vanilla = rowsOf(rows, "vanilla/mlp/s0");
        List<ResultRow> back = rowsOf(rows, "back/onnx");
        List<ResultRow> black = rowsOf(rows, "black/onnx");
        double clean = vanilla.get(0).cleanAccuracy();
        assertThat(clean).isGreaterThan(0.5);

        // interpreted in DJL: white-box, the same clean accuracy and the same FGSM results as the original
        assertThat(back).extracting(r -> r.attack() + " " + r.epsilon() + " " + r.access()).containsExactly(
                "clean 0.0 white-box", "fgsm 0.05 white-box", "fgsm 0.2 white-box", "worst-case 0.05 white-box",
                "worst-case 0.2 white-box");
        assertThat(back).extracting(ResultRow::robustAccuracy).containsExactlyElementsOf(
                vanilla.stream().map(ResultRow::robustAccuracy).toList());
        assertThat(back.get(0).defense()).isEqualTo("imported");
        assertThat(back.get(0).architecture()).isEqualTo("onnx");

        // through ONNX Runtime: the same clean accuracy; FGSM skipped directly, run as a transfer from vanilla
        assertThat(black).extracting(r -> r.attack() + " " + r.epsilon() + " " + r.access()).containsExactly(
                "clean 0.0 black-box", "transfer-fgsm 0.05 transfer", "transfer-fgsm 0.2 transfer");
        assertThat(black.get(0).cleanAccuracy()).isEqualTo(clean);
        assertThat(black.get(1).attackParams()).contains("\"surrogate\":\"vanilla/mlp/s0\"");
        // the surrogate is the same network: its FGSM examples fool the copy as they fool the original
        for (int i = 1; i < 3; i++) {
            assertThat(black.get(i).robustAccuracy()).isCloseTo(vanilla.get(i).robustAccuracy(), within(1.0 / TEST + 1e-9));
            assertThat(black.get(i).robustAccuracy()).isLessThanOrEqualTo(black.get(0).cleanAccuracy());
        }
        JsonNode blackCard = JSON.readTree(findCard("black-onnx-").toFile());
        assertThat(blackCard.get("cellId").asText()).isEqualTo("black/onnx");
        assertThat(blackCard.at("/notes/evaluation").asText()).startsWith("black-box evaluated");
        assertThat(blackCard.at("/notes/import_path").asText()).isEqualTo("onnx-runtime");
        assertThat(blackCard.at("/notes/skipped_attacks")).extracting(JsonNode::asText).containsExactly("fgsm");
        assertThat(blackCard.at("/notes/surrogate").asText()).isEqualTo("vanilla/mlp/s0");
        JsonNode backCard = JSON.readTree(findCard("back-onnx-").toFile());
        assertThat(backCard.at("/notes/evaluation").asText()).startsWith("white-box evaluated");
        // the entry pages of imported models show their card
        try (var pages = Files.list(summary.site().getParent().resolve("entries"))) {
            for (Path page : pages.filter(p -> p.getFileName().toString().contains("onnx")).toList()) {
                assertThat(Files.readString(page)).as(page.toString()).doesNotContain("No model card").contains("import_path");
            }
        }
        assertThat(Files.readString(summary.site())).contains("black/onnx").contains("black-box evaluated");

        // the fixture (random weights): at chance, so a failed cell as a failed training is (the rules of
        // TrainingQuality); the clean accuracy its reason gives is what its weights compute, in double precision
        ImageSplit testSplit = data.registry().load("mnist", temp.resolve("data")).test().first(TEST);
        float[] x = Preprocessing.UNIT.fit(testSplit).apply(testSplit);
        int correct = 0;
        for (int i = 0; i < TEST; i++) {
            double[] z = weights.logits(Arrays.copyOfRange(x, i * 64, (i + 1) * 64));
            int best = 0;
            for (int k = 1; k < z.length; k++) {
                best = z[k] > z[best] ? k : best;
            }
            correct += best == testSplit.labels()[i] ? 1 : 0;
        }
        assertThat(rowsOf(rows, "fixture/onnx")).isEmpty();
        String fixtureAccuracy = String.format(java.util.Locale.ROOT, "clean accuracy %.1f%%", 100.0 * correct / TEST);
        assertThat(summary.failures()).singleElement().satisfies(f -> {
            assertThat(f.model()).isEqualTo("fixture/onnx");
            assertThat(f.reason()).startsWith("the imported model ").containsPattern("collapsed|not clearly above chance")
                    .contains(fixtureAccuracy);
        });

        // imported entries get their sanity checks too, as trained ones do
        List<SanityCheck> sanity = SanityCsv.read(out.resolve(OutputLayout.SANITY));
        for (String imported : List.of("back/onnx", "black/onnx")) {
            assertThat(sanity).filteredOn(c -> c.model().equals(imported)).extracting(SanityCheck::check)
                    .contains("monotone-in-eps");
        }

        // ---- 3. a rerun reuses every evaluation, sanity checks included
        Runner.Summary again = runner.run(experiment(withImports), out, Device.cpu());
        assertThat(again.evaluated()).isEmpty();
        assertThat(again.evaluationsReused()).contains("back/onnx", "black/onnx");
        assertThat(again.failures()).extracting(f -> f.model()).containsExactly("fixture/onnx");
        assertThat(ResultsFile.read(again.results())).isEqualTo(rows);
        assertThat(SanityCsv.read(out.resolve(OutputLayout.SANITY))).isEqualTo(sanity);
    }

    @Test
    void anImportedModelFineTunesWithAnyDefenseAndExportsBack() throws Exception {
        runner.run(experiment(HEADER + ATTACKS), out, Device.cpu());
        Path exported = exportedFile();
        String fineTunes = HEADER + String.join("\n",
                "  - name: native-tune",                     // the original network, fine-tuned here
                "    defense: vanilla",
                "    architectures: [mlp]",
                "    init_from: vanilla",
                "    params: {epochs: 1, batch_size: 20, lr: 0.05}",
                "  - name: back",                            // its ONNX export, imported
                "    onnx: " + exported,
                "  - name: onnx-tune",                       // the import, fine-tuned the same way
                "    defense: vanilla",
                "    init_from: back",
                "    params: {epochs: 1, batch_size: 20, lr: 0.05}",
                "  - name: onnx-pgd",
                "    defense: pgd-adversarial",
                "    init_from: back",
                "    params: {epochs: 1, batch_size: 20, lr: 0.05, eps: 0.1, steps: 3, step_size: 0.05}",
                "") + ATTACKS + String.join("\n",
                "timing: {preset: quick, warmup_iterations: 1, warmup_seconds: 0.05, iterations: 1, iteration_seconds: 0.05,",
                "         throughput_batch: 8, attack_batch: 4}",
                "");
        Runner.Summary summary = runner.run(experiment(fineTunes), out, Device.cpu());
        assertThat(summary.trained()).containsExactly("native-tune/mlp/s0", "onnx-tune/onnx/s0", "onnx-pgd/onnx/s0");
        assertThat(summary.failures()).isEmpty();
        List<ResultRow> rows = ResultsFile.read(summary.results());

        // the imported copy trains exactly as the original does: same start, same data order, same updates
        List<ResultRow> nativeTune = rowsOf(rows, "native-tune/mlp/s0");
        List<ResultRow> onnxTune = rowsOf(rows, "onnx-tune/onnx/s0");
        assertThat(onnxTune).extracting(r -> r.defense() + " " + r.architecture() + " " + r.access())
                .containsOnly("vanilla onnx white-box");
        for (int i = 0; i < nativeTune.size(); i++) {
            assertThat(onnxTune.get(i).robustAccuracy()).as(nativeTune.get(i).attack() + " " + nativeTune.get(i).epsilon())
                    .isCloseTo(nativeTune.get(i).robustAccuracy(), within(1.0 / TEST + 1e-9));
        }
        JsonNode card = JSON.readTree(findCard("onnx-pgd-onnx-").toFile());
        assertThat(card.at("/initFrom/cell").asText()).isEqualTo("back/onnx");
        assertThat(card.get("defense").asText()).isEqualTo("pgd-adversarial");

        // exported back: the same graph with trained weights, checked against ONNX Runtime before it was written
        Model original = OnnxCodec.decode(Files.readAllBytes(exported));
        Path tuned = findCard("onnx-pgd-onnx-").resolveSibling(OutputLayout.ONNX);
        Model back = OnnxCodec.decode(Files.readAllBytes(tuned));
        assertThat(back.graph().nodes()).extracting(Node::opType)
                .containsExactlyElementsOf(original.graph().nodes().stream().map(Node::opType).toList());
        assertThat(back.metadata()).containsEntry(OnnxMetadata.DEFENSE, "pgd-adversarial")
                .containsEntry(OnnxMetadata.CELL, "onnx-pgd/onnx/s0");
        List<Tensor> weights = original.graph().initializers().stream().filter(t -> t.floats() != null).toList();
        assertThat(weights).isNotEmpty().allSatisfy(before -> assertThat(back.graph().initializer(before.name()).floats())
                .as("trained %s", before.name()).isNotEqualTo(before.floats()));

        // 'export' finds the file the fine-tune started from through the cards, and refuses a changed file
        Path pgdDir = tuned.getParent();
        StoredModel pgd = StoredModel.read(pgdDir);
        Shape sample = new Shape(1, 8, 8);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = ImportedOrigin.architecture(pgdDir, pgd.card(), sample, 10).build(sample, 10);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sample));
            ModelFiles.loadParameters(block, manager, pgd.params());
        }
        Path copy = temp.resolve("copy.onnx");
        Files.copy(exported, copy);
        Files.write(exported, OnnxCodec.encode(FixtureModels.mlp(FixtureModels.Weights.random(64, 10, 3), new long[] {1, 8, 8},
                "Relu", "")));
        assertThatThrownBy(() -> ImportedOrigin.architecture(pgdDir, pgd.card(), sample, 10))
                .hasMessageContaining("onnx-pgd/onnx/s0 was fine-tuned from a file with");
        Files.copy(copy, exported, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // the imported graph is timed like an architecture, with its own weights and with the fine-tuned ones
        assertThat(TimingReport.read(out.resolve(OutputLayout.TIMING)).measurements()).extracting(TimingMeasurement::model)
                .contains("back/onnx", "onnx-tune/onnx/s0", "onnx-pgd/onnx/s0", "native-tune/mlp/s0");

        // a rerun trains nothing
        Runner.Summary again = runner.run(experiment(fineTunes), out, Device.cpu());
        assertThat(again.trained()).isEmpty();
        assertThat(again.evaluated()).isEmpty();
    }

    @Test
    void aBrokenOrMismatchedFileStopsTheRunWithItsName() throws Exception {
        Path truncated = temp.resolve("truncated.onnx");
        FixtureModels.Weights weights = FixtureModels.Weights.random(64, 10, 21);
        byte[] bytes = OnnxCodec.encode(FixtureModels.mlp(weights, new long[] {1, 8, 8}, "Relu", ""));
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 3));
        String text = HEADER.replace("export_onnx: true\n", "") + "  - name: broken\n    onnx: " + truncated + "\n" + ATTACKS;
        assertThatThrownBy(() -> runner.run(experiment(text), out, Device.cpu())).isInstanceOf(ExperimentException.class)
                .hasMessageContaining("models 'broken'").hasMessageContaining(truncated.toString())
                .hasMessageContaining("not a valid ONNX model");
        assertThat(out.resolve("models")).as("checked before any training").doesNotExist();
        Path wrongClasses = temp.resolve("five.onnx");
        Files.write(wrongClasses, OnnxCodec.encode(FixtureModels.mlp(FixtureModels.Weights.random(64, 5, 1),
                new long[] {1, 8, 8}, "Relu", "")));
        String five = HEADER.replace("export_onnx: true\n", "") + "  - name: five\n    onnx: " + wrongClasses + "\n" + ATTACKS;
        assertThatThrownBy(() -> runner.run(experiment(five), out, Device.cpu())).isInstanceOf(ExperimentException.class)
                .hasMessageContaining("the data set has 10 classes");
        Path unknown = temp.resolve("unknown.onnx"); // passes the interpreter's checks; ONNX Runtime refuses it
        Files.write(unknown, OnnxCodec.encode(FixtureModels.mlp(weights, new long[] {1, 8, 8}, "NoSuchOperator", "")));
        String odd = HEADER.replace("export_onnx: true\n", "") + "  - name: odd\n    onnx: " + unknown + "\n" + ATTACKS;
        assertThatThrownBy(() -> runner.run(experiment(odd), out, Device.cpu())).isInstanceOf(ExperimentException.class)
                .hasMessageContaining("models 'odd'").hasMessageContaining(unknown.toString())
                .hasMessageContaining("ONNX Runtime refused the model");
        assertThat(out.resolve("models")).as("refused by ONNX Runtime before any training").doesNotExist();
        String shape = HEADER.replace("export_onnx: true\n", "") + "  - name: s\n    onnx: " + wrongClasses
                + "\n    input_shape: [1, 28, 28]\n" + ATTACKS;
        assertThatThrownBy(() -> runner.run(experiment(shape), out, Device.cpu()))
                .hasMessageContaining("'input_shape' [1, 28, 28] does not match the images of dataset 'mnist', 1,8,8");
    }

    @Test
    void onnxEntryKeysAreValidated() {
        String base = HEADER.replace("export_onnx: true\n", "");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    defense: vanilla\n" + ATTACKS))
                .hasMessageContaining("an 'onnx' entry is not trained here");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    surrogate: nobody\n" + ATTACKS))
                .hasMessageContaining("'surrogate' must name a trained entry; trained entries: [vanilla]");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    preprocessing: paper\n" + ATTACKS))
                .hasMessageContaining("'preprocessing' is 'paper' but the experiment preprocesses 'unit'");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    max_mb: 0\n" + ATTACKS))
                .hasMessageContaining("'max_mb' must be > 0");
        assertThatThrownBy(() -> experiment(base + "  - name: y\n    defense: vanilla\n    architectures: [mlp]\n    white_box: false\n" + ATTACKS))
                .hasMessageContaining("apply only to an 'onnx' entry");
        assertThatThrownBy(() -> experiment(base + "  - name: y\n    defense: vanilla\n    architectures: [mlp]\n    output: logits\n" + ATTACKS))
                .hasMessageContaining("'output' apply only to an 'onnx' entry");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    output: ' '\n" + ATTACKS))
                .hasMessageContaining("models[1]").hasMessageContaining("'output' must name one of the graph's outputs");
        assertThat(experiment(base + "  - name: x\n    onnx: m.onnx\n    output: logits\n" + ATTACKS).models().get(1).output())
                .isEqualTo("logits");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n  - name: z\n    defense: vanilla\n"
                + "    architectures: [mlp]\n    init_from: x\n" + ATTACKS))
                .hasMessageContaining("it fine-tunes the imported model 'x', whose graph is its architecture; remove 'architectures'");
        assertThatThrownBy(() -> experiment(base + "  - name: x\n    onnx: m.onnx\n    white_box: false\n  - name: z\n"
                + "    defense: vanilla\n    init_from: x\n" + ATTACKS))
                .hasMessageContaining("'init_from' names the ONNX entry 'x', which has 'white_box: false'");
    }

    private Path findCard(String prefix) throws IOException {
        try (var s = Files.list(out.resolve("models"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow().resolve("card.json");
        }
    }
}
