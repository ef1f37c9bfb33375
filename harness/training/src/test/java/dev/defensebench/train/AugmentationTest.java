package dev.defensebench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final Shape CIFAR = new Shape(3, 32, 32);

    @Test
    void autoMeansCropFlipForCifarShapedImagesOnly() {
        assertThat(Augmentation.resolve("auto", CIFAR, new float[3072]).isActive()).isTrue();
        assertThat(Augmentation.resolve("auto", new Shape(1, 28, 28), new float[784]).isActive()).isFalse();
        assertThat(Augmentation.resolve("none", CIFAR, new float[3072]).isActive()).isFalse();
        assertThat(Augmentation.resolve("crop-flip", new Shape(1, 28, 28), new float[784]).isActive()).isTrue();
        assertThatThrownBy(() -> Augmentation.resolve("crop-flip", new Shape(784), new float[784]))
                .hasMessageContaining("crop-flip").hasMessageContaining("(784)");
    }

    /** Every augmented sample is the original shifted by at most 4 pixels, maybe flipped, the border filled. */
    @Test
    void everySampleIsAPaddedCropMaybeFlippedAndTheDrawsAreSeeded() {
        Shape shape = new Shape(2, 6, 7);
        int per = 2 * 6 * 7;
        int count = 64;
        float[] original = new float[count * per];
        for (int i = 0; i < original.length; i++) {
            original[i] = i + 1;
        }
        float[] lower = new float[per];
        for (int i = 0; i < per; i++) {
            lower[i] = -1 - i;
        }
        Augmentation a = Augmentation.resolve("crop-flip", shape, lower);
        float[] batch = original.clone();
        a.apply(batch, count, shape, new Random(5));
        float[] again = original.clone();
        a.apply(again, count, shape, new Random(5));
        assertThat(again).containsExactly(batch);

        Set<String> seen = new HashSet<>();
        for (int s = 0; s < count; s++) {
            String match = null;
            for (int dy = -4; dy <= 4 && match == null; dy++) {
                for (int dx = -4; dx <= 4 && match == null; dx++) {
                    for (boolean flip : new boolean[] {false, true}) {
                        if (matches(batch, original, lower, s, dy, dx, flip)) {
                            match = dy + "," + dx + "," + flip;
                            break;
                        }
                    }
                }
            }
            assertThat(match).as("sample %d is a shifted (and maybe flipped) copy", s).isNotNull();
            seen.add(match);
        }
        assertThat(seen.size()).as("distinct crops and flips among 64 samples").isGreaterThan(40);
        assertThat(seen.stream().anyMatch(m -> m.endsWith("true"))).isTrue();
        assertThat(seen.stream().anyMatch(m -> m.endsWith("false"))).isTrue();
    }

    private static boolean matches(float[] batch, float[] original, float[] lower, int s, int dy, int dx, boolean flip) {
        int h = 6;
        int w = 7;
        int per = 2 * h * w;
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    int out = c * h * w + i * w + j;
                    int si = i + dy;
                    int sj = (flip ? w - 1 - j : j) + dx;
                    float expected = si >= 0 && si < h && sj >= 0 && sj < w
                            ? original[s * per + c * h * w + si * w + sj] : lower[out];
                    if (batch[s * per + out] != expected) {
                        return false;
                    }
                }
            }
        }
        return true;
    }
}
