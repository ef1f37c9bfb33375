package dev.defensebench.app.run;

import dev.defensebench.report.OutputLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.TimingConfig;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.GalleryFile;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.report.TimingReport;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with a {@code timing:} section on the tiny fake MNIST: JMH measures every entry, the site shows
 * the timings, the gallery and an entry page per model; a second run reuses the timings.
 */
class TimingAndSiteTest {

    private static final String EXPERIMENT = String.join("\n",
            "name: timed",
            "dataset: mnist",
            "test_size: 40",
            "eval_batch_size: 20",
            "device: cpu",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "    params: {epochs: 1, batch_size: 20, lr: 0.1}",
            "attacks:",
            "  - attack: deepfool",
            "    norm: L2",
            "    epsilons: [0.5, 1.0]",
            "    params: {max_iter: 3}",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.1]",
            "timing:",
            "  preset: fast",
            "  warmup_iterations: 1",
            "  warmup_seconds: 0.2",
            "  iterations: 2",
            "  iteration_seconds: 0.2",
            "  throughput_batch: 32",
            "  attack_batch: 4",
            "");

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();

    @Test
    void timesEveryEntryWithJmhAndRendersTheSite() throws IOException {
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 100, 40, 7);
        Runner runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        Experiment experiment = new ExperimentLoader(plugins, data.registry().names()).parse("timed.yaml", EXPERIMENT);
        Path out = temp.resolve("out");
        runner.run(experiment, out, Device.cpu());

        TimingReport timing = TimingReport.read(out.resolve(OutputLayout.TIMING));
        assertThat(timing).isNotNull();
        assertThat(timing.machine().cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(timing.machine().cpu()).isNotBlank();
        assertThat(timing.machine().jdk()).contains(System.getProperty("java.version"));
        assertThat(timing.settings()).containsEntry("preset", "fast").containsEntry("timed attacks", "deepfool");
        assertThat(timing.measurements()).extracting(TimingMeasurement::benchmark)
                .containsExactly(TimingMeasurement.LATENCY, TimingMeasurement.THROUGHPUT, "attack:deepfool");
        for (TimingMeasurement m : timing.measurements()) {
            assertThat(m.model()).isEqualTo("vanilla/mlp/s0");
            assertThat(m.score()).as(m.benchmark()).isPositive().isFinite();
            assertThat(m.iterations()).isEqualTo(2);
        }
        assertThat(timing.measurements().get(1).batchSize()).isEqualTo(32);
        assertThat(timing.measurements().get(2).batchSize()).isEqualTo(4);

        List<GalleryExample> gallery = GalleryFile.read(out.resolve(OutputLayout.GALLERY));
        assertThat(gallery).extracting(GalleryExample::attack).containsOnly("deepfool", "fgsm");
        assertThat(gallery).allSatisfy(g -> {
            assertThat(g.label()).isEqualTo(g.cleanPrediction()); // only correctly classified points are shown
            for (float v : g.clean()) {
                assertThat(v).isBetween(0f, 1f);
            }
        });

        String index = Files.readString(out.resolve("site/index.html"));
        assertThat(index).contains("ms/image", "images/s", "DeepFool cost", timing.machine().cpu());
        Path page = out.resolve("site/entries/vanilla-mlp-s0.html");
        assertThat(Files.readString(page)).contains("<svg", "data:image/png;base64,", "inference latency",
                "Training time per epoch", "defense-bench run entry.yaml");

        // a second run reuses the measurements (same cell, settings and hardware)
        Path[] cached;
        try (Stream<Path> files = Files.list(out.resolve("timing"))) {
            Path cellDir = files.findFirst().orElseThrow();
            try (Stream<Path> m = Files.list(cellDir)) {
                cached = m.filter(p -> p.getFileName().toString().startsWith("measurements-")
                        && p.getFileName().toString().endsWith(".json")).toArray(Path[]::new);
            }
        }
        assertThat(cached).hasSize(1);
        runner.run(experiment, out, Device.cpu());
        assertThat(TimingReport.read(out.resolve(OutputLayout.TIMING)).measurements())
                .isEqualTo(timing.measurements());

        // an edited timing file no longer matches its digest: the entry is timed again and the file rewritten
        String stored = Files.readString(cached[0]);
        Files.writeString(cached[0], stored.replaceFirst("\"score\" *: *[0-9]", "\"score\":7"));
        assertThat(Files.readString(cached[0])).isNotEqualTo(stored);
        assertThatThrownBy(() -> dev.defensebench.files.DigestedFile.read(cached[0]))
                .isInstanceOf(dev.defensebench.files.DigestedFile.MismatchException.class);
        runner.run(experiment, out, Device.cpu());
        assertThat(dev.defensebench.files.DigestedFile.read(cached[0])).isNotNull(); // timed again: matches once more
    }

    @Test
    void timingOffWritesNoTimingFileAndBadSettingsAreNamed() throws IOException {
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 100, 40, 7);
        ExperimentLoader loader = new ExperimentLoader(plugins, data.registry().names());
        String off = EXPERIMENT.substring(0, EXPERIMENT.indexOf("timing:")) + "timing: {preset: off}\n";
        Experiment experiment = loader.parse("off.yaml", off);
        assertThat(experiment.timing().enabled()).isFalse();
        Path out = temp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve(OutputLayout.TIMING), "stale");
        new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT).run(experiment, out, Device.cpu());
        assertThat(out.resolve(OutputLayout.TIMING)).doesNotExist();
        assertThat(Files.readString(out.resolve("site/index.html"))).contains("not timed");

        // no timing section at all: off
        String none = EXPERIMENT.substring(0, EXPERIMENT.indexOf("timing:"));
        assertThat(loader.parse("none.yaml", none).timing().enabled()).isFalse();
        // the quick start's preset: in-process, 1 + 2 iterations of 0.25 s; explicit keys still win
        TimingConfig quick = loader.parse("quick.yaml", none + "timing: {preset: quick, iterations: 4}\n").timing();
        assertThat(List.of(quick.forks(), quick.warmupIterations(), quick.iterations())).containsExactly(0, 1, 4);
        assertThat(List.of(quick.warmupSeconds(), quick.iterationSeconds())).containsExactly(0.25, 0.25);
        assertThatThrownBy(() -> loader.parse("bad.yaml", none + "timing: {preset: slow}\n"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("bad.yaml")
                .hasMessageContaining("'preset' must be one of [off, quick, fast, full], found 'slow'");
        assertThatThrownBy(() -> loader.parse("bad.yaml", none + "timing: {attacks: [pgd]}\n"))
                .isInstanceOf(ExperimentException.class)
                .hasMessageContaining("timing: 'attacks' names 'pgd', which is not in 'attacks'");
        assertThatThrownBy(() -> loader.parse("bad.yaml", none + "timing: {iterations: 0}\n"))
                .isInstanceOf(ExperimentException.class).hasMessageContaining("'iterations' must be > 0, found 0");
    }
}
