package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.PassCounter;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Deep Defense's loss shares the clean batch's forward pass between the cross-entropy and DeepFool's first
 * step when the network computes the same in every mode: the same value and parameter gradient (float64, to
 * 1e-12 and 1e-10 relative) as the cross-entropy and the regularizer taken in separate passes, with one forward
 * pass of the batch fewer.
 */
class DeepDefenseSharedForwardTest {

    private static final int CLASSES = 4;
    private static final int BATCH = 6;

    @Test
    void sharedForwardGivesTheLossAndGradientOfSeparatePassesOnAnMlp() {
        check(TinyNets.mlp(CLASSES), new Shape(10), 3);
    }

    @Test
    void sharedForwardGivesTheLossAndGradientOfSeparatePassesOnAConvNet() {
        check(TinyNets.conv(CLASSES), new Shape(1, 8, 8), 8);
    }

    private static void check(Block net, Shape sample, int seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNets.initialise(net, m, DataType.FLOAT64, sample, seed);
            BlockClassifier model = new BlockClassifier(net, CLASSES, InputBox.uniform(-10, 10, sample));
            assertThat(model.sameInEveryMode()).isTrue();
            Random random = new Random(seed);
            double[] xs = new double[(int) (BATCH * sample.size())];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = random.nextGaussian();
            }
            long[] ys = new long[BATCH];
            for (int i = 0; i < BATCH; i++) {
                ys[i] = random.nextInt(CLASSES);
            }
            NDArray x = m.create(xs, new Shape(BATCH).addAll(sample));
            NDArray y = m.create(ys);
            List<NDArray> weights = new ArrayList<>();
            for (Pair<String, Parameter> p : net.getParameters()) {
                weights.add(p.getValue().getArray());
            }
            DeepDefense.Settings s = new DeepDefense.Settings(15, 25, 5,
                    new DeepFool.Settings(3, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE));
            Measured shared = measure(weights, () -> DeepDefense.loss(s).compute(model, x, y).total());
            Measured separate = measure(weights, () -> Losses.crossEntropy(model.logits(x), y)
                    .add(DeepDefense.regularizer(model, x, y, s).value()));
            assertThat(shared.value).isCloseTo(separate.value, org.assertj.core.api.Assertions.within(1e-12 * Math.abs(separate.value)));
            double distance = 0;
            double norm = 0;
            for (int i = 0; i < shared.gradient.length; i++) {
                distance += Math.pow(shared.gradient[i] - separate.gradient[i], 2);
                norm += Math.pow(separate.gradient[i], 2);
            }
            assertThat(norm).isPositive();
            assertThat(Math.sqrt(distance / norm)).isLessThan(1e-10);
            assertThat(separate.forwardImages - shared.forwardImages).isEqualTo(BATCH);
        }
    }

    private record Measured(double value, double[] gradient, long forwardImages) {}

    private static Measured measure(List<NDArray> weights, Supplier<NDArray> loss) {
        return Autograd.recording(() -> {
            PassCounter.Snapshot before = PassCounter.snapshot();
            NDArray total = loss.get();
            long forward = PassCounter.snapshot().since(before).forward();
            NDList grads = Autograd.gradients(total, weights, false);
            List<Double> flat = new ArrayList<>();
            for (NDArray g : grads) {
                for (double v : g.toDoubleArray()) {
                    flat.add(v);
                }
            }
            return new Measured(total.getDouble(), flat.stream().mapToDouble(Double::doubleValue).toArray(), forward);
        });
    }
}
