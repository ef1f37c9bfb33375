package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.CodeIdentity;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.onnx.FixtureModels;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interval bound propagation on imported ONNX models end to end: a trained MLP exported by the run and imported
 * back (run by the graph interpreter) gets certified rows equal to those of the network it was exported from
 * (bounded layer by layer as DJL blocks), and IBP training fine-tunes it through the graph's own bounds; an imported
 * graph with an operator IBP has no rule for stops the run
 * before anything is trained, naming the entry, the certifier, the operator and its node.
 */
class ImportedCertificationTest {

    private static final int TEST = 60;
    private static final String HEADER = String.join("\n",
            "name: tiny-ibp-onnx",
            "dataset: mnist",
            "test_size: " + TEST,
            "eval_batch_size: 30",
            "device: cpu",
            "export_onnx: true",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp], params: {epochs: 1, batch_size: 20, lr: 0.1}}",
            "");
    private static final String TAIL = String.join("\n",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.002, 0.01]}",
            "certifiers:",
            "  - {certifier: ibp, epsilons: [0.002, 0.01, 0.05]}",
            "");

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private TinyMnist data;
    private Runner runner;

    @BeforeEach
    void setUp() throws IOException {
        data = TinyMnist.write(temp.resolve("raw"), 200, TEST, 42);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
    }

    private Experiment experiment(String text) {
        return new ExperimentLoader(plugins, data.registry().names()).parse("tiny-ibp-onnx.yaml", text);
    }

    @Test
    void anImportedGraphIsCertifiedAsTheNetworkItWasExportedFrom() throws IOException {
        Path out = temp.resolve("out");
        runner.run(experiment(HEADER + TAIL), out, Device.cpu());
        Plan plan = Plan.of(experiment(HEADER + TAIL), plugins, data.identity(), 200, CodeIdentity.current(Versions.harness()));
        Cell vanilla = plan.cells().get(0);
        Path exported = out.resolve("models").resolve(vanilla.directoryName()).resolve(OutputLayout.ONNX);

        String imported = HEADER + "  - {name: back, onnx: " + exported + "}\n" + TAIL;
        Runner.Summary summary = runner.run(experiment(imported), out, Device.cpu());
        List<Map<String, String>> rows = ResultsFile.records(summary.results()).stream()
                .filter(r -> r.get("attack_traits").equals("certified")).toList();
        List<Map<String, String>> original = rows.stream().filter(r -> r.get("model").equals("vanilla/mlp/s0")).toList();
        List<Map<String, String>> back = rows.stream().filter(r -> r.get("model").startsWith("back")).toList();
        assertThat(back).extracting(r -> r.get("attack") + " " + r.get("epsilon")).containsExactly("ibp 0.002", "ibp 0.01", "ibp 0.05");
        assertThat(back).extracting(r -> r.get("robust_accuracy"))
                .isEqualTo(original.stream().map(r -> r.get("robust_accuracy")).toList());
        assertThat(Double.parseDouble(back.get(0).get("robust_accuracy"))).isPositive();
        assertThat(Double.parseDouble(back.get(2).get("robust_accuracy")))
                .isLessThan(Double.parseDouble(back.get(0).get("robust_accuracy")));

        // the imported graph fine-tuned by IBP training: its worst-case logits come through the graph's own bounds,
        // beside the original network IBP-trained by the same settings
        String tuned = HEADER + "  - {name: back, onnx: " + exported + "}\n"
                + "  - {name: tuned, defense: ibp, init_from: back, params: {epochs: 1, batch_size: 20, lr: 0.01, eps: 0.05}}\n"
                + "  - {name: native, defense: ibp, init_from: vanilla, architectures: [mlp], params: {epochs: 1, batch_size: 20, lr: 0.01, eps: 0.05}}\n"
                + TAIL;
        Runner.Summary fineTuned = runner.run(experiment(tuned), out, Device.cpu());
        assertThat(fineTuned.trained()).containsExactlyInAnyOrder("tuned/onnx/s0", "native/mlp/s0");
        // ... and trains as the network it was exported from, IBP-trained from the same weights: the same scores
        List<Map<String, String>> all = ResultsFile.records(fineTuned.results());
        List<String> viaGraph = all.stream().filter(r -> r.get("model").equals("tuned/onnx/s0"))
                .map(r -> r.get("attack") + " " + r.get("epsilon") + " " + r.get("robust_accuracy")).toList();
        List<String> viaBlocks = all.stream().filter(r -> r.get("model").equals("native/mlp/s0"))
                .map(r -> r.get("attack") + " " + r.get("epsilon") + " " + r.get("robust_accuracy")).toList();
        assertThat(viaBlocks).hasSize(8); // clean, FGSM and the worst case at 2 ε, IBP at 3
        assertThat(viaGraph).isEqualTo(viaBlocks);
        assertThat(all).filteredOn(r -> r.get("model").equals("tuned/onnx/s0") && r.get("attack").equals("ibp"))
                .extracting(r -> r.get("epsilon")).containsExactly("0.002", "0.01", "0.05");
    }

    @Test
    void anOperatorWithoutAnIntervalRuleStopsTheRunBeforeAnyTraining() throws IOException {
        Path file = temp.resolve("softmax.onnx");
        Files.write(file, OnnxCodec.encode(FixtureModels.mlp(FixtureModels.Weights.random(64, 10, 5), new long[] {1, 8, 8},
                "Softmax", "")));
        Path out = temp.resolve("refused");
        String text = HEADER + "  - {name: soft, onnx: " + file + "}\n" + TAIL;
        assertThatThrownBy(() -> runner.run(experiment(text), out, Device.cpu())).isInstanceOf(ExperimentException.class)
                .hasMessageContaining("models 'soft': certifier 'ibp': not certifiable: operator Softmax (node 'act' (Softmax))");
        assertThat(out.resolve("models")).doesNotExist();
    }
}
