package dev.defensebench.app.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Python side of {@code bench suite}: the interpreter with PyTorch that runs
 * {@code docs/bench/reference_speed.py}, the OpenBLAS it loads (Debian's python3-torch links the reference BLAS,
 * about 17× slower on the MLP's products, so the documented runs load OpenBLAS), the checkouts of the original
 * code, and the MNIST folder. It says why a reference section cannot run here instead of running it.
 *
 * @param python the interpreter (Debian's {@code /usr/bin/python3} with python3-torch)
 * @param script reference_speed.py
 * @param openblas the folder with OpenBLAS's libblas.so, put first on {@code LD_LIBRARY_PATH}
 * @param autoattack a checkout of fra31/auto-attack (the ensemble mode)
 * @param deepdefense a checkout of ZiangYan/deepdefense.pytorch (the deepfool and step modes)
 * @param mnist the MNIST folder defense-bench caches (the script reads the same images)
 */
record ReferenceSide(Path python, Path script, Path openblas, Path autoattack, Path deepdefense, Path mnist) {

    /**
     * Why no reference section can run, or null when the interpreter imports torch and onnx with OpenBLAS
     * loaded; on success {@code torchVersion[0]} receives the version it printed.
     *
     * @param workDir where the interpreter runs (outside the checkout: its {@code onnx/} folder would shadow the package)
     */
    String unavailable(Path workDir, String[] torchVersion) {
        if (!Files.isExecutable(python)) {
            return "no Python interpreter at " + python + " (--python)";
        }
        if (!Files.isRegularFile(script)) {
            return "no reference script at " + script + " (--reference-script; run the suite from the repository root)";
        }
        if (!Files.isDirectory(openblas)) {
            return "no OpenBLAS at " + openblas + " (--openblas; the documented runs load it: apt-get download "
                    + "libopenblas0-openmp, then dpkg -x the .deb into /tmp/openblas)";
        }
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "-c", "import torch, onnx; print(torch.__version__)")
                .directory(workDir.toFile()).redirectErrorStream(true);
        prepare(pb.environment());
        try {
            Process p = pb.start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return python + " cannot import torch and onnx: " + lastLine(said);
            }
            torchVersion[0] = lastLine(said);
            return null;
        } catch (IOException e) {
            return python + " did not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking " + python;
        }
    }

    /** Why {@code section} cannot run although the interpreter can (a checkout of the original code missing), or null. */
    String missing(SuiteSection section) {
        return switch (section.referenceMode()) {
            case "ensemble", "scale" -> Files.isDirectory(autoattack) ? null
                    : "no checkout of fra31/auto-attack at " + autoattack + " (--autoattack; git clone it there)";
            case "deepfool", "step" -> Files.isDirectory(deepdefense) ? null
                    : "no checkout of ZiangYan/deepdefense.pytorch at " + deepdefense + " (--deepdefense; git clone it there)";
            default -> null;
        };
    }

    /** The command line of a reference section. */
    List<String> command(SuiteSection section) {
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toAbsolutePath().toString()));
        command.addAll(section.args());
        command.addAll(List.of("--data", mnist.toString(), "--autoattack", autoattack.toString(), "--deepdefense",
                deepdefense.toString()));
        return command;
    }

    /**
     * The launcher's kernel settings for libtorch in the JVM (the MKL shim and the allocator preloaded, the allocator's
     * settings, the oneDNN ISA and primitive cache): not passed on, so the original code runs as the documented runs
     * ran it, from a plain shell.
     */
    static final List<String> LAUNCHER_SETTINGS = List.of("LD_PRELOAD", "MALLOC_CONF", "DNNL_MAX_CPU_ISA",
            "ONEDNN_PRIMITIVE_CACHE_CAPACITY");

    /** Prepares a reference process's environment: the launcher's settings removed, OpenBLAS first on the library path. */
    void prepare(Map<String, String> environment) {
        environment.keySet().removeAll(LAUNCHER_SETTINGS);
        environment.putAll(env());
    }

    /** OpenBLAS first on the library path. */
    Map<String, String> env() {
        String current = System.getenv("LD_LIBRARY_PATH");
        return Map.of("LD_LIBRARY_PATH", openblas + (current == null || current.isBlank() ? "" : ":" + current));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }
}
