package dev.defensebench.report;

/**
 * A 95% Wilson score interval for a binomial proportion, e.g. an accuracy measured on {@code n}
 * test points.
 *
 * @param low  lower end, in [0, 1]
 * @param high upper end, in [low, 1]
 */
public record WilsonInterval(double low, double high) {

    /** The two-sided 97.5% normal quantile, for a 95% interval. */
    static final double Z95 = 1.959963984540054;

    /** Rejects ends outside [0, 1] or {@code low > high}. */
    public WilsonInterval {
        if (!(0.0 <= low && low <= high && high <= 1.0)) {
            throw new IllegalArgumentException("need 0 <= low <= high <= 1, found [" + low + ", " + high + "]");
        }
    }

    /**
     * The 95% Wilson interval of {@code successes} out of {@code n}; [0, 1] when {@code n} is 0.
     *
     * @throws IllegalArgumentException unless {@code 0 <= successes <= n}
     */
    public static WilsonInterval of(int successes, int n) {
        if (n < 0 || successes < 0 || successes > n) {
            throw new IllegalArgumentException(
                    "need 0 <= successes <= n, found successes=" + successes + ", n=" + n);
        }
        if (n == 0) {
            return new WilsonInterval(0.0, 1.0);
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double denominator = 1.0 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denominator;
        double low = successes == 0 ? 0.0 : Math.max(0.0, center - half);
        double high = successes == n ? 1.0 : Math.min(1.0, center + half);
        return new WilsonInterval(low, high);
    }

    /** {@link #of} as {@code {low, high}}. */
    public static double[] wilson(int successes, int n) {
        WilsonInterval interval = of(successes, n);
        return new double[] {interval.low, interval.high};
    }

    /**
     * The interval of an accuracy given as a fraction of {@code n} points (the success count is
     * rounded); [0, 1] when the accuracy is NaN.
     */
    static WilsonInterval ofFraction(double accuracy, int n) {
        if (Double.isNaN(accuracy)) {
            return new WilsonInterval(0.0, 1.0);
        }
        int successes = (int) Math.round(Math.max(0.0, Math.min(1.0, accuracy)) * n);
        return of(successes, n);
    }
}
