package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.testing.LinearClassifier;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.plugins.jpeg.JPEGQTable;
import org.junit.jupiter.api.Test;

/**
 * The `jpeg` defense's BPDA approximation: its tables are those ImageIO writes at every quality, its values
 * those of the float64 Python reference (docs/bench/jpeg_approximation.py, fixture jpeg/approximation.txt),
 * close to ImageIO's real round trip, its input gradient that of float64 finite differences, and BPDA
 * differentiates it (not the identity).
 */
class DifferentiableJpegTest {

    /** JPEG's zig-zag order: position i of a DQT segment holds natural-order entry ZIGZAG[i]. */
    private static final int[] ZIGZAG = {0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33,
        40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44,
        51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    @Test
    void tablesAreThoseImageIoWritesAtEveryQuality() throws IOException {
        for (int quality = 1; quality <= 100; quality++) {
            int[][] written = quantisationTables(JpegCompression.Codec.encode(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), quality));
            assertThat(written[0]).as("luminance, quality %d", quality)
                    .containsExactly(DifferentiableJpeg.table(JPEGQTable.K1Luminance, quality));
            assertThat(written[1]).as("chrominance, quality %d", quality)
                    .containsExactly(DifferentiableJpeg.table(JPEGQTable.K2Chrominance, quality));
        }
        // closed form: quality 75 is half of T.81 K.1, rounded half up
        assertThat(DifferentiableJpeg.table(JPEGQTable.K1Luminance, 75)).startsWith(8, 6, 5, 8, 12, 20, 26, 31);
    }

