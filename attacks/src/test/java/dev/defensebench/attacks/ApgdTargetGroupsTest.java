package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.testing.LinearClassifier;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TargetGroups}, and APGD-T's targets run together on few points ({@code Settings.targetRows}) as one after the other. */
class ApgdTargetGroupsTest {

    private static final Shape SAMPLE = new Shape(1, 4, 4);
    private static final int CLASSES = 10;
    private static final double EPS = 0.05;

    @Test
    void groupSizeFillsTheRowsAndSpreadsTheTargetsEvenly() {
        assertThat(TargetGroups.size(9, 8, 128)).isEqualTo(9); // 72 rows in one run
        assertThat(TargetGroups.size(9, 20, 128)).isEqualTo(5); // 6 fit; two runs of 5 and 4
        assertThat(TargetGroups.size(9, 50, 128)).isEqualTo(2);
        assertThat(TargetGroups.size(9, 64, 128)).isEqualTo(2);
        assertThat(TargetGroups.size(9, 65, 128)).isEqualTo(1);
        assertThat(TargetGroups.size(9, 8, 1)).isEqualTo(1);
        assertThat(TargetGroups.size(3, 1, 128)).isEqualTo(3);
    }

    /**
     * Every pixel of point i at level c_i; class 0 scores 1, classes 1, 2, 4, 5, 7, 8, 9 constants below it (APGD-T's
     * first seven targets: unreachable), class 3 scores {@code 16c − 8.48} (within ℓ∞ 0.05 above 1 only for the first
     * four points) and class 6 {@code 8.4 − 16c} (only for the fifth and sixth): so a target group that attacked the
     * wrong classes, or kept the wrong target's example, breaks other points than the targets one after the other.
     */
    @Test
    void targetsRunTogetherBreakExactlyWhatTheyBreakOneAfterTheOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] levels = {0.56, 0.565, 0.57, 0.575, 0.50, 0.505, 0.52, 0.525};
            int n = levels.length;
            int d = (int) SAMPLE.size();
            double[][] points = new double[n][d];
            for (int i = 0; i < n; i++) {
                Arrays.fill(points[i], levels[i]);
            }
            double[][] weights = new double[CLASSES][d];
            Arrays.fill(weights[3], 1);
            Arrays.fill(weights[6], -1);
            double[] bias = {1, 0.99, 0.98, -8.48, 0.95, 0.94, 8.4, 0.92, 0.91, 0.90};
            RowCounting model = new RowCounting(new LinearClassifier(m.create(weights), m.create(bias), InputBox.uniform(0, 1, SAMPLE)));
            NDArray x = m.create(points).reshape(new Shape(n).addAll(SAMPLE));
            NDArray y = m.zeros(new Shape(n), DataType.INT64);
            assertThat(Checks.misclassified(model, x, y)).containsOnly(false);

            boolean[] oneByOne = broken(model, x, y, 1);
            assertThat(model.widest).isEqualTo(n);
            boolean[] together = broken(model, x, y, 128);
            assertThat(model.widest).isEqualTo(9 * n);
            assertThat(oneByOne).containsExactly(true, true, true, true, true, true, false, false);
            assertThat(together).containsExactly(oneByOne);
        }
    }

    private static boolean[] broken(RowCounting model, NDArray x, NDArray y, int targetRows) {
        model.widest = 0;
        NDArray adversarial = Apgd.attack(model, x, y, Norm.LINF, EPS,
                new Apgd.Settings(20, 1, Apgd.Loss.DLR_TARGETED, 9, 0.75, 0.75, targetRows), new Random(1));
        NDArray distance = adversarial.sub(x).abs().max();
        assertThat(distance.getDouble()).isLessThanOrEqualTo(EPS + 1e-9);
        return Checks.misclassified(model, adversarial, y);
    }
}
