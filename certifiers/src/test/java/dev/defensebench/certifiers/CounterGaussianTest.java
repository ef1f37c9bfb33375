package dev.defensebench.certifiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.LinearClassifier;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.KolmogorovSmirnovTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The device noise of randomized smoothing against references: its integer words against the JDK's own
 * SplitMix64 ({@link SplittableRandom#nextLong()}), its values against a Box–Muller (both halves) of those words in
 * Java's {@link StrictMath}, their distribution against Commons Statistics' N(0, 1) (Kolmogorov–Smirnov on 100,352
 * values, tail frequencies), their independence (correlations of neighbours within 4 standard errors of 0), and
 * their invariance under the batching of the draws.
 */
class CounterGaussianTest {

    private static final NormalDistribution PHI = NormalDistribution.of(0, 1);
    private static NDManager manager;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** A 28×28 single-channel image of zeros, the shape of an MNIST point. */
    private static NDArray mnistPoint() {
        return manager.zeros(new Shape(1, 28, 28), DataType.FLOAT32);
    }

    @Test
    void wordsAreTheJdksSplitMix64StreamOfTheKey() {
        long key = CounterGaussian.key(42, 3);
        NDArray like = manager.zeros(new Shape(5, 3));
        long[] device = CounterGaussian.words(like, key, 2, 4).toLongArray();
        SplittableRandom jdk = new SplittableRandom(key);
        // 15 elements per draw take 8 words
        for (int skip = 0; skip < 2 * 8; skip++) {
            jdk.nextLong();
        }
        long[] expected = new long[4 * 8];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = jdk.nextLong();
        }
        assertThat(device).containsExactly(expected);
    }

    @Test
    void valuesAreTheBoxMullerTransformOfTheWordsInFloat32() {
        long key = CounterGaussian.key(7, 0);
        NDArray like = mnistPoint();
        long[] words = CounterGaussian.words(like, key, 0, 20).toLongArray();
        float[] values = CounterGaussian.normals(like, key, 0, 20).toFloatArray();
        assertThat(words).hasSize(20 * 392);
        assertThat(values).hasSize(20 * 784);
        int differ = 0;
        for (int i = 0; i < values.length; i++) {
            // element e < 392 of a draw is the cosine half of its word e, element 392 + e the sine half
            int draw = i / 784;
            int e = i % 784;
            long word = words[draw * 392 + e % 392];
            double r = StrictMath.sqrt(-2 * StrictMath.log(((word >>> 32) + 1) * 0x1p-32));
            double theta = 2 * Math.PI * ((word & 0xFFFFFFFFL) * 0x1p-32);
            float expected = (float) (r * (e < 392 ? StrictMath.cos(theta) : StrictMath.sin(theta)));
            assertThat(values[i]).as("value %d", i).isCloseTo(expected, within(Math.ulp(expected)));
            if (values[i] != expected) {
                differ++;
            }
        }
        // float64 kernels and StrictMath differ by an ulp at most; after rounding to float32 almost never
        assertThat(differ).isLessThanOrEqualTo(2);
    }

    @Test
    void valuesAreStandardNormalByKolmogorovSmirnovAndInTheTails() {
        double[] z = sample(CounterGaussian.key(2026, 12), 128);
        assertThat(z).hasSize(128 * 784);
        var ks = KolmogorovSmirnovTest.withDefaults().test(z, PHI::cumulativeProbability);
        assertThat(ks.getPValue()).as("KS statistic %s", ks.getStatistic()).isGreaterThan(0.001);
        for (double t : new double[] {1, 2, 3, 4}) {
            long beyond = Arrays.stream(z).filter(v -> Math.abs(v) > t).count();
            double p = 2 * PHI.survivalProbability(t);
            double se = Math.sqrt(z.length * p * (1 - p));
            assertThat((double) beyond).as("|z| > %s", t).isCloseTo(z.length * p, within(4 * se + 1));
        }
        double mean = Arrays.stream(z).average().orElseThrow();
        double variance = Arrays.stream(z).map(v -> (v - mean) * (v - mean)).sum() / (z.length - 1);
        assertThat(mean).isCloseTo(0, within(4 / Math.sqrt(z.length)));
        // the variance of a sample variance of N(0, 1) is 2 / (n − 1)
        assertThat(variance).isCloseTo(1, within(4 * Math.sqrt(2.0 / (z.length - 1))));
    }

    @Test
    void neighbouringElementsDrawsAndPointsAreUncorrelated() {
        int draws = 128;
        int per = 784;
        double[] z = sample(CounterGaussian.key(5, 0), draws);
        double[] nextPoint = sample(CounterGaussian.key(5, 1), draws);
        double[] otherSeed = sample(CounterGaussian.key(6, 0), draws);
        double[] a = new double[draws * (per - 1)];
        double[] b = new double[a.length];
        for (int d = 0, k = 0; d < draws; d++) {
            for (int e = 0; e + 1 < per; e++, k++) {
                a[k] = z[d * per + e];
                b[k] = z[d * per + e + 1];
            }
        }
        assertUncorrelated("adjacent elements", a, b);
        assertUncorrelated("adjacent draws", Arrays.copyOfRange(z, 0, (draws - 1) * per), Arrays.copyOfRange(z, per, draws * per));
        assertUncorrelated("adjacent points", z, nextPoint);
        assertUncorrelated("adjacent seeds", z, otherSeed);
    }

    @Test
    void theDrawsAreTheSameForBatchesOf1And7And100() {
        NDArray point = mnistPoint().add(0.5f);
        CounterGaussian whole = CounterGaussian.forPoint(9, 4);
        float[] reference = whole.noisy(point, 100, 0.25).toFloatArray();
        for (int batch : new int[] {1, 7, 100}) {
            CounterGaussian stream = CounterGaussian.forPoint(9, 4);
            NDList parts = new NDList();
            for (int left = 100; left > 0; left -= batch) {
                parts.add(stream.noisy(point, Math.min(batch, left), 0.25));
            }
            assertThat(NDArrays.concat(parts).toFloatArray()).as("batch %d", batch).containsExactly(reference);
        }
    }

    @Test
    void classCountsAreTheSameForBatchesOf1And7And100() {
        // three classes around a point where none dominates, so that a changed draw changes the counts
        double[][] weights = {{1, 0, 0.5}, {-0.5, 0.8660254037844386, 0}, {-0.5, -0.8660254037844386, -0.5}};
        LinearClassifier pie = new LinearClassifier(manager.create(weights), manager.create(new double[3]),
                InputBox.uniform(0, 1, new Shape(3)));
        NDArray point = manager.create(new double[] {0.1, 0.05, 0});
        long[] reference = NoiseCounts.of(pie, point, 300, 1.0, 300, CounterGaussian.forPoint(3, 8));
        assertThat(Arrays.stream(reference).min().orElseThrow()).isGreaterThanOrEqualTo(50);
        for (int batch : new int[] {1, 7, 100}) {
            assertThat(NoiseCounts.of(pie, point, 300, 1.0, batch, CounterGaussian.forPoint(3, 8))).as("batch %d", batch)
                    .containsExactly(reference);
        }
        assertThat(NoiseCounts.of(pie, point, 300, 1.0, 300, CounterGaussian.forPoint(3, 9))).isNotEqualTo(reference);
    }

    @Test
    void copiesArePointPlusSigmaTimesTheNormalsInThePointsTypeAndShape() {
        NDArray point = manager.arange(12).toType(DataType.FLOAT64, false).reshape(3, 4).div(12);
        CounterGaussian stream = CounterGaussian.forPoint(1, 2);
        stream.noisy(point, 3, 0.5);
        NDArray copies = stream.noisy(point, 2, 0.5);
        assertThat(copies.getShape()).isEqualTo(new Shape(2, 3, 4));
        assertThat(copies.getDataType()).isEqualTo(DataType.FLOAT64);
        float[] z = CounterGaussian.normals(point, CounterGaussian.key(1, 2), 3, 2).toFloatArray();
        double[] x = point.toDoubleArray();
        double[] got = copies.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isEqualTo(x[i % 12] + 0.5 * z[i]);
        }
    }

    /** The normals of {@code draws} MNIST-sized draws of stream {@code key}, as doubles. */
    private static double[] sample(long key, int draws) {
        float[] values = CounterGaussian.normals(mnistPoint(), key, 0, draws).toFloatArray();
        double[] z = new double[values.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = values[i];
        }
        return z;
    }

    /** Pearson's r of {@code a} and {@code b} within 4 standard errors (1/√n) of 0. */
    private static void assertUncorrelated(String what, double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElseThrow();
        double mb = Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        double r = sab / Math.sqrt(saa * sbb);
        assertThat(r).as("correlation of %s", what).isCloseTo(0, within(4 / Math.sqrt(a.length)));
    }
}
