package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference side of {@code bench suite}, with a shell script standing in for the Python interpreter (it
 * answers the import check and otherwise prints its arguments, working directory and environment): why a
 * reference section does not run, and the command line, folder and environment one runs with.
 */
class ReferenceSideTest {

    @TempDir
    Path dir;

    /** A stand-in interpreter: {@code -c ...} prints {@code importLine} and exits {@code importExit}; else it echoes. */
    private Path fakePython(String importLine, int importExit) throws IOException {
        Path python = dir.resolve("python");
        Files.writeString(python, "#!/bin/sh\nif [ \"$1\" = \"-c\" ]; then echo '" + importLine + "'; exit " + importExit + "; fi\n"
                + "echo \"args: $*\"\necho \"cwd: $(pwd)\"\nenv | sort\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return python;
    }

    private ReferenceSide side(Path python) throws IOException {
        Path script = Files.writeString(dir.resolve("reference_speed.py"), "# stand-in");
        Path openblas = Files.createDirectories(dir.resolve("openblas"));
        Path autoattack = Files.createDirectories(dir.resolve("auto-attack"));
        return new ReferenceSide(python, script, openblas, autoattack, dir.resolve("no-deepdefense"), dir.resolve("mnist"));
    }

    @Test
    void anInterpreterThatImportsTorchIsAvailableAndItsVersionIsKept() throws IOException {
        String[] version = new String[1];

        assertThat(side(fakePython("1.13.0a0", 0)).unavailable(dir, version)).isNull();
        assertThat(version[0]).isEqualTo("1.13.0a0");
    }

    @Test
    void eachMissingPieceIsNamed() throws IOException {
        ReferenceSide ok = side(fakePython("1.13.0a0", 0));
        String[] version = new String[1];

        assertThat(new ReferenceSide(dir.resolve("none"), ok.script(), ok.openblas(), ok.autoattack(), ok.deepdefense(), ok.mnist())
                .unavailable(dir, version)).isEqualTo("no Python interpreter at " + dir.resolve("none") + " (--python)");
        assertThat(new ReferenceSide(ok.python(), dir.resolve("nope.py"), ok.openblas(), ok.autoattack(), ok.deepdefense(), ok.mnist())
                .unavailable(dir, version)).startsWith("no reference script at " + dir.resolve("nope.py"));
        assertThat(new ReferenceSide(ok.python(), ok.script(), dir.resolve("no-blas"), ok.autoattack(), ok.deepdefense(), ok.mnist())
                .unavailable(dir, version)).startsWith("no OpenBLAS at " + dir.resolve("no-blas"));
        assertThat(side(fakePython("ModuleNotFoundError: No module named torch", 1)).unavailable(dir, version))
                .isEqualTo(dir.resolve("python") + " cannot import torch and onnx: ModuleNotFoundError: No module named torch");
    }

    @Test
    void aModeWhoseOriginalCodeIsNotCheckedOutIsSkippedWithTheCheckoutItNeeds() throws IOException {
        ReferenceSide side = side(fakePython("1.13.0a0", 0));
        List<SuiteSection> plan = new SuitePlan(false, dir).sections();

        assertThat(side.missing(section(plan, "ensemble-reference-1t"))).isNull();
        assertThat(side.missing(section(plan, "pgd-mlp-reference-1t"))).isNull();
        assertThat(side.missing(section(plan, "step-lenet-reference-2t")))
                .isEqualTo("no checkout of ZiangYan/deepdefense.pytorch at " + dir.resolve("no-deepdefense") + " (--deepdefense; git clone it there)");
    }

    @Test
    void theLaunchersKernelSettingsAreNotPassedOnAndOpenBlasComesFirst() throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("LD_PRELOAD", "/cache/mkl_cpu_as_intel.so", "DNNL_MAX_CPU_ISA", "ALL",
                "ONEDNN_PRIMITIVE_CACHE_CAPACITY", "16", "OMP_WAIT_POLICY", "PASSIVE", "MALLOC_CONF", "dirty_decay_ms:-1"));

        side(fakePython("1.13.0a0", 0)).prepare(env);

        assertThat(env).doesNotContainKeys("LD_PRELOAD", "MALLOC_CONF", "DNNL_MAX_CPU_ISA", "ONEDNN_PRIMITIVE_CACHE_CAPACITY")
                .containsEntry("OMP_WAIT_POLICY", "PASSIVE");
        assertThat(env.get("LD_LIBRARY_PATH")).startsWith(dir.resolve("openblas").toString());
    }

    @Test
    void aReferenceSectionRunsInTheOutputFolderWithItsArgumentsDataAndThreads() throws IOException {
        ReferenceSide side = side(fakePython("1.13.0a0", 0));
        Path out = Files.createDirectories(dir.resolve("out"));
        SuiteSection pgd = section(new SuitePlan(false, out).sections(), "pgd-lenet-reference-2t");
        SuiteRunner runner = new SuiteRunner(out, null, side, null);

        SuiteRunner.Result skipped = runner.run(7, pgd, Set.of());
        SuiteRunner.Result ran = runner.run(7, pgd, Set.of("pgd-2t"));

        assertThat(skipped.status()).isEqualTo(SuiteRunner.Status.SKIPPED);
        assertThat(skipped.note()).isEqualTo("needs the networks of section pgd-2t, which did not run or failed");
        assertThat(ran.status()).isEqualTo(SuiteRunner.Status.OK);
        assertThat(ran.output()).isEqualTo(out.resolve("07-pgd-lenet-reference-2t.txt"));
        String printed = Files.readString(ran.output(), StandardCharsets.UTF_8);
        assertThat(printed).contains("args: " + dir.resolve("reference_speed.py") + " pgd --onnx "
                        + out.resolve("onnx/pgd-2t/lenet.onnx") + " --threads 2 --data " + dir.resolve("mnist") + " --autoattack ")
                .contains("cwd: " + out.toRealPath())
                .contains("\nOMP_NUM_THREADS=2\n")
                .contains("\nLD_LIBRARY_PATH=" + dir.resolve("openblas"))
                .doesNotContain("\nDNNL_MAX_CPU_ISA=");
    }

    private static SuiteSection section(List<SuiteSection> plan, String name) {
        return plan.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