    @Test
    void valuesMatchTheFloat64Reference() throws IOException {
        List<String> lines = fixture();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int at = 1; at < lines.size(); at += 3) {
                String[] head = lines.get(at).split(" ");
                int quality = Integer.parseInt(head[0]);
                int channels = Integer.parseInt(head[1]);
                Shape sample = new Shape(channels, 10, 12);
                double[] x = parse(lines.get(at + 1));
                double[] expected = parse(lines.get(at + 2));
                NDArray inputs = m.create(x, new Shape(2).addAll(sample));
                double[] got = new DifferentiableJpeg(quality, InputBox.uniform(0, 1, sample)).apply(inputs).toDoubleArray();
                int worst = 0;
                for (int i = 0; i < got.length; i++) {
                    worst = Math.abs(got[i] - expected[i]) > Math.abs(got[worst] - expected[worst]) ? i : worst;
                }
                assertThat(got).hasSameSizeAs(expected);
                assertThat(got[worst]).as("quality %d, %d channels, element %d", quality, channels, worst)
                        .isCloseTo(expected[worst], within(1e-5));
                // over the box [-1, 1] the same map, rescaled
                double[] wide = new DifferentiableJpeg(quality, InputBox.uniform(-1, 1, sample))
                        .apply(inputs.mul(2).sub(1)).toDoubleArray();
                for (int i = 0; i < wide.length; i++) {
                    assertThat(wide[i]).isCloseTo(2 * expected[i] - 1, within(2e-5));
                }
            }
        }
    }

    /**
     * Largest and mean absolute difference from ImageIO's round trip at quality 75 on seeded strokes, 28×28, and
     * the mean against the identity's. Measured: 1 channel max 0.0531, mean 0.0021 (identity 0.0112); 3 channels
     * (chroma subsampled 4:2:0 as ImageIO does) max 0.0999, mean 0.0044 (identity 0.0215; without modelling the
     * subsampling it was max 0.406, mean 0.0151).
     */
    @Test
    void valuesAreCloseToImageIosJpeg() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[][] bounds = {{0.06, 0.003, 0.25}, {0.11, 0.005, 0.25}}; // 1 and 3 channels: max, mean, of identity
            for (int channels : new int[] {1, 3}) {
                Shape sample = new Shape(channels, 28, 28);
                InputBox box = InputBox.uniform(0, 1, sample);
                NDArray x = strokes(m, 32, sample);
                InputTransform jpeg = new JpegCompression().inputTransform(
                        Hyperparameters.resolve("test", new JpegCompression().parameters(), Map.of("quality", 75)), box);
                NDArray real = jpeg.apply(x, new Random(0));
                NDArray gap = jpeg.approximation(x).sub(real).abs();
                double identity = x.sub(real).abs().mean().getFloat();
                String seen = String.format("%d channels: max %.4f, mean %.5f (identity's mean %.5f)", channels,
                        gap.max().getFloat(), gap.mean().getFloat(), identity);
                assertThat(gap.max().getFloat()).as(seen).isLessThan((float) bounds[channels / 2][0]);
                assertThat(gap.mean().getFloat()).as(seen).isLessThan((float) bounds[channels / 2][1]);
                assertThat(gap.mean().getFloat()).as(seen).isLessThan((float) (bounds[channels / 2][2] * identity));
            }
        }
    }

    @Test
    void gradientMatchesFloat64FiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int channels : new int[] {1, 3}) {
                Shape sample = new Shape(channels, 10, 12);
                DifferentiableJpeg jpeg = new DifferentiableJpeg(50, InputBox.uniform(0, 1, sample));
                Random r = new Random(channels);
                NDArray x = m.create(uniform(r, 2 * (int) sample.size(), 0.1, 0.9), new Shape(2).addAll(sample));
                NDArray w = m.create(uniform(r, 2 * (int) sample.size(), -1, 1), x.getShape());
                NDArray g = Autograd.recording(() -> {
                    NDArray leaf = Autograd.leaf(x);
                    return Autograd.gradient(jpeg.apply(leaf).mul(w).sum(), leaf, false);
                });
                assertThat(g.abs().max().getDouble()).isGreaterThan(1e-3);
                for (int d = 0; d < 4; d++) {
                    NDArray v = m.create(uniform(r, 2 * (int) sample.size(), -1, 1), x.getShape());
                    double h = 1e-6;
                    double up = jpeg.apply(x.add(v.mul(h))).mul(w).sum().getDouble();
                    double down = jpeg.apply(x.sub(v.mul(h))).mul(w).sum().getDouble();
                    double numeric = (up - down) / (2 * h);
                    double analytic = g.mul(v).sum().getDouble();
                    assertThat(analytic).as("%d channels, direction %d", channels, d)
                            .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
                }
            }
        }
    }

    @Test
    void bpdaDifferentiatesTheApproximationNotTheIdentity() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape sample = new Shape(1, 28, 28);
            InputBox box = InputBox.uniform(0, 1, sample);
            Random r = new Random(5);
            NDArray weights = m.create(toFloat(uniform(r, 3 * 784, -1, 1)), new Shape(3, 784));
            LinearClassifier model = new LinearClassifier(weights, m.zeros(new Shape(3)), box);
            InputTransform jpeg = new JpegCompression().inputTransform(
                    Hyperparameters.resolve("test", new JpegCompression().parameters(), Map.of()), box);
            NDArray x = strokes(m, 2, sample);
            NDArray c = m.create(new float[] {1, -0.5f, 2});
            float[] bpda = new TransformedClassifier(model, jpeg, 0).bpda().inputGradient(x, z -> z.mul(c).sum()).toFloatArray();
            float[] through = Autograd.recording(() -> {
                NDArray leaf = Autograd.leaf(x);
                return Autograd.gradient(model.logits(jpeg.approximation(leaf)).mul(c).sum(), leaf, false);
            }).toFloatArray();
            float[] identity = weights.transpose().matMul(c).toFloatArray(); // W^T c, the identity's, per sample
            assertThat(bpda).containsExactly(through, within(1e-5f));
            double apart = 0;
            double size = 0;
            for (int i = 0; i < bpda.length; i++) {
                apart += Math.abs(bpda[i] - identity[i % 784]);
                size += Math.abs(identity[i % 784]);
            }
            assertThat(apart).as("L1 distance from the identity's gradient").isGreaterThan(0.3 * size);
        }
    }

    /** Seeded digit-like images: a few thick bright strokes on black, slightly blurred, in [0, 1]. */
    private static NDArray strokes(NDManager m, int n, Shape sample) {
        Random r = new Random(22);
        int c = (int) sample.get(0);
        int side = (int) sample.get(1);
        float[] v = new float[n * c * side * side];
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < 3; k++) {
                double x0 = 6 + 16 * r.nextDouble();
                double y0 = 6 + 16 * r.nextDouble();
                double angle = Math.PI * r.nextDouble();
                float[] colour = {1f, 0.4f + 0.6f * r.nextFloat(), 0.4f + 0.6f * r.nextFloat()};
                for (double t = -8; t <= 8; t += 0.25) {
                    int px = (int) Math.round(x0 + t * Math.cos(angle));
                    int py = (int) Math.round(y0 + t * Math.sin(angle));
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int i = py + dy;
                            int j = px + dx;
                            if (i >= 0 && i < side && j >= 0 && j < side) {
                                float value = dx == 0 && dy == 0 ? 1f : 0.6f;
                                for (int ch = 0; ch < c; ch++) {
                                    int at = ((s * c + ch) * side + i) * side + j;
                                    v[at] = Math.max(v[at], value * colour[ch]);
                                }
                            }
                        }
                    }
                }
            }
        }
        return m.create(v, new Shape(n).addAll(sample));
    }

    private static double[] uniform(Random r, int n, double low, double high) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = low + (high - low) * r.nextDouble();
        }
        return v;
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] parse(String line) {
        return Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    private static List<String> fixture() throws IOException {
        try (InputStream in = DifferentiableJpegTest.class.getResourceAsStream("/jpeg/approximation.txt")) {
            assertThat(in).as("test resource jpeg/approximation.txt").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The 8-bit tables 0 and 1 of a JPEG's DQT segments, in natural order. */
    private static int[][] quantisationTables(byte[] jpeg) {
        int[][] tables = new int[2][64];
        for (int at = 2; at + 4 < jpeg.length && (jpeg[at + 1] & 255) != 0xDA; ) {
            int length = ((jpeg[at + 2] & 255) << 8) | (jpeg[at + 3] & 255);
            if ((jpeg[at + 1] & 255) == 0xDB) {
                for (int t = at + 4; t < at + 2 + length; t += 65) {
                    assertThat(jpeg[t] >> 4).as("8-bit table").isZero();
                    for (int i = 0; i < 64; i++) {
                        tables[jpeg[t] & 15][ZIGZAG[i]] = jpeg[t + 1 + i] & 255;
                    }
                }
            }
            at += 2 + length;
        }
        return tables;
    }
}
