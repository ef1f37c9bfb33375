package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.certifiers.IntervalBoundPropagation;
import dev.defensebench.certifiers.RandomizedSmoothing;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bench --mode certify}'s table on a small seeded MLP: one smoothing row in draws/s whose certified and
 * abstained counts are the certifier's own for the same seed, the forwards' share of its time, and IBP rows (DJL
 * blocks, ONNX graph) in images/s whose verified counts agree with each other and with the certifier's, and a
 * CROWN-IBP row with the certifier's count for that bound.
 */
class CertifyBenchTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);

    @Test
    void printsSmoothingDrawsAndIbpImagesPerSecondWithTheCertifiersCounts() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Plugins.discover().architecture("mlp").build(SAMPLE, 10);
            block.initialize(m, DataType.FLOAT32, new Shape(1).addAll(SAMPLE));
            BlockClassifier model = new BlockClassifier(block, 10, InputBox.uniform(0, 1, SAMPLE));
            NDArray x = m.randomUniform(0, 1, new Shape(12).addAll(SAMPLE));
            NDArray y = model.predict(x).toType(DataType.INT64, false);
            long[] labels = y.toLongArray();
            CertifyBench.Options options = new CertifyBench.Options();
            options.n = 200;
            options.smoothingBatch = 64;
            options.ibpBatch = 5;
            StringWriter text = new StringWriter();
            new CertifyBench(options, 0).table(new PrintWriter(text), "mlp", model, x, y, 1.0E-6);
            String out = text.toString();

            Certification smoothing = new RandomizedSmoothing().certify(model, x, y, List.of(0.0), Hyperparameters.resolve("s",
                    new RandomizedSmoothing().parameters(), Map.of("n0", 100, "n", 200, "batch", 64)), 0);
            Matcher rs = Pattern.compile("\\| mlp \\| randomized-smoothing \\| sigma 0.25, N0 100, N 200, batch 64, 12 points "
                    + "\\| (\\d+) draws/s \\| [0-9.]+ \\| [0-9.]+ \\| (\\d+) \\(abstained (\\d+)\\) \\|").matcher(out);
            assertThat(rs.find()).as(out).isTrue();
            assertThat(Long.parseLong(rs.group(1))).isPositive();
            assertThat(Integer.parseInt(rs.group(2))).isEqualTo(smoothing.countCertified(labels, 0));
            assertThat(Integer.parseInt(rs.group(3))).isEqualTo(smoothing.abstentions());
            assertThat(out).containsPattern("the batched forwards alone \\(copies of the points, no noise\\): [0-9.]+% of smoothing's CPU time");

            int verified = new IntervalBoundPropagation().certify(model, x, y, List.of(1.0E-6), Hyperparameters.resolve("i",
                    new IntervalBoundPropagation().parameters(), Map.of()), 0).countCertified(labels, 1.0E-6);
            assertThat(verified).isPositive();
            for (String path : List.of("DJL blocks", "ONNX graph")) {
                Matcher ibp = Pattern.compile("\\| mlp \\| ibp \\(" + path + "\\) \\| Linf eps 1\\.0E-6, batch 5, 12 points \\| "
                        + "([0-9.]+) images/s \\| [0-9.]+ \\| [0-9.]+ \\| (\\d+) \\|").matcher(out);
                assertThat(ibp.find()).as(out).isTrue();
                assertThat(Double.parseDouble(ibp.group(1))).isPositive();
                assertThat(Integer.parseInt(ibp.group(2))).as(path).isEqualTo(verified);
            }
            int crown = new IntervalBoundPropagation().certify(model, x, y, List.of(1.0E-6), Hyperparameters.resolve("i",
                    new IntervalBoundPropagation().parameters(), Map.of("bound", "crown-ibp")), 0).countCertified(labels, 1.0E-6);
            Matcher crownRow = Pattern.compile("\\| mlp \\| ibp bound crown-ibp \\(DJL blocks\\) \\| Linf eps 1\\.0E-6, batch 5, 12 "
                    + "points \\| ([0-9.]+) images/s \\| [0-9.]+ \\| [0-9.]+ \\| (\\d+) \\|").matcher(out);
            assertThat(crownRow.find()).as(out).isTrue();
            assertThat(Integer.parseInt(crownRow.group(2))).isEqualTo(crown).isGreaterThanOrEqualTo(verified);
            assertThat(out).doesNotContain("WARNING");
            assertThat(Arrays.stream(CertifyBench.header().split("\n")[0].split("\\|")).count())
                    .isEqualTo(Arrays.stream(out.lines().filter(l -> l.startsWith("| mlp")).findFirst().orElseThrow().split("\\|")).count());
        }
    }
}
