package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --mode scale} on a tiny network (the MLP on 3x32x32, batch 4): the peak line, one table row per
 * chosen row with its counted FLOPs (the closed form of the MLP's multiply-adds times the row's forward passes),
 * AutoAttack's stages, the network written for the PyTorch side; unknown rows refused before any work. The
 * structure only: timings are never asserted.
 */
class ScaleBenchTest {

    /** The MLP 3072-500-150-10's multiply-adds per image. */
    private static final long MLP_MACS = 3072L * 500 + 500L * 150 + 150L * 10;

    private static final String NUMBER = "([0-9.]+(?:e[-+]?\\d+)?)";

    @Test
    void printsARowPerChosenRowWithItsCountedFlopsAndWritesTheNetworkAndItsBatch(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("bench", "--mode", "scale", "--arch", "mlp", "--batch", "4", "--peak-size", "64",
                "--autoattack-images", "2", "--save-onnx", dir.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String out = r.out();
        assertThat(out).containsPattern("Peak float32: [0-9.]+ GFLOP/s \\(64x64 matrix product");
        assertThat(out).contains("mlp: 0.001613 G multiply-adds per 3x32x32 image").contains(ScaleBench.header());
        for (ScaleRow row : ScaleRow.values()) {
            Matcher m = Pattern.compile("\\| mlp \\| " + Pattern.quote(row.label()) + " \\| (\\d+) \\| " + NUMBER + " \\| "
                    + NUMBER + " \\| " + NUMBER + " \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|").matcher(out);
            assertThat(m.find()).as(row + " in\n" + out).isTrue();
            int images = Integer.parseInt(m.group(1));
            assertThat(images).isEqualTo(row == ScaleRow.AUTOATTACK ? 2 : 4);
            assertThat(Double.parseDouble(m.group(4))).as("images/s").isPositive();
            if (row == ScaleRow.AUTOATTACK) {
                assertThat(m.group(5).trim()).isEqualTo("not counted");
                continue;
            }
            double forwards = List.of(3.0, 34.0, 37.0, 3 + 5 * (2.0 * 10 + 7), 30.0).get(row.ordinal());
            assertThat(Double.parseDouble(m.group(5).trim())).as(row + " GFLOP/step")
                    .isCloseTo(forwards * 2 * MLP_MACS * 4 / 1e9, org.assertj.core.api.Assertions.withinPercentage(0.05));
            assertThat(Double.parseDouble(m.group(7).trim())).as(row + " % of peak").isPositive();
        }
        assertThat(out).contains("AutoAttack: robust accuracy").containsPattern("after apgd-ce +\\d/2 robust");
        assertThat(r.err()).contains("scale: mlp, plain step on 4 images").contains("scale: mlp, AutoAttack on 2 images (its "
                + "four stages").doesNotContain("| mlp |");
        assertThat(out).doesNotContain("scale: mlp,");
        assertThat(out).containsPattern("Deep Defense step, last step's loss terms: total " + NUMBER + ", ce " + NUMBER
                + ", reg " + NUMBER + ", rho " + NUMBER);
        assertThat(dir.resolve("mlp.onnx")).exists();
        assertSavedBatch(dir, 4);
    }

    /** The batch --save-onnx wrote beside the network: raw little-endian float32 pixels in [0, 1] and int64 labels. */
    private static void assertSavedBatch(Path dir, int batch) throws java.io.IOException {
        java.nio.ByteBuffer x = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(dir.resolve("mlp-inputs.f32")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        java.nio.ByteBuffer y = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(dir.resolve("mlp-labels.i64")))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(x.capacity()).isEqualTo(batch * 3 * 32 * 32 * Float.BYTES);
        assertThat(y.capacity()).isEqualTo(batch * Long.BYTES);
        java.util.Set<Float> distinct = new java.util.HashSet<>();
        for (int i = 0; i < batch * 3 * 32 * 32; i++) {
            float v = x.getFloat();
            assertThat(v).isBetween(0f, 1f);
            distinct.add(v);
        }
        assertThat(distinct).hasSizeGreaterThan(batch * 3 * 32 * 32 / 2);
        for (int i = 0; i < batch; i++) {
            assertThat(y.getLong()).isBetween(0L, 9L);
        }
    }

    @Test
    void onlyTheChosenRowsInTheTablesOrder() {
        CliRun r = CliRun.of("bench", "--mode", "scale", "--arch", "mlp", "--batch", "2", "--peak-size", "32",
                "--scale-rows", "pgd,plain");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| mlp | plain step |").contains("| mlp | PGD-10 attack |")
                .doesNotContain("| mlp | TRADES step |").doesNotContain("AutoAttack");
        assertThat(r.out().indexOf("| mlp | plain step |")).isLessThan(r.out().indexOf("| mlp | PGD-10 attack |"));
    }

    @Test
    void anUnknownRowIsRefusedBeforeAnyWork() throws Exception {
        CliRun r = CliRun.of("bench", "--mode", "scale", "--arch", "mlp", "--scale-rows", "plain,fgsm");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--scale-rows: unknown row 'fgsm'; known: [plain, pgd-at, trades, deep-defense, pgd, autoattack]")
                .doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
        assertThat(Files.exists(Path.of("mlp.onnx"))).isFalse();
    }
}
