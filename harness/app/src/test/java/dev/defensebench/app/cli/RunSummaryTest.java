package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.run.Runner;
import dev.defensebench.report.FailedEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The end of {@code run}: the summary, the failed cells listed on stderr, and exit code 5 when there are any. */
class RunSummaryTest {

    private static Runner.Summary summary(List<FailedEntry> failures) {
        return new Runner.Summary(List.of("good/mlp/s0"), List.of(), List.of("good/mlp/s0"), List.of(), failures,
                Path.of("out/results.csv"), Path.of("out/site/index.html"));
    }

    @Test
    void aRunWithFailedCellsListsThemAndExitsWithItsOwnCode() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RunCommand.report(summary(List.of(
                new FailedEntry("nan/mlp/s0", "vanilla", "mlp", FailedEntry.Status.FAILED,
                        "non-finite loss (NaN) at epoch 1, step 2 of 10"),
                new FailedEntry("child/mlp/s0", "vanilla", "mlp", FailedEntry.Status.SKIPPED,
                        "not trained: it fine-tunes from nan/mlp/s0, which failed"))),
                1.0, new PrintWriter(out), new PrintWriter(err));

        assertThat(code).isEqualTo(RunCommand.FAILED_CELLS).isEqualTo(5);
        assertThat(out.toString()).contains("trained 1, reused 0 models; evaluated 1, reused 0 evaluations");
        assertThat(err.toString()).contains("2 cell(s) have no results").contains("failures.json")
                .contains("  nan/mlp/s0 failed: non-finite loss (NaN) at epoch 1, step 2 of 10")
                .contains("  child/mlp/s0 skipped: not trained: it fine-tunes from nan/mlp/s0, which failed");
    }

    @Test
    void aRunWithoutFailuresExitsWithZeroAndPrintsNothingOnStderr() {
        StringWriter err = new StringWriter();
        assertThat(RunCommand.report(summary(List.of()), 1.0, new PrintWriter(new StringWriter()), new PrintWriter(err)))
                .isZero();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void theHelpDocumentsTheExitCodes() {
        assertThat(CliRun.of("help", "run").out()).contains("Exit codes:")
                .contains("5   the run finished, but some cells failed or were skipped");
    }
}
