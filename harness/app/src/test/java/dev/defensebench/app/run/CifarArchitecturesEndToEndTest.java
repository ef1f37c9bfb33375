package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.CifarFormat;
import dev.defensebench.data.CifarLoader;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.report.ResultRow;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on CIFAR-10-format batch files the test writes (5 × 2 training and 4 test images): every
 * new architecture (at a tiny width) trained with vanilla, PGD-AT and Deep Defense (fine-tuned from
 * vanilla), with augmentation on (the CIFAR default) and a cosine schedule, and scored with FGSM.
 */
@Tag("slow")
class CifarArchitecturesEndToEndTest {

    private static final int PER_TRAIN_FILE = 2;
    private static final int TEST = 4;
    private static final String ARCHITECTURES = "[tiny-resnet18, tiny-preact-resnet18, tiny-wrn-10-1, tiny-nin]";

    private static final String EXPERIMENT = String.join("\n",
            "name: tiny-cifar",
            "dataset: cifar10",
            "test_size: " + TEST,
            "eval_batch_size: " + TEST,
            "device: cpu",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: " + ARCHITECTURES,
            "    params: {epochs: 1, batch_size: 10, lr: 0.05, lr_schedule: cosine, warmup_epochs: 0.5}",
            "  - name: pgd-at",
            "    defense: pgd-adversarial",
            "    architectures: " + ARCHITECTURES,
            "    params: {epochs: 1, batch_size: 10, lr: 0.05, eps: 0.03, steps: 2, step_size: 0.015}",
            "  - name: dd",
            "    defense: deep-defense",
            "    architectures: " + ARCHITECTURES,
            "    init_from: vanilla",
            "    params: {epochs: 1, batch_size: 10, max_iter: 1}",
            "attacks:",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.03]",
            "");

    @TempDir
    Path temp;

    @Test
    void everyNewArchitectureTrainsWithVanillaPgdAtAndDeepDefenseAndIsScored() throws IOException {
        Path dataDir = temp.resolve("data");
        writeBatches(dataDir.resolve(CifarFormat.CIFAR10.batchDir()), new Random(3));
        DatasetRegistry registry = DatasetRegistry.standard().with(new CifarLoader(
                CifarFormat.CIFAR10.with(CifarFormat.CIFAR10.archive(), PER_TRAIN_FILE, TEST), dir -> List.of()));
        Plugins plugins = Plugins.discover();
        Experiment experiment = new ExperimentLoader(plugins, registry.names()).parse("tiny-cifar.yaml", EXPERIMENT);
        Runner runner = new Runner(plugins, registry, dataDir, ProgressListener.SILENT);

        Runner.Summary summary = runner.run(experiment, temp.resolve("out"), Device.cpu());

        assertThat(summary.trained()).hasSize(12);
        List<ResultRow> rows = ResultsFile.read(summary.results());
        for (String entry : List.of("vanilla", "pgd-at", "dd")) {
            for (String arch : List.of("tiny-resnet18", "tiny-preact-resnet18", "tiny-wrn-10-1", "tiny-nin")) {
                String model = entry + "/" + arch + "/s0";
                List<ResultRow> mine = rows.stream().filter(r -> r.model().equals(model)).toList();
                assertThat(mine).as(model).extracting(r -> r.attack() + " " + r.norm())
                        .contains("clean none", "fgsm Linf");
                assertThat(mine).allSatisfy(r -> {
                    assertThat(r.samples()).isEqualTo(TEST);
                    assertThat(r.robustAccuracy()).isBetween(0.0, 1.0);
                });
            }
        }
    }

    /** Five training batches and a test batch of random images in CIFAR-10's binary format. */
    private static void writeBatches(Path dir, Random random) throws IOException {
        Files.createDirectories(dir);
        for (String file : CifarFormat.CIFAR10.allFiles()) {
            int records = file.equals(CifarFormat.CIFAR10.testFile()) ? TEST : PER_TRAIN_FILE;
            byte[] bytes = new byte[records * CifarFormat.CIFAR10.recordBytes()];
            random.nextBytes(bytes);
            for (int r = 0; r < records; r++) {
                bytes[r * CifarFormat.CIFAR10.recordBytes()] = (byte) random.nextInt(10);
            }
            Files.write(dir.resolve(file), bytes);
        }
    }
}
