package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.run.Versions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line through {@link Main#execute}, with standard output and error captured. */
class CliTest {

    private record Result(int code, String out, String err) {}

    private static Result execute(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.execute(args);
            o.flush();
            e.flush();
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static final String VALID = String.join("\n",
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
        Result r = execute("list");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("Defenses:").contains("Attacks:").contains("Architectures:").contains("Data sets:")
                .contains("vanilla").contains("deep-defense")
                .contains("deepfool").contains("fgsm")
                .contains("mlp").contains("lenet")
                .contains("mnist").contains("cifar10");
        // parameters are listed with their defaults
        assertThat(r.out()).contains("epochs").contains("lambda").contains("max_iter");
        // the sections come in order, each plugin under its own heading
        String out = r.out();
        assertThat(out.indexOf("deep-defense")).isBetween(out.indexOf("Defenses:"), out.indexOf("Attacks:"));
        assertThat(out.indexOf("deepfool")).isBetween(out.indexOf("Attacks:"), out.indexOf("Architectures:"));
        assertThat(out.indexOf("lenet")).isBetween(out.indexOf("Architectures:"), out.indexOf("Data sets:"));
        assertThat(out.substring(out.indexOf("Engines (run --engine):"))).contains("plain").contains("spark")
                .contains("not on this class path");
        assertThat(out.indexOf("mnist", out.indexOf("Data sets:"))).isPositive();
    }

    @Test
    void runWithAMissingFileNamesIt(@TempDir Path dir) {
        Result relative = execute("run", "missing.yaml");
        assertThat(relative.code()).isEqualTo(2);
        assertThat(relative.err()).contains("missing.yaml").contains("no such experiment file");

        Path missing = dir.resolve("nowhere").resolve("exp.yaml");
        Result absolute = execute("run", missing.toString());
        assertThat(absolute.code()).isEqualTo(2);
        assertThat(absolute.err()).contains(missing.toString()).doesNotContain("\tat ");
    }

    @Test
    void runWithAnUnknownKeyNamesKeyAndLine(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), VALID.replace("dataset: mnist\n", "dataset: mnist\ncolour: red\n"));
        Result r = execute("run", bad.toString(), "--out", dir.resolve("out").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'colour'").contains(bad + ":3:").contains("allowed")
                .doesNotContain("\tat "); // a clear message, no stack trace
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void runWithAnInvalidValueIsAUsageError(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), VALID.replace("attack: fgsm", "attack: nope"));
        Result r = execute("run", bad.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown attack 'nope'").contains("fgsm");
    }

    @Test
    void runWithAnUnknownDeviceIsAUsageError(@TempDir Path dir) throws Exception {
        Path exp = Files.writeString(dir.resolve("exp.yaml"), VALID);
        Result r = execute("run", exp.toString(), "--device", "tpu", "--out", dir.resolve("out").toString(),
                "--data-dir", dir.resolve("data").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("'tpu'").contains("cpu");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anEngineThatIsNotOnTheClassPathAndAStrayOptionAreUsageErrors(@TempDir Path dir) throws Exception {
        Path exp = Files.writeString(dir.resolve("exp.yaml"), VALID);
        Result spark = execute("run", exp.toString(), "--engine", "spark", "--out", dir.resolve("out").toString());
        assertThat(spark.code()).isEqualTo(2);
        assertThat(spark.err()).contains("unknown engine 'spark'").contains("available: plain").contains("README");

        Result shared = execute("run", exp.toString(), "--shared", "hdfs://nn/runs", "--out", dir.resolve("out").toString(),
                "--data-dir", dir.resolve("data").toString());
        assertThat(shared.code()).isEqualTo(2);
        assertThat(shared.err()).contains("--shared hdfs://nn/runs").contains("--engine spark");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void helpAndVersionSucceed() {
        Result help = execute("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("defense-bench").contains("run").contains("list").contains("bench");

        Result runHelp = execute("run", "--help");
        assertThat(runHelp.code()).isZero();
        assertThat(runHelp.out()).contains("EXPERIMENT.yaml").contains("--out").contains("--device").contains("--data-dir");

        Result version = execute("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).contains("defense-bench " + Versions.harness());
        assertThat(Versions.harness()).isNotBlank().isNotEqualTo("unknown");
    }

    @Test
    void badUsageIsExitCode2() {
        assertThat(execute("frobnicate").code()).isEqualTo(2);
        Result noFile = execute("run");
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("EXPERIMENT.yaml");
        assertThat(execute("list", "--bogus").code()).isEqualTo(2);
    }
}
