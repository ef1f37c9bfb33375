package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeepFoolNetworkTest {

    @Test
    void foolsEveryPointOfAReluNetworkAndReportsFiniteRelativeSizes() {
        Shape sample = new Shape(1, 8, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = TinyNets.initialise(TinyNets.conv(4), m, DataType.FLOAT32, sample, 3);
            BlockClassifier model = new BlockClassifier(net, 4, InputBox.uniform(-50, 50, sample));
            m.getEngine().setRandomSeed(9);
            NDArray x = m.randomUniform(0, 1, new Shape(20, 1, 8, 8));
            NDArray y = model.predict(x);
            DeepFool attack = new DeepFool();
            AttackResult r = attack.run(model, x, y, new ThreatModel(Norm.L2, List.of(0.0, 1e3)),
                    Hyperparameters.resolve("deepfool", attack.parameters(), Map.of()), 0);
            assertThat(r.outcomes().get(0).robustAccuracy()).isEqualTo(1.0);
            assertThat(r.outcomes().get(1).robustAccuracy()).isEqualTo(0.0);
            assertThat(r.meanRelativeDistance()).isFinite().isPositive();
            for (float d : r.distances()) {
                assertThat(d).isFinite().isPositive();
            }
        }
    }
}
