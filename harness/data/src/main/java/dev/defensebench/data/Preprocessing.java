package dev.defensebench.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How raw 0..255 pixels become network inputs. The choice changes scale-dependent and shift-dependent
 * robustness numbers (ρ2 is scale-free but not shift-free), so it is recorded with every result.
 */
public enum Preprocessing {

    /** {@code x / 255}, inputs in [0,1]: the usual convention of attack papers (ε = 0.3 on MNIST). */
    UNIT,

    /**
     * Raw 0..255 pixels minus the per-pixel mean image of the training split, as the matconvnet code of
     * Deep Defense (Yan et al. 2018) does.
     */
    PAPER,

    /**
     * Per-channel standardisation with the data set's own statistics: {@code (x/255 − μ_c) / σ_c}, μ and σ
     * the mean and standard deviation of channel c over every training pixel. Attack budgets are then in
     * these units.
     */
    STANDARDIZE,

    /**
     * Per-channel standardisation with ImageNet's statistics, as torchvision's pretrained models expect:
     * {@code (x/255 − μ_c) / σ_c} with μ = {@value #IMAGENET_MEAN_TEXT} and σ = {@value #IMAGENET_STD_TEXT}; RGB
     * images only. Nothing is fitted. Attack budgets are then in these units (per channel, 1/σ_c times the [0,1] ones).
     */
    IMAGENET;

    /** torchvision's ImageNet channel means (R, G, B) on the 0..1 scale. */
    static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
    /** torchvision's ImageNet channel standard deviations (R, G, B) on the 0..1 scale. */
    static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
    static final String IMAGENET_MEAN_TEXT = "(0.485, 0.456, 0.406)";
    static final String IMAGENET_STD_TEXT = "(0.229, 0.224, 0.225)";

    /** Parses {@code "unit"}, {@code "paper"}, {@code "standardize"} or {@code "imagenet"}, ignoring case and surrounding blanks. */
    public static Preprocessing parse(String text) {
        if (text != null) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            for (Preprocessing p : values()) {
                if (p.id().equals(t)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException("unknown preprocessing '" + text + "': expected one of "
                + Arrays.stream(values()).map(Preprocessing::id).collect(Collectors.joining(", ")));
    }

    /** The lower-case name used in configs, file names and cards. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Fits this preprocessing to a training split (computes the per-pixel mean for {@link #PAPER}, the
     * channel statistics for {@link #STANDARDIZE}).
     */
    public Preprocessor fit(ImageSplit train) {
        if (this == UNIT) {
            return new Preprocessor(UNIT, null, null, train.pixelsPerImage(), train.count());
        }
        if (this == IMAGENET) {
            return imagenet(train);
        }
        if (train.count() == 0) {
            throw new IllegalArgumentException("cannot fit the '" + id() + "' preprocessing: the training split is empty");
        }
        if (this == STANDARDIZE) {
            return standardize(train);
        }
        int per = train.pixelsPerImage();
        long[] sums = new long[per];
        byte[] px = train.pixels();
        for (int i = 0, n = train.count(); i < n; i++) {
            int base = i * per;
            for (int j = 0; j < per; j++) {
                sums[j] += px[base + j] & 0xFF;
            }
        }
        float[] mean = new float[per];
        for (int j = 0; j < per; j++) {
            mean[j] = (float) ((double) sums[j] / train.count());
        }
        return new Preprocessor(PAPER, mean, null, per, train.count());
    }

    /** Whether inputs are divided by a per-channel scale (a {@link Preprocessor#scale()} is present). */
    public boolean scaled() {
        return this == STANDARDIZE || this == IMAGENET;
    }

    private static Preprocessor imagenet(ImageSplit images) {
        if (images.channels() != 3) {
            throw new IllegalArgumentException("the 'imagenet' preprocessing needs RGB images (3 channels), found "
                    + images.channels() + " channel" + (images.channels() == 1 ? "" : "s"));
        }
        int plane = images.height() * images.width();
        float[] mean = new float[3 * plane];
        float[] scale = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(mean, c * plane, (c + 1) * plane, (float) (IMAGENET_MEAN[c] * 255));
            java.util.Arrays.fill(scale, c * plane, (c + 1) * plane, (float) (IMAGENET_STD[c] * 255));
        }
        return new Preprocessor(IMAGENET, mean, scale, 3 * plane, 0);
    }

    private static Preprocessor standardize(ImageSplit train) {
        int plane = train.height() * train.width();
        int per = train.pixelsPerImage();
        double[] sum = new double[train.channels()];
        double[] squares = new double[train.channels()];
        byte[] px = train.pixels();
        for (int i = 0; i < px.length; i++) {
            int c = (i % per) / plane;
            double v = px[i] & 0xFF;
            sum[c] += v;
            squares[c] += v * v;
        }
        double count = (double) train.count() * plane;
        float[] mean = new float[per];
        float[] scale = new float[per];
        for (int c = 0; c < sum.length; c++) {
            double m = sum[c] / count;
            double sd = Math.sqrt(Math.max(0, squares[c] / count - m * m));
            if (sd == 0) {
                throw new IllegalArgumentException("cannot fit the 'standardize' preprocessing: channel " + c
                        + " is constant (" + m + ") over the training split");
            }
            java.util.Arrays.fill(mean, c * plane, (c + 1) * plane, (float) m);
            java.util.Arrays.fill(scale, c * plane, (c + 1) * plane, (float) sd);
        }
        return new Preprocessor(STANDARDIZE, mean, scale, per, train.count());
    }
}
