package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.run.Versions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line through {@link Main#execute}, with standard output and error captured. */
class CliTest {

    /** A valid experiment file (also used by {@link OutputSafetyTest}). */
    static final String VALID = String.join("\n",
            "name: cli",
            "dataset: mnist",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
            "");

    @Test
    void listNamesEveryRegisteredPlugin() {
        CliRun r = CliRun.of("list");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Defenses:").contains("Attacks:").contains("Architectures:").contains("Data sets:")
                .contains("vanilla").contains("deep-defense")
                .contains("deepfool").contains("fgsm")
                .contains("mlp").contains("lenet")
                .contains("resnet18").contains("preact-resnet18").contains("wrn-28-10").contains("wrn-16-4")
                .contains("  nin ")
                .contains("mnist").contains("cifar10").contains("cifar100").contains("imagefolder (your PNG/JPEG images")
                .contains("lr_schedule").contains("lr_milestones").contains("augmentation");
        // parameters are listed with their defaults
        assertThat(r.out()).contains("epochs").contains("lambda").contains("max_iter");
        // the sections come in order, each plugin under its own heading
        String out = r.out();
        assertThat(out.indexOf("deep-defense")).isBetween(out.indexOf("Defenses:"), out.indexOf("Attacks:"));
        assertThat(out.indexOf("deepfool")).isBetween(out.indexOf("Attacks:"), out.indexOf("Architectures:"));
        assertThat(out.indexOf("randomized-smoothing [L2]")).isBetween(out.indexOf("Certifiers:"), out.indexOf("Architectures:"));
        assertThat(out.indexOf("lenet")).isBetween(out.indexOf("Architectures:"), out.indexOf("Data sets:"));
        assertThat(out.substring(out.indexOf("Engines (run --engine):"))).contains("plain").contains("spark")
                .contains("not on this class path");
        assertThat(out.indexOf("mnist", out.indexOf("Data sets:"))).isPositive();
    }

    @Test
    void runWithAMissingFileNamesIt(@TempDir Path dir) {
        CliRun relative = CliRun.of("run", "missing.yaml");
        assertThat(relative.code()).isEqualTo(2);
        assertThat(relative.err()).contains("missing.yaml").contains("no such experiment file");

        Path missing = dir.resolve("nowhere").resolve("exp.yaml");
        CliRun absolute = CliRun.of("run", missing.toString());
        assertThat(absolute.code()).isEqualTo(2);
        assertThat(absolute.err()).contains(missing.toString()).doesNotContain("\tat ");
    }

    @Test
    void runWithAnUnknownKeyNamesKeyAndLine(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), VALID.replace("dataset: mnist\n", "dataset: mnist\ncolour: red\n"));
        CliRun r = CliRun.of("run", bad.toString(), "--out", dir.resolve("out").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'colour'").contains(bad + ":3:").contains("allowed")
                .doesNotContain("\tat "); // a clear message, no stack trace
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void runWithAnInvalidValueIsAUsageError(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), VALID.replace("attack: fgsm", "attack: nope"));
        CliRun r = CliRun.of("run", bad.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown attack 'nope'").contains("fgsm");
    }

    @Test
    void runWithAnUnknownDeviceIsAUsageError(@TempDir Path dir) throws Exception {
        Path exp = Files.writeString(dir.resolve("exp.yaml"), VALID);
        CliRun r = CliRun.of("run", exp.toString(), "--device", "tpu", "--out", dir.resolve("out").toString(),
                "--data-dir", dir.resolve("data").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'tpu'").contains("cpu");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anEngineThatIsNotOnTheClassPathAndAStrayOptionAreUsageErrors(@TempDir Path dir) throws Exception {
        Path exp = Files.writeString(dir.resolve("exp.yaml"), VALID);
        CliRun spark = CliRun.of("run", exp.toString(), "--engine", "spark", "--out", dir.resolve("out").toString());
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("unknown engine 'spark'").contains("available: plain").contains("README");

        CliRun shared = CliRun.of("run", exp.toString(), "--shared", "hdfs://nn/runs", "--out", dir.resolve("out").toString(),
                "--data-dir", dir.resolve("data").toString());
        assertThat(shared.code()).isEqualTo(2);
        assertThat(shared.err()).contains("--shared hdfs://nn/runs").contains("--engine spark");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void helpAndVersionSucceed() {
        CliRun help = CliRun.of("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("defense-bench").contains("run").contains("list").contains("bench");

        CliRun runHelp = CliRun.of("run", "--help");
        assertThat(runHelp.code()).isZero();
        assertThat(runHelp.out()).contains("EXPERIMENT.yaml").contains("--out").contains("--device").contains("--data-dir");

        CliRun version = CliRun.of("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).contains("defense-bench " + Versions.harness());
        assertThat(Versions.harness()).isNotBlank().isNotEqualTo("unknown");
    }

    @Test
    void badUsageIsExitCode2() {
        assertThat(CliRun.of("frobnicate").code()).isEqualTo(2);
        CliRun noFile = CliRun.of("run");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("EXPERIMENT.yaml");
        assertThat(CliRun.of("list", "--bogus").code()).isEqualTo(2);
    }

    @Test
    void benchPrintsTrainingThroughputForAnArchitectureWithBatchNorm() {
        // tiny-resnet18 (test resources) is the ResNet-18 code at width 4: --throughput is its default
        CliRun r = CliRun.of("bench", "--arch", "tiny-resnet18", "--batch", "2", "--throughput-steps", "1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Training throughput: tiny-resnet18, batch 2").contains("device cpu()")
                .containsPattern("plain step +[0-9.e+]+ images/s").containsPattern("PGD-AT step +[0-9.e+]+ images/s");
    }
}
