package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.report.WilsonInterval;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code defense-bench report}: regenerates the site, merges history, gates on regressions. */
class ReportCommandTest {

    @TempDir
    Path dir;


    private static ResultRow row(String model, String attack, String norm, double eps, double clean, double robust) {
        WilsonInterval ci = WilsonInterval.of((int) Math.round(robust * 1000), 1000);
        return ResultRow.builder().experiment("nightly").model(model).defense("vanilla").architecture("mlp")
                .dataset("mnist").preprocessing("unit").seed(0).cellHash("h").attack(attack).norm(norm).epsilon(eps)
                .samples(1000).cleanAccuracy(clean).robustAccuracy(robust).robustCi(ci).trainSeconds(10).attackSeconds(1)
                .attackParams("{}").build();
    }

    private Path run(String name, double clean, double robust, Instant when) throws IOException {
        Path results = dir.resolve(name);
        Files.createDirectories(results);
        ResultsCsv.write(results.resolve("results.csv"), List.of(
                row("a/mlp/s0", "clean", "none", 0, clean, clean),
                row("a/mlp/s0", "fgsm", "Linf", 0.1, clean, robust),
                row("b/mlp/s0", "clean", "none", 0, 0.97, 0.97),
                row("b/mlp/s0", "fgsm", "Linf", 0.1, 0.97, 0.5)));
        Files.setLastModifiedTime(results.resolve("results.csv"), FileTime.from(when));
        return results;
    }

    @Test
    void regeneratesTheSiteWithoutRerunning() throws IOException {
        Path results = run("r1", 0.99, 0.6, Instant.parse("2026-11-20T00:00:00Z"));
        CliRun r = CliRun.of("report", results.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 entries");
        assertThat(results.resolve("site/index.html")).isRegularFile();
        assertThat(results.resolve("site/summary.json")).isRegularFile();
        assertThat(results.resolve("site/results.csv")).isRegularFile();
        assertThat(results.resolve("site/entries/a-mlp-s0.html")).isRegularFile();

        Path elsewhere = dir.resolve("pub");
        assertThat(CliRun.of("report", results.toString(), "--out", elsewhere.toString()).code()).isZero();
        assertThat(elsewhere.resolve("index.html")).isRegularFile();
    }

    @Test
    void failsOnRegressionOnlyWhenAsked() throws IOException {
        Path old1 = run("n1", 0.99, 0.60, Instant.parse("2026-11-20T00:00:00Z"));
        Path old2 = run("n2", 0.99, 0.61, Instant.parse("2026-11-21T00:00:00Z"));
        // clean 99.0% -> 97.0% on n = 1000 is outside the 95% interval of the difference (±1.2 points);
        // robust 61% -> 60% is inside it (±4.3 points)
        Path now = run("n3", 0.97, 0.60, Instant.parse("2026-11-22T00:00:00Z"));

        CliRun plain = CliRun.of("report", now.toString(), "--history", old2.toString(), old1.toString());
        assertThat(plain.code()).as(plain.err()).isZero();
        assertThat(plain.out()).contains("changes since n2").contains("regressions: 1")
                .contains("regression  a/mlp/s0  clean accuracy: 99.00% -> 97.00%").doesNotContain("FGSM");
        String index = Files.readString(now.resolve("site/index.html"));
        assertThat(index).contains("Changes since the last run", "1 regression(s)", "3 runs in the history", "<svg");

        CliRun gated = CliRun.of("report", now.toString(), "--history", old1.toString(), old2.toString(),
                "--fail-on-regression");
        assertThat(gated.code()).isEqualTo(ReportCommand.REGRESSION_EXIT);

        Path fine = run("n4", 0.99, 0.61, Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(CliRun.of("report", fine.toString(), "--history", old2.toString(), "--fail-on-regression").code())
                .isZero();
    }

    @Test
    void aMissingResultsDirectoryIsNamed() {
        Path missing = dir.resolve("nothing");
        CliRun r = CliRun.of("report", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("results.csv").contains(missing.toString()).doesNotContain("\tat ");
    }
}
