package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The four test-time transforms on known tensors: bit-depth values in closed form, the JPEG round trip through
 * ImageIO (shape, range, closeness, zero derivative), resize-and-pad (shape, padding, sizes, seeded
 * randomness) and Gaussian noise (box, spread, seeded randomness).
 */
class InputTransformDefensesTest {

    private static final Shape IMAGE = new Shape(1, 8, 8);

    private static InputTransform transform(Defense defense, Map<String, ?> params, InputBox box) {
        return defense.inputTransform(Hyperparameters.resolve("test", defense.parameters(), params), box);
    }

    @Test
    void bitDepthRoundsToTheLevelsOfTheBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape five = new Shape(5);
            NDArray x = m.create(new float[] {0f, 0.2f, 0.45f, 0.74f, 1f}, new Shape(1, 5));
            float[] unit = transform(new BitDepthReduction(), Map.of("bits", 2), InputBox.uniform(0, 1, five))
                    .apply(x, new Random(0)).toFloatArray();
            assertThat(unit).containsExactly(new float[] {0f, 1 / 3f, 1 / 3f, 2 / 3f, 1f}, within(1e-6f));
            // the box [-1, 1]: u = (x + 1)/2 rounded to thirds, mapped back
            NDArray y = m.create(new float[] {-1f, -0.5f, 0.1f, 0.5f, 1f}, new Shape(1, 5));
            float[] wide = transform(new BitDepthReduction(), Map.of("bits", 2), InputBox.uniform(-1, 1, five))
                    .apply(y, new Random(0)).toFloatArray();
            assertThat(wide).containsExactly(new float[] {-1f, -1 / 3f, 1 / 3f, 1 / 3f, 1f}, within(1e-6f));
        }
    }

    @Test
    void bitDepthChecksItsRange() {
        Defense d = new BitDepthReduction();
        assertThatThrownBy(() -> d.validate(Hyperparameters.resolve("test", d.parameters(), Map.of("bits", 9))))
                .hasMessageContaining("'bits' must be from 1 to 8, found 9");
    }

    /** Two samples: a smooth 8×8 ramp whose channel k is scaled by (k + 1)/channels, and uniform noise. */
    private static NDArray images(NDManager m, int channels) {
        Random r = new Random(4);
        float[] v = new float[2 * channels * 64];
        for (int i = 0; i < v.length; i++) {
            int pixel = i % 64;
            int channel = (i / 64) % channels;
            v[i] = i < channels * 64 ? (pixel % 8 + pixel / 8) / 14f * (channel + 1) / channels : r.nextFloat();
        }
        return m.create(v, new Shape(2, channels, 8, 8));
    }

    @Test
    void jpegRoundTripKeepsShapeAndBoxAndIsCloseAtHighQuality() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int channels : new int[] {1, 3}) {
                Shape sample = new Shape(channels, 8, 8);
                NDArray x = images(m, channels);
                InputBox box = InputBox.uniform(0, 1, sample);
                NDArray high = transform(new JpegCompression(), Map.of("quality", 95), box).apply(x, new Random(0));
                NDArray low = transform(new JpegCompression(), Map.of("quality", 5), box).apply(x, new Random(0));
                assertThat(high.getShape()).isEqualTo(x.getShape());
                float[] h = high.toFloatArray();
                for (float v : h) {
                    assertThat(v).isBetween(0f, 1f);
                    assertThat(Math.abs(v * 255 - Math.round(v * 255))).isLessThan(1e-3f); // 8-bit pixels
                }
                // the smooth sample (channels in their own order) survives quality 95 closely, quality 5 less so
                double highError = x.get(0).sub(high.get(0)).abs().mean().getFloat();
                double lowError = x.get(0).sub(low.get(0)).abs().mean().getFloat();
                assertThat(highError).as("%d channels, quality 95", channels).isLessThan(0.02);
                assertThat(lowError).as("%d channels, quality 5", channels).isGreaterThan(2 * highError);
                // noise loses detail: quality 5 is farther from it than quality 95
                assertThat(x.get(1).sub(low.get(1)).abs().mean().getFloat())
                        .isGreaterThan(x.get(1).sub(high.get(1)).abs().mean().getFloat());
            }
        }
    }

    @Test
    void jpegHasZeroDerivative() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputTransform jpeg = transform(new JpegCompression(), Map.of("quality", 75), InputBox.uniform(0, 1, IMAGE));
            NDArray x = images(m, 1);
            NDArray g = Autograd.recording(() -> {
                NDArray leaf = Autograd.leaf(x);
                return Autograd.gradient(jpeg.apply(leaf, new Random(0)).sum(), leaf, false);
            });
            assertThat(g.abs().toFloatArray()).containsOnly(0f); // 0 or -0
        }
    }

    @Test
    void jpegRefusesTwoChannels() {
        assertThatThrownBy(() -> transform(new JpegCompression(), Map.of(), InputBox.uniform(0, 1, new Shape(2, 8, 8))))
                .hasMessageContaining("1 or 3 channels");
    }

    @Test
    void resizeAndPadPlacesAShrunkImageOnTheLowerBound() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputBox box = InputBox.uniform(-1, 1, IMAGE);
            InputTransform t = transform(new RandomResizePad(), Map.of("min_size", 5), box);
            NDArray x = m.full(new Shape(30, 1, 8, 8), 0.5f);
            float[] out = t.apply(x, new Random(1)).toFloatArray();
            java.util.Set<Integer> sizes = new java.util.TreeSet<>();
            for (int i = 0; i < 30; i++) {
                int inside = 0;
                for (int p = 0; p < 64; p++) {
                    float v = out[i * 64 + p];
                    assertThat(v).isIn(0.5f, -1f);
                    inside += v == 0.5f ? 1 : 0;
                }
                int side = (int) Math.round(Math.sqrt(inside));
                assertThat(side * side).isEqualTo(inside);
                assertThat(side).isBetween(5, 8);
                sizes.add(side);
            }
            assertThat(sizes).hasSizeGreaterThan(1); // every sample draws its own size
        }
    }

    @Test
    void resizeAndPadIsSeededAndRandomized() {
        try (NDManager m = NDManager.newBaseManager()) {
            InputTransform t = transform(new RandomResizePad(), Map.of("min_size", 4), InputBox.uniform(0, 1, IMAGE));
            NDArray x = images(m, 1);
            assertThat(t.apply(x, new Random(3)).toFloatArray()).containsExactly(t.apply(x, new Random(3)).toFloatArray());
            assertThat(t.apply(x, new Random(3)).toFloatArray()).isNotEqualTo(t.apply(x, new Random(4)).toFloatArray());
            InputTransform none = transform(new RandomResizePad(), Map.of("min_size", 8), InputBox.uniform(0, 1, IMAGE));
            assertThat(none.apply(x, new Random(3)).toFloatArray()).containsExactly(x.toFloatArray());
        }
    }

    @Test
    void resizeAndPadNearestNeighbourInClosedForm() {
        // side 8 resized to 4 at offset (top, left): output (top + r, left + c) copies input (2r, 2c)
        RandomResizePad.Placement p = new RandomResizePad.Placement(8, 4, 1, 3);
        int[] source = p.sources();
        assertThat(source[1 * 8 + 3]).isEqualTo(0);
        assertThat(source[2 * 8 + 4]).isEqualTo(2 * 8 + 2);
        assertThat(source[4 * 8 + 6]).isEqualTo(6 * 8 + 6);
        assertThat(source[0]).isEqualTo(-1);
        assertThat(source[5 * 8 + 3]).isEqualTo(-1);
    }

    @Test
    void resizeAndPadNeedsSquareImagesAndAFittingSize() {
        assertThatThrownBy(() -> transform(new RandomResizePad(), Map.of("min_size", 9), InputBox.uniform(0, 1, IMAGE)))
                .hasMessageContaining("min_size at most S");
    }

    @Test
    void gaussianNoiseHasItsSpreadStaysInTheBoxAndIsSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape sample = new Shape(1000);
            InputTransform t = transform(new GaussianNoiseInjection(), Map.of("sigma", 0.1), InputBox.uniform(0, 1, sample));
            NDArray x = m.full(new Shape(2, 1000), 0.5f);
            float[] a = t.apply(x, new Random(9)).toFloatArray();
            double sum = 0;
            double sq = 0;
            for (float v : a) {
                assertThat(v).isBetween(0f, 1f);
                sum += v - 0.5;
                sq += (v - 0.5) * (v - 0.5);
            }
            assertThat(sum / a.length).isCloseTo(0, within(0.01));
            assertThat(Math.sqrt(sq / a.length)).isCloseTo(0.1, within(0.005));
            assertThat(t.apply(x, new Random(9)).toFloatArray()).containsExactly(a);
            assertThat(t.apply(x, new Random(10)).toFloatArray()).isNotEqualTo(a);
            NDArray far = m.full(new Shape(1, 1000), 0.99f);
            float[] clipped = transform(new GaussianNoiseInjection(), Map.of("sigma", 1.0), InputBox.uniform(0, 1, sample))
                    .apply(far, new Random(2)).toFloatArray();
            assertThat(clipped).contains(1f).contains(0f);
        }
    }
}
