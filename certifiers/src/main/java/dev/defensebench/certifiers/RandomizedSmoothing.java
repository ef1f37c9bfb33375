package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.BinomialTest;

/**
 * Randomized smoothing (Cohen, Rosenfeld, Kolter, ICML 2019): the smoothed classifier g(x) = the class
 * the base classifier predicts most often under Gaussian noise N(x, σ²I) is robust in the ℓ2 ball of
 * radius σ·Φ⁻¹(p_A), p_A the top class's probability. {@link #certifyPoint} is their {@code certify}: N0
 * selection draws pick the top class ĉ, N fresh estimation draws count it, the one-sided Clopper–Pearson
 * lower bound p̲ of its probability at level α gives the radius σ·Φ⁻¹(p̲), and the certifier abstains when
 * p̲ < ½. With probability at least 1 − α over the draws, a returned class is g's class and g is constant
 * in that ball. {@link #predictPoint} is their {@code predict}: N draws, the top two counts, and a
 * two-sided binomial test of the top one against ½ among the two; abstain when its p-value exceeds α.
 *
 * <p>The noise is in the model's input space (the space of the board's ε) and is not clipped into the
 * input box. Each point's draws come from its own counter-based stream ({@link CounterGaussian}), keyed by the
 * seed and the point's index and computed on the point's device.
 */
public final class RandomizedSmoothing implements Certifier {

    private static final NormalDistribution STANDARD_NORMAL = NormalDistribution.of(0, 1);

    /**
     * The smoothing settings.
     *
     * @param sigma the noise's standard deviation σ (> 0)
     * @param n0 selection draws N0 (≥ 1)
     * @param n estimation draws N (≥ 1)
     * @param alpha the failure probability α, in (0, 1)
     * @param batch noisy copies per forward (≥ 1)
     */
    public record Settings(double sigma, int n0, int n, double alpha, int batch) {

        public Settings {
            require(sigma > 0 && Double.isFinite(sigma), "sigma", "a finite number > 0", sigma);
            require(n0 >= 1, "n0", "an integer >= 1", n0);
            require(n >= 1, "n", "an integer >= 1", n);
            require(alpha > 0 && alpha < 1, "alpha", "a number in (0, 1)", alpha);
            require(batch >= 1, "batch", "an integer >= 1", batch);
        }

        /** The settings of resolved hyper-parameters. */
        public static Settings from(Hyperparameters p) {
            return new Settings(p.getDouble("sigma"), p.getInt("n0"), p.getInt("n"), p.getDouble("alpha"),
                    p.getInt("batch"));
        }

        private static void require(boolean ok, String key, String what, Object found) {
            if (!ok) {
                throw new IllegalArgumentException(
                        "certifier 'randomized-smoothing': parameter '" + key + "' must be " + what + ", found " + found);
            }
        }
    }

    /**
     * One point's certificate.
     *
     * @param predicted the certified class, or {@link Certification#ABSTAIN}
     * @param pLower the Clopper–Pearson lower bound of the selected class's probability
     * @param radius σ·Φ⁻¹(p̲), or 0 when abstaining
     */
    public record PointCertificate(int predicted, double pLower, double radius) {}

    @Override
    public String name() {
        return "randomized-smoothing";
    }

    @Override
    public String description() {
        return "randomized smoothing (Cohen et al. 2019): L2 radius sigma*Phi^-1(p_lower) of the Gaussian-smoothed classifier";
    }

    @Override
    public String displayName() {
        return "Randomized smoothing";
    }

    @Override
    public Norm norm() {
        return Norm.L2;
    }

    /** The certificate is the smoothed classifier's, not the base model's that the attacks attack. */
    @Override
    public boolean certifiesModel() {
        return false;
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofDouble("sigma", 0.25, "standard deviation of the Gaussian noise, in the model's input space"),
                ParamSpec.ofInt("n0", 100, "selection draws N0 that pick the top class"),
                ParamSpec.ofInt("n", 100_000, "estimation draws N that bound the top class's probability"),
                ParamSpec.ofDouble("alpha", 0.001, "failure probability of the certificate"),
                ParamSpec.ofInt("batch", 1000, "noisy copies per forward pass"));
    }

    @Override
    public void validate(Hyperparameters params) {
        Settings.from(params);
    }

    @Override
    public Certification certify(Classifier model, NDArray inputs, NDArray labels, List<Double> radii,
            Hyperparameters params, long seed) {
        Settings s = Settings.from(params);
        int n = (int) inputs.getShape().get(0);
        int[] predicted = new int[n];
        double[] radius = new double[n];
        for (int i = 0; i < n; i++) {
            try (NDList one = new NDList(inputs.get(i))) {
                PointCertificate c = certifyPoint(model, one.head(), s, CounterGaussian.forPoint(seed, i));
                predicted[i] = c.predicted();
                radius[i] = c.radius();
            }
        }
        return new Certification(predicted, radius);
    }

    /** Cohen et al.'s {@code certify} for one point (shape {@code sampleShape}, no batch axis). */
    public static PointCertificate certifyPoint(Classifier model, NDArray point, Settings s, CounterGaussian noise) {
        long[] selection = NoiseCounts.of(model, point, s.n0(), s.sigma(), s.batch(), noise);
        int top = argMax(selection);
        long[] estimation = NoiseCounts.of(model, point, s.n(), s.sigma(), s.batch(), noise);
        double pLower = ClopperPearson.lowerBound(estimation[top], s.n(), s.alpha());
        if (pLower < 0.5) {
            return new PointCertificate(Certification.ABSTAIN, pLower, 0);
        }
        return new PointCertificate(top, pLower, s.sigma() * STANDARD_NORMAL.inverseCumulativeProbability(pLower));
    }

    /**
     * Cohen et al.'s {@code predict} for one point: the smoothed classifier's class from {@code n} draws
     * (of {@code s}'s σ and batch), or {@link Certification#ABSTAIN} when the top two counts do not differ
     * significantly at {@code s}'s α.
     */
    public static int predictPoint(Classifier model, NDArray point, Settings s, CounterGaussian noise) {
        long[] counts = NoiseCounts.of(model, point, s.n(), s.sigma(), s.batch(), noise);
        int first = argMax(counts);
        int second = -1;
        for (int c = 0; c < counts.length; c++) {
            if (c != first && (second < 0 || counts[c] > counts[second])) {
                second = c;
            }
        }
        long top = counts[first];
        long both = top + (second < 0 ? 0 : counts[second]);
        double p = BinomialTest.withDefaults().test((int) both, (int) top, 0.5).getPValue();
        return p > s.alpha() ? Certification.ABSTAIN : first;
    }

    private static int argMax(long[] counts) {
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }
}
