package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SanityCsvTest {

    @TempDir
    Path dir;

    @Test
    void writeThenReadGivesEqualChecks() throws Exception {
        List<SanityCheck> checks = List.of(
                new SanityCheck("vanilla/mlp/s0", "pgd-stronger-than-fgsm", SanityCheck.Status.PASS, 0.0, 0.0,
                        "PGD broke every point FGSM broke"),
                new SanityCheck("a,\"b\"/mlp/s0", "unbounded-reaches-zero", SanityCheck.Status.FAIL, 0.12, 0.01,
                        "line one\nline two"),
                new SanityCheck("x/mlp/s0", "no-zero-gradients", SanityCheck.Status.SKIP, Double.NaN, Double.NaN, ""));
        Path file = dir.resolve("sanity.csv");
        SanityCsv.write(file, checks);
        assertThat(SanityCsv.read(file)).isEqualTo(checks);
    }

    @Test
    void badStatusNamesFileAndValue() throws Exception {
        Path file = dir.resolve("sanity.csv");
        Files.writeString(file, "model,check,status,value,threshold,detail\nm,c,maybe,,,\n");
        assertThatThrownBy(() -> SanityCsv.read(file))
                .isInstanceOf(ResultsCsvException.class)
                .hasMessageContaining("sanity.csv")
                .hasMessageContaining("maybe");
    }

    @Test
    void wrongHeaderIsRejected() throws Exception {
        Path file = dir.resolve("sanity.csv");
        Files.writeString(file, "model,check,verdict\n");
        assertThatThrownBy(() -> SanityCsv.read(file)).hasMessageContaining("expected [model, check, status");
    }
}
