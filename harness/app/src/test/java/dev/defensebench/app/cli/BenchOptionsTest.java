package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bench} refuses every option out of range before any work (no data set is loaded, nothing is trained). */
class BenchOptionsTest {

    /**
     * A data directory that is a regular file: a bench that got past its option checks fails at once on
     * it instead of fetching MNIST and benchmarking.
     */
    private static Path noData(Path dir) throws IOException {
        return Files.writeString(dir.resolve("not-a-data-dir"), "");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch|0|--batch must be at least 1, found 0",
        "--steps|-5|--steps must be at least 1, found -5",
        "--warmup|-1|--warmup must be at least 0, found -1",
        "--pretrain-steps|-1|--pretrain-steps must be at least 0, found -1",
        "--max-iter|0|--max-iter must be at least 1, found 0",
        "--throughput-steps|0|--throughput-steps must be at least 1, found 0",
        "--robust-steps|-2|--robust-steps must be at least 0, found -2",
        "--min-seconds|-1|--min-seconds must be a finite number >= 0, found -1.0",
        "--min-seconds|NaN|--min-seconds must be a finite number >= 0, found NaN",
        "--linf-eps|0|--linf-eps must be a finite number > 0, found 0.0",
        "--l2-eps|Infinity|--l2-eps must be a finite number > 0, found Infinity",
        "--preprocessing|fancy|unknown preprocessing",
        "--arch|nosuchnet|unknown architecture 'nosuchnet'",
        "--certify-points|0|--certify-points must be at least 1, found 0",
        "--smoothing-n|0|--smoothing-n must be at least 1, found 0",
        "--smoothing-batch|-1|--smoothing-batch must be at least 1, found -1",
        "--ibp-batch|0|--ibp-batch must be at least 1, found 0",
        "--smoothing-sigma|0|--smoothing-sigma must be a finite number > 0, found 0.0",
    })
    void anOptionOutOfRangeIsOneLineAndExitCode2(String option, String value, String message, @TempDir Path dir)
            throws IOException {
        CliRun r = CliRun.of("bench", option, value, "--data-dir", noData(dir).toString());

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void certifyModeIsAModeAndChecksItsOptionsBeforeAnyWork(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("bench", "--mode", "certify", "--smoothing-n", "0", "--data-dir", noData(dir).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--smoothing-n must be at least 1, found 0").doesNotContain("--mode must be");
    }

    @Test
    void attackModeChecksTheCommonOptionsToo(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("bench", "--mode", "attacks", "--batch", "0", "--data-dir", noData(dir).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--batch must be at least 1, found 0");
    }

    @Test
    void anEnsembleNormOtherThanLinfOrL2IsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        CliRun r = CliRun.of("bench", "--mode", "attacks", "--ensemble-norm", "L7", "--data-dir", noData(dir).toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--ensemble-norm: ").contains("L7");
    }
}
