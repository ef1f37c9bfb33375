package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Gaussian augmentation trains on x + N(0, σ²I): the noise's moments, no clipping, and the loss on exactly that draw. */
class GaussianAugmentationTest {

    @Test
    void noiseHasMeanZeroAndStandardDeviationSigmaAndIsNotClipped() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 200_000;
            NDArray x = m.zeros(new Shape(n / 100, 100));
            double[] d = GaussianAugmentation.noisy(x, 0.5, new Random(1)).toType(DataType.FLOAT64, false).toDoubleArray();
            double mean = 0;
            double sq = 0;
            double below = 0;
            for (double v : d) {
                mean += v;
                sq += v * v;
                below += v < 0 ? 1 : 0;
            }
            mean /= n;
            double std = Math.sqrt(sq / n - mean * mean);
            // five standard errors: 0.5/√n for the mean, 0.5/√(2n) for the standard deviation
            assertThat(mean).isCloseTo(0, within(5 * 0.5 / Math.sqrt(n)));
            assertThat(std).isCloseTo(0.5, within(5 * 0.5 / Math.sqrt(2.0 * n)));
            assertThat(below / n).as("half the noisy zeros lie outside the [0,1] box").isCloseTo(0.5, within(0.01));
        }
    }

    @Test
    void lossIsTheCrossEntropyAtTheNoisyCopiesOfTheSameDraw() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape sample = new Shape(1, 6, 6);
            BlockClassifier model = new BlockClassifier(TinyNets.initialise(TinyNets.mlp(4), m, DataType.FLOAT32, sample, 5),
                    4, InputBox.uniform(0, 1, sample));
            m.getEngine().setRandomSeed(6);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 6, 6));
            NDArray y = m.randomInteger(0, 4, new Shape(16), DataType.INT64);
            LossTerms terms = GaussianAugmentation.loss(0.3, new Random(9)).compute(model, x, y);
            NDArray same = GaussianAugmentation.noisy(x, 0.3, new Random(9));
            double expected = Losses.crossEntropy(model.logits(same), y).getFloat();
            double clean = Losses.crossEntropy(model.logits(x), y).getFloat();
            assertThat((double) terms.total().getFloat()).isCloseTo(expected, within(1e-6));
            assertThat((double) terms.total().getFloat()).isNotCloseTo(clean, within(1e-4));
        }
    }

    @Test
    void sigmaMustBePositive() {
        GaussianAugmentation g = new GaussianAugmentation();
        assertThatThrownBy(() -> g.validate(Hyperparameters.resolve("d", g.parameters(), Map.of("sigma", 0.0))))
                .hasMessageContaining("'sigma'").hasMessageContaining("found 0.0");
    }
}
