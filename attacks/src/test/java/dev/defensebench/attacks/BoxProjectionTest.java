package dev.defensebench.attacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.defensebench.spi.Norm;
import dev.defensebench.testing.TensorFile;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FAB's box-constrained projection against the original's ({@code fab_projections.py}, float64 fixture
 * from {@code src/test/fixtures/make_fab_projection_fixture.py}), through both of its paths: Newton's
 * method (the default) and the sorted breakpoints (a Newton budget of 0).
 */
class BoxProjectionTest {

    private static final Map<String, TensorFile.Raw> FIXTURE =
            TensorFile.read(BoxProjectionTest.class, "/fixtures/fab-projection.bin", 8);

    private static double[] values(String name) {
        DoubleBuffer buffer = FIXTURE.get(name).values().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        double[] out = new double[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @ParameterizedTest(name = "{0}, Newton budget {1}")
    @CsvSource({"LINF, 32", "LINF, 0", "L2, 32", "L2, 0"})
    void equalsTheOriginalWhereTheBoxReachesTheHyperplane(Norm norm, int newtonSteps) {
        long[] shape = FIXTURE.get("t").shape();
        int m = (int) shape[0];
        int d = (int) shape[1];
        double[] t = values("t");
        double[] w = values("w");
        double[] b = values("b");
        String suffix = norm == Norm.LINF ? "linf" : "l2";
        double[] expected = values("step_" + suffix);
        double[] feasible = values("feasible_" + suffix);
        float[] lo = new float[d];
        float[] hi = new float[d];
        Arrays.fill(hi, 1f);
        BoxProjection projection = new BoxProjection(lo, hi, norm, newtonSteps);
        double[] step = new double[d];
        int compared = 0;
        for (int i = 0; i < m; i++) {
            double size = projection.step(t, i * d, w, i * d, b[i], step, 0);
            double reached = 0;
            for (int j = 0; j < d; j++) {
                reached += w[i * d + j] * (t[i * d + j] + step[j]);
            }
            // either way the step ends on the hyperplane (infeasible rows: the unconstrained projection)
            assertEquals(b[i], reached, 1e-9 * (1 + Math.abs(b[i])), "row " + i + " does not reach the hyperplane");
            assertEquals(norm(step, norm), size, 1e-12, "row " + i + ": the returned size");
            if (feasible[i] == 0) {
                continue;
            }
            compared++;
            for (int j = 0; j < d; j++) {
                assertEquals(expected[i * d + j], step[j], 1e-9, "row " + i + ", coordinate " + j);
                double z = t[i * d + j] + step[j];
                assertTrue(z >= -1e-12 && z <= 1 + 1e-12, "row " + i + " leaves the box at " + j);
            }
        }
        assertTrue(compared >= 40, "the fixture should hold mostly reachable hyperplanes, found " + compared);
    }

    /** A box other than [0, 1] (the original's only one): the step lands on the hyperplane, inside the box. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"LINF", "L2"})
    void anyBox(Norm norm) {
        int d = 30;
        Random random = new Random(7);
        float[] lo = new float[d];
        float[] hi = new float[d];
        double[] t = new double[d];
        double[] w = new double[d];
        for (int j = 0; j < d; j++) {
            lo[j] = (float) (-1 - random.nextDouble());
            hi[j] = (float) (1 + random.nextDouble());
            t[j] = lo[j] + (hi[j] - lo[j]) * random.nextDouble();
            w[j] = random.nextGaussian();
        }
        double wt = 0;
        for (int j = 0; j < d; j++) {
            wt += w[j] * t[j];
        }
        double[] newton = new double[d];
        double[] sorted = new double[d];
        for (double offset : new double[] {-3, -0.5, 0.01, 2}) {
            double b = wt + offset;
            new BoxProjection(lo, hi, norm).step(t, 0, w, 0, b, newton, 0);
            new BoxProjection(lo, hi, norm, 0).step(t, 0, w, 0, b, sorted, 0);
            double reached = 0;
            for (int j = 0; j < d; j++) {
                reached += w[j] * (t[j] + newton[j]);
                assertEquals(sorted[j], newton[j], 1e-12, "Newton and the sorted breakpoints disagree at " + j);
                assertTrue(t[j] + newton[j] >= lo[j] - 1e-12 && t[j] + newton[j] <= hi[j] + 1e-12);
            }
            assertEquals(b, reached, 1e-9);
        }
    }

    private static double norm(double[] v, Norm norm) {
        double acc = 0;
        for (double x : v) {
            acc = norm == Norm.LINF ? Math.max(acc, Math.abs(x)) : acc + x * x;
        }
        return norm == Norm.LINF ? acc : Math.sqrt(acc);
    }
}
