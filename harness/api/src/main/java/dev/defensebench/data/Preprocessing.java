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
    STANDARDIZE;

    /** Parses {@code "unit"}, {@code "paper"} or {@code "standardize"}, ignoring case and surrounding blanks. */
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
