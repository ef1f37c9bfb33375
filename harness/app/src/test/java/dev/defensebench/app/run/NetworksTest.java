package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.defensebench.model.Mlp;
import dev.defensebench.model.ModelFiles;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Networks}: a loaded network computes what the network whose weights were stored computes. */
class NetworksTest {

    private static final Shape SAMPLE = new Shape(1, 28, 28);

    @Test
    void aLoadedNetworkGivesTheStoredNetworksLogits() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block stored = Networks.initialized(new Mlp(), SAMPLE, 10, manager);
            byte[] parameters = ModelFiles.parameters(stored);
            Block fresh = Networks.initialized(new Mlp(), SAMPLE, 10, manager);
            Block loaded = Networks.load(new Mlp(), SAMPLE, 10, manager, parameters);
            float[] pixels = new float[3 * 784];
            Random random = new Random(1);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = random.nextFloat();
            }
            NDArray x = manager.create(pixels, new Shape(3).addAll(SAMPLE));
            float[] want = logits(stored, x, manager);
            assertThat(logits(loaded, x, manager)).containsExactly(want);
            // a second initialization draws other weights, so the comparison above can fail
            assertThat(logits(fresh, x, manager)).isNotEqualTo(want);
            assertThat(ModelFiles.sha256(ModelFiles.parameters(loaded))).isEqualTo(ModelFiles.sha256(parameters));
        }
    }

    private static float[] logits(Block block, NDArray x, NDManager manager) {
        return block.forward(new ParameterStore(manager, false), new ai.djl.ndarray.NDList(x), false).singletonOrThrow()
                .toFloatArray();
    }
}
