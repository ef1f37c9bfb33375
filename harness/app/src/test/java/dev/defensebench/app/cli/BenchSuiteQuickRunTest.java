package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.defensebench.data.DatasetRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench suite --quick} end to end on real MNIST (the data directory's cached copy; the test never fetches):
 * every defense-bench section runs to exit 0 in its child JVM and prints the figures its table reads, and the
 * reference side, pointed at no interpreter, is skipped with the reason. Timings are never asserted.
 */
@Tag("slow")
class BenchSuiteQuickRunTest {

    /** A line each section's output must contain: the header of the figures its table reads. */
    private static final Map<String, String> PRINTS = Map.ofEntries(
            Map.entry("thread-policy-quiet", "Deep Defense step benchmark: mlp"),
            Map.entry("thread-policy-busy-defaults", "Deep Defense step benchmark: mlp"),
            Map.entry("thread-policy-busy-launcher", "Deep Defense step benchmark: mlp"),
            Map.entry("step-mlp", "Deep Defense step benchmark: mlp"),
            Map.entry("step-lenet", "Deep Defense step benchmark: lenet"),
            Map.entry("ensemble-1t", "after square"),
            Map.entry("deepfool-1t", "deepfool"),
            Map.entry("pgd-1t", "pgd"),
            Map.entry("step-mlp-1t", "Deep Defense step benchmark: mlp"),
            Map.entry("step-lenet-1t", "Deep Defense step benchmark: lenet"),
            Map.entry("autoattack-linf", "after fab-t"),
            Map.entry("autoattack-l2", "after fab-t"),
            Map.entry("certify", "randomized-smoothing"),
            Map.entry("onnx-interpreter-mlp", "interpreter"),
            Map.entry("onnx-interpreter-lenet", "interpreter"),
            Map.entry("throughput-resnet18", "PGD-AT step"),
            Map.entry("scale", "Deep Defense step, last step's loss terms"));

    @Test
    void everyBenchSectionRunsAndTheReferenceSideSaysWhyItDidNot(@TempDir Path dir) throws IOException {
        Path mnist = DatasetRegistry.defaultDataDir(null).resolve("mnist");
        assumeTrue(Files.isDirectory(mnist), "MNIST is not cached at " + mnist + " (the test does not download it)");
        Path out = dir.resolve("suite");

        CliRun r = CliRun.of("bench", "suite", "--quick", "--out", out.toString(), "--python", dir.resolve("none").toString());

        assertThat(r.code()).as(r.err()).isZero();
        List<String> rows = r.out().lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        List<SuiteSection> plan = new SuitePlan(true, out).sections();
        assertThat(rows).hasSize(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            SuiteSection s = plan.get(i);
            String row = rows.get(i);
            assertThat(row).startsWith("| " + (i + 1) + " | " + s.name() + " |");
            if (s.skip() != null) {
                assertThat(row).contains("| skipped: " + s.skip() + " |");
            } else if (s.reference()) {
                assertThat(row).contains("| skipped: no Python interpreter at " + dir.resolve("none") + " (--python) |");
            } else {
                Path output = out.resolve(String.format("%02d-%s.txt", i + 1, s.name()));
                String ran = switch (s.busy()) {
                    case NO -> "| ran |";
                    case LOOPS -> "| ran beside 2 busy loops |";
                    case LOOPS_WITH_POLICY -> "| ran beside 2 busy loops, the launcher's policy (";
                };
                assertThat(row).as(s.name()).contains(ran).endsWith("| " + output.getFileName() + " |");
                assertThat(Files.readString(output, StandardCharsets.UTF_8)).as(s.name()).contains(PRINTS.get(s.name()));
            }
        }
        assertThat(out.resolve("onnx/autoattack-l2/robust-mlp.onnx")).isNotEmptyFile();
        assertThat(out.resolve("onnx/scale/wrn-16-4-inputs.f32")).isNotEmptyFile();
    }
}
