package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.Losses;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FgsmTest {

    @Test
    void adversarialExamplesStayInTheBallAndTheBoxAndRaiseTheLoss() {
        Shape sample = new Shape(1, 8, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = TinyNets.initialise(TinyNets.conv(4), m, DataType.FLOAT32, sample, 11);
            BlockClassifier model = new BlockClassifier(net, 4, InputBox.uniform(0, 1, sample));
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 8, 8));
            NDArray y = m.randomInteger(0, 4, new Shape(16), DataType.INT64);
            Fgsm fgsm = new Fgsm();
            AttackResult result = fgsm.run(model, x, y, new ThreatModel(Norm.LINF, List.of(0.0, 0.05, 0.2)),
                    Hyperparameters.resolve("attack 'fgsm'", fgsm.parameters(), Map.of()), 1);
            double cleanLoss = Losses.crossEntropy(model.logits(x), y).getFloat();
            for (EpsilonOutcome o : result.outcomes()) {
                NDArray adv = o.adversarial();
                assertThat(adv.sub(x).abs().max().getFloat()).isLessThanOrEqualTo((float) o.epsilon() + 1e-6f);
                assertThat(adv.min().getFloat()).isGreaterThanOrEqualTo(0f);
                assertThat(adv.max().getFloat()).isLessThanOrEqualTo(1f);
                double loss = Losses.crossEntropy(model.logits(adv), y).getFloat();
                if (o.epsilon() > 0) {
                    assertThat(loss).isGreaterThan(cleanLoss);
                }
            }
            assertThat(result.outcomes().get(0).robustAccuracy())
                    .isLessThanOrEqualTo(1.0)
                    .isGreaterThanOrEqualTo(result.outcomes().get(2).robustAccuracy());
        }
    }
}
