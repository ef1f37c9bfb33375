package dev.defensebench.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Preprocessing} fitted to a training split: turns raw pixel bytes into network inputs and
 * gives the per-element box those inputs live in (for clipping adversarial examples).
 *
 * @param kind           which preprocessing
 * @param mean           per-pixel (C*H*W) mean of the raw 0..255 training pixels for {@link Preprocessing#PAPER},
 *                       {@code null} for {@link Preprocessing#UNIT}
 * @param pixelsPerImage C*H*W of the images it applies to
 * @param trainCount     number of training images it was fitted on (0 when unknown)
 */
public record Preprocessor(Preprocessing kind, float[] mean, int pixelsPerImage, int trainCount) {

    /** Validates that {@code mean} is present exactly for PAPER and has {@code pixelsPerImage} values. */
    public Preprocessor {
        Objects.requireNonNull(kind, "kind");
        if (pixelsPerImage <= 0) {
            throw new IllegalArgumentException("pixelsPerImage must be positive, found " + pixelsPerImage);
        }
        if (trainCount < 0) {
            throw new IllegalArgumentException("trainCount must not be negative, found " + trainCount);
        }
        if (kind == Preprocessing.UNIT && mean != null) {
            throw new IllegalArgumentException("the 'unit' preprocessing has no mean, found " + mean.length + " values");
        }
        if (kind == Preprocessing.PAPER) {
            if (mean == null) {
                throw new IllegalArgumentException("the 'paper' preprocessing needs the per-pixel training mean, found null");
            }
            if (mean.length != pixelsPerImage) {
                throw new IllegalArgumentException("mean has " + mean.length + " values, expected one per pixel ("
                        + pixelsPerImage + ")");
            }
            for (int i = 0; i < mean.length; i++) {
                if (!(mean[i] >= 0f && mean[i] <= 255f)) {
                    throw new IllegalArgumentException("mean[" + i + "] = " + mean[i] + ", expected a value in [0,255]");
                }
            }
        }
    }

    /** A PAPER preprocessor from a stored mean (e.g. read back from a model card); trainCount unknown. */
    public Preprocessor(Preprocessing kind, float[] mean) {
        this(kind, mean, requireMeanFor(kind, mean).length, 0);
    }

    /** The UNIT preprocessor for images of {@code pixelsPerImage} values. */
    public static Preprocessor unit(int pixelsPerImage) {
        return new Preprocessor(Preprocessing.UNIT, null, pixelsPerImage, 0);
    }

    private static float[] requireMeanFor(Preprocessing kind, float[] mean) {
        if (mean == null) {
            throw new IllegalArgumentException("new Preprocessor(" + kind + ", null) cannot tell the image size: use "
                    + "Preprocessing.UNIT.fit(train) or Preprocessor.unit(pixelsPerImage)");
        }
        return mean;
    }

    /** The preprocessed split as N*C*H*W floats: UNIT {@code x/255}; PAPER {@code x - mean} on the 0..255 scale. */
    public float[] apply(ImageSplit split) {
        if (split.pixelsPerImage() != pixelsPerImage) {
            throw new IllegalArgumentException("preprocessor fitted to images of " + pixelsPerImage
                    + " values, found images of " + split.pixelsPerImage() + " (" + split.channels() + "x"
                    + split.height() + "x" + split.width() + ")");
        }
        byte[] px = split.pixels();
        float[] out = new float[px.length];
        if (kind == Preprocessing.UNIT) {
            for (int i = 0; i < px.length; i++) {
                out[i] = (px[i] & 0xFF) / 255f;
            }
        } else {
            for (int i = 0, n = split.count(); i < n; i++) {
                int base = i * pixelsPerImage;
                for (int j = 0; j < pixelsPerImage; j++) {
                    out[base + j] = (px[base + j] & 0xFF) - mean[j];
                }
            }
        }
        return out;
    }

    /** Per-element lower bound of the preprocessed input: 0 (UNIT) or {@code -mean} (PAPER). */
    public float[] lowerBound() {
        float[] lo = new float[pixelsPerImage];
        if (kind == Preprocessing.PAPER) {
            for (int j = 0; j < lo.length; j++) {
                lo[j] = 0f - mean[j];
            }
        }
        return lo;
    }

    /** Per-element upper bound of the preprocessed input: 1 (UNIT) or {@code 255 - mean} (PAPER). */
    public float[] upperBound() {
        float[] hi = new float[pixelsPerImage];
        if (kind == Preprocessing.UNIT) {
            Arrays.fill(hi, 1f);
        } else {
            for (int j = 0; j < hi.length; j++) {
                hi[j] = 255f - mean[j];
            }
        }
        return hi;
    }

    /** One human-readable line, for logs, cards and the report. */
    public String describe() {
        if (kind == Preprocessing.UNIT) {
            return "unit: pixels/255 in [0,1]";
        }
        double avg = 0;
        for (float m : mean) {
            avg += m;
        }
        avg /= mean.length;
        String of = trainCount > 0 ? "of the " + trainCount + " training images" : "of the training images";
        return String.format(java.util.Locale.ROOT, "paper: raw 0..255 minus the per-pixel mean %s (average mean %.2f)",
                of, avg);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessor p && kind == p.kind && pixelsPerImage == p.pixelsPerImage
                && trainCount == p.trainCount && Arrays.equals(mean, p.mean);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pixelsPerImage, trainCount, Arrays.hashCode(mean));
    }

    @Override
    public String toString() {
        return "Preprocessor[" + describe() + "]";
    }
}
