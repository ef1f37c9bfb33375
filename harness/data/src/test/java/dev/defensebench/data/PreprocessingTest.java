package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PreprocessingTest {

    /** Two 1×1×3 images: (0, 100, 255) and (10, 200, 255). */
    private static final ImageSplit TRAIN =
            new ImageSplit(new byte[] {0, 100, (byte) 255, 10, (byte) 200, (byte) 255}, new int[] {0, 1}, 1, 1, 3);

    @Test
    void parseIsCaseInsensitiveAndListsAllowedValues() {
        assertThat(Preprocessing.parse("unit")).isEqualTo(Preprocessing.UNIT);
        assertThat(Preprocessing.parse(" PAPER ")).isEqualTo(Preprocessing.PAPER);
        assertThat(Preprocessing.PAPER.id()).isEqualTo("paper");
        assertThatThrownBy(() -> Preprocessing.parse("zca"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zca'").hasMessageContaining("unit, paper, standardize, imagenet");
    }

    @Test
    void paperSubtractsThePerPixelMeanOnTheRawScale() {
        Preprocessor p = Preprocessing.PAPER.fit(TRAIN);
        assertThat(p.kind()).isEqualTo(Preprocessing.PAPER);
        assertThat(p.mean()).containsExactly(5f, 150f, 255f);
        assertThat(p.apply(TRAIN)).containsExactly(-5f, -50f, 0f, 5f, 50f, 0f);
        assertThat(p.lowerBound()).containsExactly(-5f, -150f, -255f);
        assertThat(p.upperBound()).containsExactly(250f, 105f, 0f);
        assertThat(p.describe()).startsWith("paper: raw 0..255 minus the per-pixel mean of the 2 training images");
    }

    @Test
    void imagenetUsesTorchvisionsChannelStatisticsOnRgbImagesOnly() {
        // one 3×1×2 image: R (0, 255), G (0, 255), B (124, 255)
        ImageSplit rgb = new ImageSplit(new byte[] {0, (byte) 255, 0, (byte) 255, 124, (byte) 255}, new int[] {0}, 3, 1, 2);
        Preprocessor p = Preprocessing.parse("ImageNet").fit(rgb);
        assertThat(p.kind()).isEqualTo(Preprocessing.IMAGENET);
        float[] x = p.apply(rgb);
        assertThat(x[0]).isCloseTo((float) (-0.485 / 0.229), within(1e-5f));
        assertThat(x[1]).isCloseTo((float) ((1 - 0.485) / 0.229), within(1e-5f));
        assertThat(x[3]).isCloseTo((float) ((1 - 0.456) / 0.224), within(1e-5f));
        assertThat(x[4]).isCloseTo((float) ((124 / 255.0 - 0.406) / 0.225), within(1e-5f));
        assertThat(p.lowerBound()[5]).isCloseTo((float) (-0.406 / 0.225), within(1e-5f));
        assertThat(p.upperBound()[2]).isCloseTo((float) ((1 - 0.456) / 0.224), within(1e-5f));
        assertThat(p.describe()).contains("(0.4850, 0.4560, 0.4060)").contains("(0.2290, 0.2240, 0.2250)");
        assertThatThrownBy(() -> Preprocessing.IMAGENET.fit(TRAIN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs RGB images (3 channels), found 1 channel");
    }

    @Test
    void unitDividesBy255() {
        Preprocessor p = Preprocessing.UNIT.fit(TRAIN);
        assertThat(p.mean()).isNull();
        float[] x = p.apply(TRAIN);
        assertThat(x[1]).isCloseTo(100f / 255f, within(1e-7f));
        assertThat(x[2]).isEqualTo(1f);
        assertThat(p.lowerBound()).containsExactly(0f, 0f, 0f);
        assertThat(p.upperBound()).containsExactly(1f, 1f, 1f);
        assertThat(p.describe()).isEqualTo("unit: pixels/255 in [0,1]");
    }

    @Test
    void applyRejectsImagesOfAnotherSize() {
        Preprocessor p = Preprocessing.PAPER.fit(TRAIN);
        ImageSplit other = new ImageSplit(new byte[4], new int[] {0}, 1, 2, 2);
        assertThatThrownBy(() -> p.apply(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 values").hasMessageContaining("4");
    }

    @Test
    void storedMeanRoundTrips() {
        Preprocessor fitted = Preprocessing.PAPER.fit(TRAIN);
        Preprocessor restored = new Preprocessor(Preprocessing.PAPER, fitted.mean().clone());
        assertThat(restored.apply(TRAIN)).containsExactly(fitted.apply(TRAIN));
        assertThatThrownBy(() -> new Preprocessor(Preprocessing.UNIT, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Preprocessor.unit");
        assertThat(Preprocessor.unit(3).upperBound()).containsExactly(1f, 1f, 1f);
    }

    @Test
    void standardizeUsesEachChannelsMeanAndDeviationOverTheTrainingPixels() {
        // two 2×1×2 images; channel 0 holds 0, 51, 102, 153 (mean 76.5), channel 1 is 255 and 0 twice (mean 127.5)
        ImageSplit train = new ImageSplit(new byte[] {0, 51, (byte) 255, 0, 102, (byte) 153, (byte) 255, 0},
                new int[] {0, 1}, 2, 1, 2);
        Preprocessor p = Preprocessing.parse("standardize").fit(train);
        double sd0 = Math.sqrt((76.5 * 76.5 + 25.5 * 25.5) * 2 / 4);
        float[] x = p.apply(train);
        assertThat((double) x[0]).isCloseTo(-76.5 / sd0, within(1e-6));
        assertThat((double) x[5]).isCloseTo(76.5 / sd0, within(1e-6));
        assertThat((double) x[2]).isCloseTo(1.0, within(1e-6));
        assertThat((double) x[3]).isCloseTo(-1.0, within(1e-6));
        assertThat((double) p.lowerBound()[1]).isCloseTo(-76.5 / sd0, within(1e-6));
        assertThat((double) p.upperBound()[3]).isCloseTo(1.0, within(1e-6));
        assertThat(p.describe()).contains("channel mean (0.3000, 0.5000)").contains("std (" + String.format(
                java.util.Locale.ROOT, "%.4f", sd0 / 255) + ", 0.5000)");
        ImageSplit flat = new ImageSplit(new byte[] {7, 7}, new int[] {0, 1}, 1, 1, 1);
        assertThatThrownBy(() -> Preprocessing.STANDARDIZE.fit(flat)).hasMessageContaining("channel 0 is constant");
    }
}
