package dev.defensebench.train;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import java.util.Random;

/**
 * Training-time augmentation of image batches, the standard CIFAR recipe: a random 4-pixel-padded crop
 * (the image shifted by −4..4 pixels in each direction, the uncovered border filled with the input-box
 * lower bound, i.e. black) followed by a horizontal flip with probability ½. Applied per sample to the
 * preprocessed batch before every step, from a seeded generator.
 *
 * @param padding the crop padding in pixels (0 = no augmentation)
 * @param lowerBound the per-element values that fill the uncovered border
 */
public record Augmentation(int padding, float[] lowerBound) {

    /** The setting that picks crop-flip for 3×32×32 images (CIFAR) and nothing otherwise. */
    public static final String AUTO = "auto";

    /** The accepted settings. */
    public static final List<String> SETTINGS = List.of(AUTO, "crop-flip", "none");

    /** The CIFAR crop padding. */
    public static final int PADDING = 4;

    /** The {@code augmentation} parameter every defense declares. */
    static ParamSpec parameter() {
        return ParamSpec.ofString("augmentation", AUTO, "training augmentation: crop-flip (random crop with 4-pixel "
                + "padding, horizontal flip), none, or auto (crop-flip for 3x32x32 images such as CIFAR, else none)");
    }

    /** {@code setting} if it is one of {@link #SETTINGS}, else a clear error. */
    static String check(String setting) {
        SgdSettings.require(SETTINGS.contains(setting), "augmentation", "one of " + String.join(", ", SETTINGS),
                "'" + setting + "'");
        return setting;
    }

    /** The augmentation {@code setting} means for samples of {@code sampleShape} in a box starting at {@code lowerBound}. */
    public static Augmentation resolve(String setting, Shape sampleShape, float[] lowerBound) {
        boolean image = sampleShape.dimension() == 3;
        boolean cifar = image && sampleShape.get(0) == 3 && sampleShape.get(1) == 32 && sampleShape.get(2) == 32;
        if (setting.equals("crop-flip") && !image) {
            throw new IllegalArgumentException("parameter 'augmentation' is crop-flip, which needs image samples "
                    + "(channels, height, width); found samples of shape " + sampleShape);
        }
        boolean on = setting.equals("crop-flip") || (setting.equals(AUTO) && cifar);
        return new Augmentation(on ? PADDING : 0, lowerBound);
    }

    /** Whether this changes anything. */
    public boolean isActive() {
        return padding > 0;
    }

    /** Augments the {@code count} samples of {@code sampleShape} in {@code batch}, in place. */
    public void apply(float[] batch, int count, Shape sampleShape, Random random) {
        if (!isActive()) {
            return;
        }
        int channels = (int) sampleShape.get(0);
        int height = (int) sampleShape.get(1);
        int width = (int) sampleShape.get(2);
        int per = channels * height * width;
        float[] source = new float[per];
        for (int s = 0; s < count; s++) {
            int dy = random.nextInt(2 * padding + 1) - padding;
            int dx = random.nextInt(2 * padding + 1) - padding;
            boolean flip = random.nextBoolean();
            System.arraycopy(batch, s * per, source, 0, per);
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        int out = c * height * width + i * width + j;
                        int si = i + dy;
                        int sj = (flip ? width - 1 - j : j) + dx;
                        boolean inside = si >= 0 && si < height && sj >= 0 && sj < width;
                        batch[s * per + out] = inside ? source[c * height * width + si * width + sj] : lowerBound[out];
                    }
                }
            }
        }
    }
}
