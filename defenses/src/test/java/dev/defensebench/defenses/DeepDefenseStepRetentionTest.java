package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A Deep Defense training step on a conv net (convolutions, max pooling: the LeNet path of {@code
 * defense-bench bench}) leaves nothing behind on the long-lived managers, the model's (parameters,
 * velocities, batches) and the parameters' own: every array a step makes, gradients and the TorchScript
 * helper's results included, is released with the step's {@link NDScope}.
 */
class DeepDefenseStepRetentionTest {

    private static final int CLASSES = 4;

    @Test
    void convNetStepsRetainNoArraysOnLongLivedManagers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape sample = new Shape(1, 8, 8);
            Block net = TinyNets.initialise(TinyNets.conv(CLASSES), m, DataType.FLOAT32, sample, 3);
            BlockClassifier model = new BlockClassifier(net, CLASSES, InputBox.uniform(-10, 10, sample));
            SgdOptimizer optimizer = new SgdOptimizer(net, m, 0.9, 5e-4);
            Set<NDManager> managers = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            managers.add(m);
            for (Pair<String, Parameter> p : net.getParameters()) {
                managers.add(p.getValue().getArray().getManager());
            }
            DeepDefense.Settings settings = new DeepDefense.Settings(15, 25, 5,
                    new DeepFool.Settings(3, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE));
            Random random = new Random(5);
            NDArray x = m.create(gaussian(random, 8 * 64), new Shape(8).addAll(sample));
            NDArray y = m.create(labels(random, 8));

            step(model, optimizer, settings, x, y, false);
            Set<String> before = uids(managers);
            for (int s = 0; s < 5; s++) {
                step(model, optimizer, settings, x, y, s % 2 == 1);
            }
            assertThat(uids(managers)).as("arrays on the model's and the parameters' managers").isEqualTo(before);
        }
    }

    private static void step(BlockClassifier model, SgdOptimizer optimizer, DeepDefense.Settings settings,
            NDArray x, NDArray y, boolean plain) {
        try (NDScope scope = new NDScope()) {
            NDList g = Autograd.recording(() -> optimizer.gradients(plain
                    ? Losses.crossEntropy(model.logits(x), y)
                    : DeepDefense.loss(settings).compute(model, x, y).total()));
            optimizer.update(g, 1e-3f);
        }
    }

    private static Set<String> uids(Set<NDManager> managers) {
        Set<String> uids = new HashSet<>();
        for (NDManager manager : managers) {
            for (NDArray a : manager.getManagedArrays()) {
                uids.add(a.getUid());
            }
        }
        return uids;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static long[] labels(Random random, int n) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextInt(CLASSES);
        }
        return v;
    }
}
