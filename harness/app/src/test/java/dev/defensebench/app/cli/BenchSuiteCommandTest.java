package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench suite}: usage errors before any work, and the summary's structure (date, CPU, load at start and
 * end, commit, settings, reference side, one row per section saying that it ran, failed or was skipped and why).
 * The sections here fail at once on a data directory that is a file, so no figure is produced or asserted.
 */
class BenchSuiteCommandTest {

    private static final int SECTIONS = new SuitePlan(true, Path.of("/tmp")).sections().size();

    @Test
    void anUnknownSectionIsAUsageErrorNamingTheSections(@TempDir Path dir) {
        Path out = dir.resolve("suite");

        CliRun r = CliRun.of("bench", "suite", "--quick", "--out", out.toString(), "--only", "step-mlp,no-such");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--only: unknown section 'no-such'").contains("thread-policy-quiet, thread-policy-busy-defaults, thread-policy-busy-launcher, step-mlp, step-lenet");
        assertThat(out).doesNotExist();
    }

    @Test
    void aFolderWithFilesIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("summary.md"), "an older suite");

        CliRun r = CliRun.of("bench", "suite", "--quick", "--out", dir.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is not empty");
        assertThat(Files.readString(dir.resolve("summary.md"))).isEqualTo("an older suite");
    }

    @Test
    void theSummarySaysWhenWhereWhichCodeAndWhatBecameOfEverySection(@TempDir Path dir) throws IOException {
        Path notData = Files.writeString(dir.resolve("not-a-data-dir"), "");
        Path out = dir.resolve("suite");

        CliRun r = CliRun.of("bench", "suite", "--quick", "--out", out.toString(), "--data-dir", notData.toString(),
                "--python", dir.resolve("no-python").toString(), "--only", "thread-policy-quiet,pgd-1t,pgd-mlp-reference-1t");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        String summary = Files.readString(out.resolve("summary.md"), StandardCharsets.UTF_8);
        assertThat(r.out()).isEqualTo(summary);
        assertThat(summary).startsWith("# defense-bench bench suite --quick")
                .containsPattern("- date: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ to \\d{4}-")
                .containsPattern("- CPU: .+ \\(\\d+ processors\\)")
                .containsPattern("- load average at start: (\\S+ \\S+ \\S+ \\(1, 5, 15 min\\)|unavailable)")
                .containsPattern("- load average at end: ")
                .containsPattern("- commit: ([0-9a-f]{40}|unknown)")
                .contains("OMP_NUM_THREADS=", "DNNL_MAX_CPU_ISA=")
                .contains("- reference side: skipped: no Python interpreter at " + dir.resolve("no-python"))
                .contains("- sections: " + SECTIONS + ": 0 ran, 2 failed, " + (SECTIONS - 2) + " skipped");
        List<String> rows = summary.lines().filter(l -> l.matches("\\| \\d+ \\|.*")).toList();
        assertThat(rows).hasSize(SECTIONS);
        assertThat(row(rows, "thread-policy-quiet")).containsPattern("\\| failed: exit \\d+: .*not-a-data-dir")
                .contains("`./defense-bench bench --arch mlp --steps 3 --warmup 1 --pretrain-steps 2`")
                .contains("| 01-thread-policy-quiet.txt |");
        assertThat(row(rows, "pgd-1t")).containsPattern("\\| failed: exit \\d+: ").contains("`OMP_NUM_THREADS=1 ./defense-bench bench");
        assertThat(row(rows, "pgd-mlp-reference-1t")).contains("| skipped: no Python interpreter at ");
        assertThat(row(rows, "step-mlp")).contains("| skipped: not in --only |");
        assertThat(row(rows, "step-mlp-2t")).contains("| skipped: --quick runs the one-thread rows only |");
        assertThat(row(rows, "baselines-mnist")).contains("| skipped: --quick: a full training run");
        assertThat(out.resolve("01-thread-policy-quiet.txt")).content().contains("not-a-data-dir");
        assertThat(r.err()).contains("bench suite: [1/" + SECTIONS + "] thread-policy-quiet: failed: exit ");
    }

    private static String row(List<String> rows, String section) {
        return rows.stream().filter(l -> l.contains("| " + section + " |")).findFirst().orElseThrow(
                () -> new AssertionError("no row for " + section + " in " + rows));
    }
}
