package dev.defensebench.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link Preprocessing} fitted to a training split: turns raw pixel bytes into network inputs and
 * gives the per-element box those inputs live in (for clipping adversarial examples).
 *
 * @param kind           which preprocessing
 * @param mean           per-pixel (C*H*W) mean of the raw 0..255 training pixels for {@link Preprocessing#PAPER},
 *                       each pixel's channel mean for {@link Preprocessing#STANDARDIZE} and
 *                       {@link Preprocessing#IMAGENET}, {@code null} for
 *                       {@link Preprocessing#UNIT}
 * @param scale          each pixel's channel standard deviation (0..255 scale) for
 *                       {@link Preprocessing#STANDARDIZE} and {@link Preprocessing#IMAGENET}, else {@code null}
 * @param pixelsPerImage C*H*W of the images it applies to
 * @param trainCount     number of training images it was fitted on (0 when unknown)
 */
public record Preprocessor(Preprocessing kind, float[] mean, float[] scale, int pixelsPerImage, int trainCount) {

    /**
     * Validates that {@code mean} is present exactly for PAPER, STANDARDIZE and IMAGENET, {@code scale} exactly for
     * STANDARDIZE and IMAGENET, each with {@code pixelsPerImage} values.
     */
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
        if (kind.scaled() != (scale != null)) {
            throw new IllegalArgumentException("a scale belongs to the 'standardize' and 'imagenet' preprocessings only; kind '"
                    + kind.id() + "', scale " + (scale == null ? "null" : scale.length + " values"));
        }
        if (scale != null) {
            if (scale.length != pixelsPerImage) {
                throw new IllegalArgumentException("scale has " + scale.length + " values, expected " + pixelsPerImage);
            }
            for (int i = 0; i < scale.length; i++) {
                if (!(scale[i] > 0f)) {
                    throw new IllegalArgumentException("scale[" + i + "] = " + scale[i] + ", expected a value > 0");
                }
            }
        }
        if (kind != Preprocessing.UNIT) {
            if (mean == null) {
                throw new IllegalArgumentException("the '" + kind.id() + "' preprocessing needs the training mean, found null");
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
        this(kind, mean, null, requireMeanFor(kind, mean).length, 0);
    }

    /** The UNIT preprocessor for images of {@code pixelsPerImage} values. */
    public static Preprocessor unit(int pixelsPerImage) {
        return new Preprocessor(Preprocessing.UNIT, null, null, pixelsPerImage, 0);
    }

    private static float[] requireMeanFor(Preprocessing kind, float[] mean) {
        if (mean == null) {
            throw new IllegalArgumentException("new Preprocessor(" + kind + ", null) cannot tell the image size: use "
                    + "Preprocessing.UNIT.fit(train) or Preprocessor.unit(pixelsPerImage)");
        }
        return mean;
    }

    /**
     * The preprocessed split as N*C*H*W floats: UNIT {@code x/255}; PAPER {@code x - mean} on the 0..255
     * scale; STANDARDIZE and IMAGENET {@code (x - mean) / scale}.
     */
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
                    float centred = (px[base + j] & 0xFF) - mean[j];
                    out[base + j] = scale == null ? centred : centred / scale[j];
                }
            }
        }
        return out;
    }

    /** Per-element lower bound of the preprocessed input: the image of pixel value 0. */
    public float[] lowerBound() {
        return boundAt(0f);
    }

    /** Per-element upper bound of the preprocessed input: the image of pixel value 255. */
    public float[] upperBound() {
        return boundAt(255f);
    }

    private float[] boundAt(float pixel) {
        float[] bound = new float[pixelsPerImage];
        for (int j = 0; j < bound.length; j++) {
            bound[j] = kind == Preprocessing.UNIT ? pixel / 255f
                    : scale == null ? pixel - mean[j] : (pixel - mean[j]) / scale[j];
        }
        return bound;
    }

    /** One human-readable line, for logs, cards and the report. */
    public String describe() {
        if (kind == Preprocessing.UNIT) {
            return "unit: pixels/255 in [0,1]";
        }
        if (kind == Preprocessing.IMAGENET) {
            return "imagenet: (pixels/255 - mean_c) / std_c with ImageNet's channel mean " + channelValues(mean)
                    + " and std " + channelValues(scale);
        }
        if (kind == Preprocessing.STANDARDIZE) {
            return "standardize: (pixels/255 - mean_c) / std_c, channel mean " + channelValues(mean)
                    + " and std " + channelValues(scale) + " of the " + (trainCount > 0 ? trainCount + " " : "")
                    + "training images";
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

    /** The distinct per-channel values of a per-pixel array, on the 0..1 scale, e.g. "(0.4914, 0.4822)". */
    private static String channelValues(float[] perPixel) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (int j = 0; j < perPixel.length; j++) {
            if (j == 0 || perPixel[j] != perPixel[j - 1]) {
                values.add(String.format(java.util.Locale.ROOT, "%.4f", perPixel[j] / 255f));
            }
        }
        return "(" + String.join(", ", values) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessor p && kind == p.kind && pixelsPerImage == p.pixelsPerImage
                && trainCount == p.trainCount && Arrays.equals(mean, p.mean) && Arrays.equals(scale, p.scale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, pixelsPerImage, trainCount, Arrays.hashCode(mean), Arrays.hashCode(scale));
    }

    @Override
    public String toString() {
        return "Preprocessor[" + describe() + "]";
    }
}
